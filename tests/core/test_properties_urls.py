"""Properties of how a site's URL is shown (core/urls.py), over URLs made of random parts: the
password never shows, whatever it holds, and showing is idempotent. A password is made of
capital letters and percent-escapes (how a URL holds ``@ / : ?``...); everything else is lower
case, so a capital letter in what is shown is a piece of the password."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

from hypothesis import example, given, settings
from hypothesis import strategies as st

from djamon_desktop.core.urls import HIDDEN, hide_passwords, shown_url

FAST = settings(max_examples=300, deadline=None, derandomize=True, database=None)

lower = st.text(st.sampled_from("abcdefghijklmnopqrstuvwxyz0123456789-._~"), max_size=10)
password = st.text(st.sampled_from("ABCDEFGHKLMNPQRSTUVWXYZ@/:?#&=%+ !$,;[]é"), min_size=1).filter(
    lambda p: re.search("[A-Z]", p) is not None
)


@st.composite
def site_urls(draw) -> tuple[str, str]:
    """(url, its password as typed), the password percent-encoded as a valid URL holds it
    (lower-case hex, so the encoding brings no capital letter)."""
    secret = draw(password)
    written = "".join(
        c if c.isalnum() and c.isascii() else quote(c, safe="").lower() for c in secret
    )
    scheme = draw(st.sampled_from(["http", "https", "HTTPS"]))
    host = draw(st.sampled_from(["example.com", "127.0.0.1", "[::1]", "xn--bcher-kva.example"]))
    port = draw(st.sampled_from(["", ":8080", ":1"]))
    path = draw(st.sampled_from(["", "/", "/a/b", "/a@b", "/%7e"]))
    query = draw(st.sampled_from(["", "?q=1", "?next=/x@y", "?a=b:c"]))
    fragment = draw(st.sampled_from(["", "#top"]))
    user = draw(lower)
    return f"{scheme}://{user}:{written}@{host}{port}{path}{query}{fragment}", secret


def no_capital(text: str) -> None:
    assert re.search("[A-Z]", text.replace("HTTPS", "")) is None, text


@FAST
@given(site_urls())
@example(("https://u:P%40SS@example.com/", "P@SS"))
@example(("https://:P@example.com/", "P"))
def test_the_password_never_shows_and_the_rest_does(made):
    url, _ = made
    shown = shown_url(url)
    no_capital(shown)
    assert HIDDEN in shown
    parts, seen = urlsplit(url), urlsplit(shown)
    assert (seen.hostname, seen.port, seen.path, seen.query, seen.fragment) == (
        parts.hostname,
        parts.port,
        parts.path,
        parts.query,
        parts.fragment,
    )
    assert seen.username == parts.username


@FAST
@given(site_urls(), lower, lower)
def test_free_text_quoting_the_url_shows_no_password(made, before, after):
    url, _ = made
    no_capital(hide_passwords(f"{before} {url} {after}\n{url}", ["http://a/", url]))


@FAST
@given(st.one_of(site_urls().map(lambda m: m[0]), st.text(max_size=40)))
def test_showing_is_idempotent_and_never_raises(url):
    once = shown_url(url)
    assert shown_url(once) == once


@FAST
@given(st.text(max_size=40).filter(lambda u: "@" not in u))
def test_a_url_without_user_information_is_shown_as_it_is(url):
    assert shown_url(url) == url
