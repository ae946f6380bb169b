"""No password of a site's URL shows, however it is written: in the refusal of a URL that is
not valid, in a real check's result against loopback (refused, answered, a name IDNA can't
write), in the round's log lines, and in the connectivity notice naming the sandbox URLs.
Properties over URLs made of random parts (hypothesis), as tests/store/test_url_passwords.py
does for the team's database URL: a password is made of capital letters and the characters a
URL gives meaning to, everything else is lower case, so a capital letter in what is shown (the
messages' own words taken out) is a piece of the password."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import logging
import re
from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from djamon_desktop.core import rounds
from djamon_desktop.core.problems import url_problem
from djamon_desktop.core.rounds import RoundReport, log_round, outcomes_of, probe_round
from djamon_desktop.core.sites import SiteInfo
from djamon_desktop.core.states import State
from djamon_desktop.core.status import unanswered_text
from djamon_desktop.core.urls import shown_url

from ..servers import MisbehavingServer, closed_port

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)
password = st.text(
    st.sampled_from("ABCDEFGHKLMNPQRSTUVWXYZ@/:?#&=%+ !$,;[]'"), min_size=1, max_size=12
).filter(lambda p: re.search("[A-Z]", p) is not None)
user = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-._"), max_size=8)
# the messages' own words (urlsplit's, idna's and the checks')
OWN_WORDS = re.compile(r"\b(URL|URI|IPv4|IPv6|Invalid|Port|IDNA|HTTP|Label)\b")


def no_piece_of_the_password(text: str) -> None:
    assert re.search("[A-Z]", OWN_WORDS.sub("", text)) is None, text


def written(secret: str, how: str) -> str:
    """The password raw, or percent-encoded as a valid URL holds it (lower-case hex)."""
    if how == "raw":
        return secret
    return "".join(c if c.isalnum() else quote(c, safe="").lower() for c in secret)


@FAST
@given(
    user,
    password,
    st.sampled_from(["raw", "encoded"]),
    st.sampled_from(["https", "http", "ftp"]),
    st.sampled_from(["example.com", "127.0.0.1", "[::1]:8080", "h:99999", "bücher.example"]),
    st.sampled_from(["", "/", "/a", "/x@y", "?q=a@b", "/ z"]),
)
@example("u", "A?", "raw", "https", "example.com", "")  # urlsplit reads "A" as the port
@example("u", "A[", "raw", "https", "example.com", "")  # and "A[" as half an IPv6 address
@example("u", ";@A/ ", "raw", "https", "example.com", "")
@example("u", "A'?", "raw", "https", "example.com", "")  # repr quotes it with "
def test_the_refusal_of_a_url_never_shows_its_password(name, secret, how, scheme, host, tail):
    url = f"{scheme}://{name}:{written(secret, how)}@{host}{tail}"
    no_piece_of_the_password(url_problem(url) or "")
    if url_problem(url) is None and urlsplit(url).password is not None:
        # (a raw "?", "/" or "#" right after "user:" makes a valid URL of another host, whose
        # password is empty: what follows is its path or query, shown as it is)
        no_piece_of_the_password(shown_url(url))


@pytest.fixture(scope="module")
def loopback():
    server = MisbehavingServer().start()
    yield server
    server.stop()


def site(index: int, url: str) -> SiteInfo:
    return SiteInfo(
        site_id=index,
        group="g",
        title=f"s{index}",
        url=url,
        priority="normal",
        active=True,
        down_message="down",
        down_count=0,
        state=State.UP,
        last_seen=None,
        last_checked=None,
        last_status_code=None,
        last_error=None,
        last_elapsed_ms=None,
        order=(0, index),
    )


def log_lines(report: RoundReport) -> str:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger(rounds.__name__)
    level, logger.level = logger.level, logging.INFO
    logger.addHandler(handler)
    try:
        log_round(report)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    return out.getvalue()


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(user, password, st.lists(st.sampled_from(["refused", "500", "200", "badname"]), min_size=1))
def test_a_checks_result_and_the_rounds_log_lines_never_show_the_password(
    loopback, name, secret, kinds
):
    refused = f"127.0.0.1:{closed_port()}"
    hosts = {
        "refused": refused,
        "500": f"127.0.0.1:{loopback.port}/status/500",
        "200": f"127.0.0.1:{loopback.port}/status/200",
        "badname": "\u0300a.example",  # a label starting with a combining mark: no IDNA form
    }
    urls = [f"http://{name}:{written(secret, 'encoded')}@{hosts[k]}" for k in kinds]
    assert all(url_problem(u) is None for u in urls if "\u0300" not in u)
    results = asyncio.run(probe_round([], urls, 2.0, [200]))
    assert results is not None
    for result in results:
        no_piece_of_the_password(f"{result.error or ''} {result.detail or ''}")
    sites = [site(i, u) for i, u in enumerate(urls)]
    outcomes = outcomes_of(sites, dict(enumerate(results)), {}, [200], 3)
    now = datetime.now(UTC)
    lines = log_lines(RoundReport(now, now, True, outcomes))
    assert lines.count("\n") == sum(not o.ok for o in outcomes) + 1  # the lines were written
    no_piece_of_the_password(lines)
    lost = RoundReport(now, now, False, unanswered=tuple(urls))
    no_piece_of_the_password(log_lines(lost) + unanswered_text(urls))


def test_a_round_report_is_a_dataclass_the_log_reads_whole():
    """The property above builds reports by their fields; this fails if one is added without a
    default, so the property is looked at again."""
    required = [
        f.name
        for f in dataclasses.fields(RoundReport)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    ]
    assert required == ["started_at", "finished_at", "connectivity"]
