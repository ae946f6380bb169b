"""Apprise URLs shown with their secret parts as ***, their fingerprints, and secret parts
hidden in free text (an error a service sent back)."""

from __future__ import annotations

import pytest

from djamon_desktop.core.apprise_urls import (
    fingerprint,
    hide_urls,
    place,
    shown_apprise_url,
    url_lines,
    urls_of,
)


@pytest.mark.parametrize(
    ("url", "shown", "short"),
    [
        ("json://127.0.0.1:8000/hook", "json://127.0.0.1:8000/…", "127.0.0.1:8000"),
        ("json://bot:pw@127.0.0.1:8000/x?token=t", "json://***@127.0.0.1:8000/…", "127.0.0.1:8000"),
        ("ntfys://ntfy.example.com/our-alerts", "ntfys://ntfy.example.com/…", "ntfy.example.com"),
        ("ntfy://our-secret-topic", "ntfy://***", "ntfy 8c0d1b"),
        ("slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#ops", "slack://***", None),
        ("tgram://123456789:AAbbCCdd/-100123", "tgram://***", None),
        ("pover://userkey@apptoken", "pover://***", None),
        ("mailto://me:pw@gmail.com", "mailto://***@gmail.com", "gmail.com"),
        ("https://hooks.slack.com/services/T1/B2/X3", "https://hooks.slack.com/…", None),
        ("gotify://[::1]:8080/token", "gotify://[::1]:8080/…", "[::1]:8080"),
        ("json://localhost/", "json://localhost", "localhost"),
        ("no scheme at all", "***", None),
    ],
)
def test_only_the_scheme_and_a_real_host_are_shown(url, shown, short):
    assert shown_apprise_url(url) == shown
    if short == "ntfy 8c0d1b":
        short = f"ntfy {fingerprint(url)[:6]}"
    if short is not None:
        assert place(url) == short


def test_a_token_in_the_host_is_never_shown_as_a_place():
    url = "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
    assert place(url) == f"slack {fingerprint(url)[:6]}"
    assert "T1JJ3T3L2" not in place(url)


def test_fingerprint_is_16_hex_of_the_url_as_written():
    url = "json://127.0.0.1/x"
    assert len(fingerprint(url)) == 16 and int(fingerprint(url), 16) >= 0
    assert fingerprint(f"  {url} ") == fingerprint(url)
    assert fingerprint(url) != fingerprint(url + "y")


def test_lines_skip_blanks_and_comments_and_keep_their_numbers():
    text = "json://a.example.com/x\n\n  # Slack\nslack://A/B/C  \n"
    assert url_lines(text) == [(1, "json://a.example.com/x"), (4, "slack://A/B/C")]
    assert urls_of(None) == [] and urls_of(text) == ["json://a.example.com/x", "slack://A/B/C"]


def test_secret_parts_are_hidden_in_free_text():
    url = "json://bot:Pa55word@127.0.0.1:8000/hook/Tok3nValue?key=S3cretKey"
    said = f"posting to {url} failed; token Tok3nValue refused for bot with Pa55word, key S3cretKey"
    hidden = hide_urls(said, [url])
    for secret in ("Pa55word", "Tok3nValue", "S3cretKey", url):
        assert secret not in hidden
    assert hidden.startswith("posting to json://***@127.0.0.1:8000/… failed; token *** refused")
    token_host = "discord://1234567890/AbCdEfGhIjKl"
    assert hide_urls("Discord said 1234567890 AbCdEfGhIjKl", [token_host]) == "Discord said *** ***"
