"""tcp:// sites and host names that can't be looked up, against real loopback sockets."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from djamon_desktop.core.probe import ProbeResult, Session, probe, probe_all
from djamon_desktop.core.problems import url_problem, web_url_problem
from djamon_desktop.core.urls import shown_url
from djamon_desktop.core.wire import cache_busted, label_problem

from ..servers import closed_port


def check(url: str, timeout: float = 2.0):
    async def go():
        return await probe(Session(), url, timeout)

    return asyncio.run(go())


@pytest.fixture
def listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield sock
    sock.close()


def full_listener() -> tuple[socket.socket, list[socket.socket]]:
    """A loopback listener whose accept queue is full: the SYNs that reach it go unanswered."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(0)
    held = []
    for _ in range(16):
        client = socket.socket()
        client.settimeout(0.3)
        try:
            client.connect(sock.getsockname())
        except TimeoutError:
            client.close()
            return sock, held
        held.append(client)
    raise RuntimeError("the accept queue never filled")


def test_a_tcp_site_is_up_when_its_port_opens_and_nothing_is_sent(listener):
    port = listener.getsockname()[1]
    result = check(f"tcp://127.0.0.1:{port}")
    assert (result.status_code, result.error, result.detail) == (None, None, "")
    assert result.is_good([200]) and result.is_good([])
    listener.settimeout(5)
    conn, _ = listener.accept()
    with conn:
        conn.settimeout(5)
        assert conn.recv(100) == b""  # closed by the check without a byte
    # the name and the trailing slash are fine too
    assert check(f"TCP://localhost:{port}/").error is None


def test_a_refused_tcp_site_is_connection():
    result = check(f"tcp://127.0.0.1:{closed_port()}")
    assert (result.status_code, result.error, result.is_good([200])) == (None, "connection", False)
    assert "refused" in result.detail


def test_a_tcp_site_whose_syns_go_unanswered_is_timeout_at_the_deadline():
    sock, held = full_listener()
    try:
        started = time.monotonic()
        result = check(f"tcp://127.0.0.1:{sock.getsockname()[1]}", timeout=1.0)
        assert (result.status_code, result.error) == (None, "timeout")
        # the deadline, plus slack for a loaded machine
        assert result.elapsed_ms >= 990 and time.monotonic() - started < 2.5
    finally:
        for s in [sock, *held]:
            s.close()


def test_tcp_and_http_sites_in_one_round(server, listener):
    urls = [f"tcp://127.0.0.1:{listener.getsockname()[1]}", server.url("/status/200")]
    before = len(server.seen)
    results = asyncio.run(probe_all(urls, 2.0))
    assert [(r.status_code, r.error) for r in results] == [(None, None), (200, None)]
    assert len(server.seen) == before + 1  # the tcp site asked the web server nothing


def test_a_tcp_url_is_left_alone_by_the_cache_breaker_and_the_password_hider():
    assert cache_busted("tcp://db.example:5432") == "tcp://db.example:5432"
    assert shown_url("tcp://db.example:5432") == "tcp://db.example:5432"


def test_only_an_http_check_without_error_needs_a_good_code():
    assert ProbeResult(None, None, 1.0).is_good([200])  # a tcp site that opened
    assert not ProbeResult(500, None, 1.0).is_good([200])
    assert not ProbeResult(None, "timeout", 1.0).is_good([200])
    assert not ProbeResult(None, "busy", 0.0).is_good([200])


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("tcp://db.example", "'tcp://db.example' has no port: a tcp:// URL is tcp://HOST:PORT"),
        ("tcp://db.example:", "'tcp://db.example:' has no port"),
        ("tcp://db.example:0", "'tcp://db.example:0' has port 0"),
        ("tcp://db.example:65536", "'tcp://db.example:65536' is not a valid URL (Port out of"),
        ("tcp://db.example:5432/x", "has a path, query or fragment"),
        ("tcp://db.example:5432?x=1", "has a path, query or fragment"),
        ("tcp://db.example:5432#x", "has a path, query or fragment"),
        ("tcp://db.example:5432?", "has a path, query or fragment"),
        ("tcp://ops:s3cret@db.example:5432", "'tcp://ops:***@db.example:5432' has user info"),
        ("tcp://:5432", "has no host name"),
    ],
)
def test_a_tcp_url_needs_a_host_and_a_port_and_nothing_else(url, message):
    problem = url_problem(url) or ""
    assert message in problem
    assert "s3cret" not in problem


@pytest.mark.parametrize(
    "url", ["tcp://db.example:5432", "tcp://db.example:1/", "tcp://[::1]:65535", "TCP://h:7"]
)
def test_a_tcp_url_with_host_and_port_is_a_site(url):
    assert url_problem(url) is None
    # the sandbox URLs (and a Djamon site's) stay http or https
    assert web_url_problem(url) == f"{url!r} is not an http or https URL"


# -- names that can't be looked up -----------------------------------------------------------------

EMPTY_LABEL = "http://a..example.com/"
LONG_LABEL = f"http://{'a' * 64}.example/"


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (EMPTY_LABEL, "'a..example.com' has an empty label"),
        ("http://.example.com/", "'.example.com' has an empty label"),
        (LONG_LABEL, "has a label of 64 characters (over 63)"),
        (f"https://{'ü' * 60}.example/", "has a label of 66 characters (over 63)"),
        ("tcp://a..example.com:5432", "'a..example.com' has an empty label"),
    ],
)
def test_a_name_with_an_empty_or_long_label_is_dns_and_accepted_as_a_site(url, said):
    assert url_problem(url) is None  # kept, to be mended: its check says what is wrong
    result = check(url)
    assert (result.status_code, result.error) == (None, "dns")
    assert said in result.detail


def test_a_63_character_label_and_a_final_dot_are_fine():
    assert label_problem("a" * 63 + ".example") is None
    assert label_problem("example.com.") is None
    assert label_problem("127.0.0.1") is None and label_problem("::1") is None
    assert label_problem("example..com.") == "has an empty label"
    # a 63-character label is looked up (and not found), not refused before
    result = check(f"http://{'a' * 63}.invalid/")
    assert result.error == "dns" and result.detail.startswith("name lookup failed")
