"""Loopback is judged by the host as written: a name that resolves to 127.0.0.1 is not loopback,
and neither is any address outside 127.0.0.0/8 and ::1."""

from __future__ import annotations

import pytest

from djamon_desktop.core.loopback import is_loopback


@pytest.mark.parametrize(
    "host",
    [
        "localhost",
        "LocalHost",
        " localhost ",
        "127.0.0.1",
        "127.255.255.254",
        "127.0.0.2",
        "::1",
        "[::1]",
        "0:0:0:0:0:0:0:1",
        "/var/run/postgresql",  # a Unix socket's folder, as libpq takes it
    ],
)
def test_loopback_as_written(host):
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host",
    [
        "",
        "mail.example.com",
        "localhost.example.com",  # a name: whatever it resolves to
        "localhost.",
        "127.0.0.1.nip.io",
        "ip6-localhost",
        "128.0.0.1",
        "126.255.255.255",
        "127.1",  # not a 127.0.0.0/8 literal as written (some resolvers would take it)
        "0.0.0.0",
        "10.0.0.1",
        "::2",
        "::ffff:127.0.0.1",
        "[::1",
    ],
)
def test_anything_else_is_not(host):
    assert not is_loopback(host)
