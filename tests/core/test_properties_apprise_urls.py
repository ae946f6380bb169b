"""Properties of Apprise URLs as the program shows them (core/apprise_urls.py), over URLs made of
random parts: no token shows, in the URL as shown, in a place's name or in an error quoting the
URL or a piece of it; showing is idempotent; the keyring's lines read back as written. A token
is made of capital letters, digits and punctuation; everything else is lower case, so a capital
letter in what is shown is a piece of a token."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from hypothesis import example, given, settings
from hypothesis import strategies as st

from djamon_desktop.core.apprise_urls import (
    HIDDEN,
    fingerprint,
    hide_urls,
    place,
    shown_apprise_url,
    url_lines,
    urls_of,
)

FAST = settings(max_examples=150, deadline=None, derandomize=True, database=None)

token = st.text(st.sampled_from("ABCDEFGHKLMNPQRSTUVWXYZ0123456789_-."), min_size=3, max_size=24)
token = token.filter(lambda t: re.search("[A-Z]", t) is not None)
safe_host = st.sampled_from(
    ["127.0.0.1", "localhost", "ntfy.example.com", "hooks.slack.com", "[::1]", "10.0.0.2"]
)


@st.composite
def apprise_urls(draw) -> str:
    scheme = draw(st.sampled_from(["json", "slack", "tgram", "ntfys", "mailtos", "discord"]))
    # a token with a dot and letters after it reads as a host name, which is shown
    host = draw(st.one_of(safe_host, token.map(lambda t: t.replace(".", "_"))))
    port = draw(st.sampled_from(["", ":8000", ":443"]))
    user = ""
    if draw(st.booleans()):
        user = draw(token)
        if draw(st.booleans()):
            extra = draw(st.sampled_from(["", "@", "/", "é"]))
            user += ":" + draw(token) + quote(extra, safe="").lower()
        user += "@"
    path = "".join("/" + t for t in draw(st.lists(token, max_size=3)))
    query = ""
    if draw(st.booleans()):
        query = "?" + "&".join(f"{k}={draw(token)}" for k in draw(st.lists(st.sampled_from(
            ["to", "from", "key", "avatar"]), min_size=1, max_size=2)))  # fmt: skip
    return f"{scheme}://{user}{host}{port}{path}{query}"


def no_capital(text: str) -> None:
    assert re.search("[A-Z]", text) is None, text


@FAST
@given(apprise_urls())
@example("json://USER:PA%40SS@127.0.0.1:8000/PATH")
@example("slack://TOKENA/TOKENB/TOKENC")
def test_no_token_shows_and_showing_is_idempotent(url):
    shown = shown_apprise_url(url)
    no_capital(shown)
    no_capital(place(url))
    assert shown_apprise_url(shown) == shown
    assert shown.startswith(url.split("://")[0] + "://")


@FAST
@given(st.lists(apprise_urls(), min_size=1, max_size=3), st.data())
def test_an_error_quoting_a_url_or_a_piece_of_one_shows_no_token(urls, data):
    url = data.draw(st.sampled_from(urls))
    messages = [f"error sending to {url}: refused"]
    # the parts a service may quote on their own: between the characters URLs give meaning to
    parts = re.split("[/?#&=;,:@+ ]", unquote(url.partition("://")[2]))
    pieces = [p for p in parts if len(p) >= 3 and re.search("[A-Z]", p)]
    if pieces:
        messages.append(f"bad token '{data.draw(st.sampled_from(pieces))}' in the request")
    for message in messages:
        no_capital(hide_urls(message, [f"  {u}\n" for u in urls]))


@FAST
@given(st.text(max_size=60))
@example("#url\n  \n json://a.example \r\n")
def test_showing_any_text_never_raises_and_hides_all_but_the_scheme_and_host(text):
    shown = shown_apprise_url(text)
    assert shown == HIDDEN or "://" in shown
    assert shown_apprise_url(shown) == shown
    assert re.fullmatch("[0-9a-f]{16}", fingerprint(text))
    assert fingerprint(f" {text}\n") == fingerprint(text)
    place(text)


@settings(max_examples=60, deadline=None, derandomize=True, database=None)
@given(st.lists(st.one_of(apprise_urls(), st.sampled_from(["", "   ", "# a note", "\t#x"]))))
def test_the_keyrings_lines_read_back_as_written(lines):
    text = "\n".join(f" {line} " for line in lines)
    found = url_lines(text)
    wanted = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and "#" not in line[:2]]
    assert found == [(n, line.strip()) for n, line in wanted]
    assert urls_of(text) == [line for _, line in found]
    assert urls_of(None) == []
