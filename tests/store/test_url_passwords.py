"""No password of a team URL shows in a message, however it is written: properties over URLs
made of random parts (hypothesis). A password is made of capital letters and the characters a
URL gives meaning to (``@ / : ? # & = % +``...); everything else in the URL is lower case, so a
capital letter in what is shown is a piece of the password (the parameter names, which may be
``PASSWORD``, are taken out before looking)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from djamon_desktop.errors import UserError
from djamon_desktop.store import database, team_url
from djamon_desktop.store.team_url import HIDDEN, check_url, scrubbed, shown

LOWER = "abcdefghijklmnopqrstuvwxyz"
SPECIAL = "@/:?#&=%+ !$,;[]"
password_text = st.text(st.sampled_from("ABCDEFGHKLMNPQRSTUVWXYZ" + SPECIAL), min_size=1).filter(
    lambda p: re.search("[A-Z]", p) is not None
)
name = st.text(st.sampled_from(LOWER + "0123456789-."), min_size=1, max_size=12)
# names holding "password" as people and libpq write them (a letter percent-encoded or not)
password_name = st.sampled_from(
    ["password", "sslpassword", "pass%77ord", "PASSWORD", "Password", "ssl%70assword", "xpassword"]
)
plain_param = st.sampled_from(
    ["sslmode=disable", "sslmode=verify-full", "connect_timeout=5", "application_name=a@b",
     "user=alice@corp", "options=-c%20x%3dy", "target_session_attrs=any"]
)  # fmt: skip


def encoded(password: str, how: str) -> str:
    """``password`` as it may stand in a URL: raw, or percent-encoded in lower-case hex (so no
    capital letter comes from the encoding), its letters left as they are."""
    if how == "raw":
        return password
    return "".join(c if c.isalnum() else "".join(f"%{b:02x}" for b in c.encode()) for c in password)


@st.composite
def team_urls(draw) -> tuple[str, str, list[str]]:
    """(url, password, the password-parameter names used)."""
    host = draw(st.sampled_from(["db.team.example", "localhost", "127.0.0.1", "[::1]", "h1,h2"]))
    port = draw(st.sampled_from(["", ":5432", ":1"]))
    user = draw(name)
    password = draw(password_text)
    how = draw(st.sampled_from(["raw", "encoded"]))
    where = draw(st.sampled_from(["userinfo", "parameter", "both"]))
    params = draw(st.lists(plain_param, max_size=3))
    names: list[str] = []
    auth = f"{user}@"
    if where in ("userinfo", "both"):
        auth = f"{user}:{encoded(password, how)}@"
    if where in ("parameter", "both"):
        key = draw(password_name)
        names.append(key)
        params.insert(draw(st.integers(0, len(params))), f"{key}={encoded(password, how)}")
    query = "?" + "&".join(params) if params else ""
    return f"postgresql://{auth}{host}{port}/{draw(name)}{query}", password, names


def no_piece_of_the_password(text: str, names: list[str]) -> None:
    for key in names:
        text = text.replace(key, "")
    text = re.sub(r"\b(URL|URI|IPv6|Port)\b", "", text)  # the messages' own words
    assert re.search("[A-Z]", text) is None, text


@settings(
    max_examples=600, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)
@given(team_urls())
@example(("postgresql://u@h/db?password=SE#CRET", "SE#CRET", ["password"]))
@example(("postgresql://u:PA/SS@h/db", "PA/SS", []))
@example(("postgresql://u:P@SS@h/db", "P@SS", []))
@example(("postgresql://u:A?X=1@h/db?password=K", "K", ["password"]))
@example(("postgresql://h:5432/db?password=X@Y", "X@Y", ["password"]))
@example(("postgresql://u@h/db?password=A&B&C=D&sslmode=disable", "A&B&C=D", ["password"]))
@example(("postgresql://0:?@A=@db.team.example/0?password=?@A=", "?@A=", ["password"]))
def test_shown_and_the_refusals_never_hold_a_piece_of_the_password(made):
    url, _, names = made
    assert HIDDEN in shown(url)
    no_piece_of_the_password(shown(url), names)
    try:
        check_url(url)
    except UserError as refused:  # the reason libpq gave, quoting what it could not read
        no_piece_of_the_password(refused.message, names)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(team_urls(), st.data())
def test_a_driver_message_quoting_any_piece_of_the_password_is_scrubbed(made, data):
    url, password, names = made
    start = data.draw(st.integers(0, len(password) - 1))
    piece = password[start : data.draw(st.integers(start + 1, len(password)))]
    if re.search("[A-Z]", piece) is None:
        piece = password  # a piece of punctuation alone tells nothing
    for message in (f'invalid value "{piece}" for option', f"cannot use '{piece}'"):
        line = database.unreachable(url, RuntimeError(message)).message
        no_piece_of_the_password(line, names)
        no_piece_of_the_password(scrubbed(message, url), names)


def test_the_keyword_form_is_scrubbed_too():
    dsn = "host=db password='S3 cret' sslpassword=KEY dbname=x"
    assert shown(dsn) == "host=db password=*** sslpassword=*** dbname=x"
    assert scrubbed('bad "S3 cret" and "KEY" near "db"', dsn) == 'bad "***" and "***" near "db"'


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:PA/SS@db/team",  # a "/" in the password: libpq reads host u, port PA
        "postgresql://u@db/team?password=P%zzW",  # libpq quotes the bad token
        "postgresql://u@db/team?password=AB&CD",  # libpq quotes "CD", a key without "="
        "postgresql://u@db:99999/team?password=SECRET",
    ],
)
def test_check_url_refuses_with_one_line_and_no_password(url):
    with pytest.raises(UserError) as refused:
        check_url(url)
    line = refused.value.message
    assert line.startswith("database URL postgresql://u") and "\n" not in line
    no_piece_of_the_password(line, [])


def test_a_port_libpq_reads_is_checked_as_libpq_reads_it():
    """A password holding "?" or "#" unencoded is libpq's password, not a fragment or a query,
    so the URL is taken (a reading of the URL as a web address refused it for its port)."""
    assert check_url("postgresql://u:pa?ss@db:5433/team") == "postgresql://u:pa?ss@db:5433/team"
    assert check_url("postgresql://u:pa#ss@db/team")
    with pytest.raises(UserError, match="Port out of range 1-65535: 0"):
        check_url("postgresql://db:0/team")
    assert team_url.shown("postgresql://u:pa?ss@db:5433/team") == "postgresql://u:***@db:5433/team"
