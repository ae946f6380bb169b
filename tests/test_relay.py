"""The tests' relay (tests/relay.py) does what the fault tests rely on: adds its delay each way,
holds without closing, delivers what it held once released, and cuts connections."""

from __future__ import annotations

import socket
import socketserver
import threading
import time

import pytest

from .relay import Relay


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        while data := self.request.recv(65536):
            self.request.sendall(data)


@pytest.fixture
def echo():
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


#: a round trip through a relay that adds no delay comes at once: this is slack for a loaded
#: machine, half the 0.8 s round trip of the delay test below
NO_DELAY = 0.4


def _round_trip(conn: socket.socket, payload: bytes = b"ping") -> float:
    start = time.monotonic()
    conn.sendall(payload)
    got = b""
    while len(got) < len(payload):
        got += conn.recv(65536)
    assert got == payload
    return time.monotonic() - start


def test_latency_is_added_each_way_without_serialising(echo):
    with Relay(echo, delay=0.4) as relay, socket.create_connection(("127.0.0.1", relay.port)) as c:
        # 0.4 s each way; the upper bound is slack for a loaded machine, short of a third delay
        assert 0.79 <= _round_trip(c) < 1.2
        # two chunks sent together arrive together: the delay is not paid once per chunk
        start = time.monotonic()
        c.sendall(b"a")
        c.sendall(b"b")
        got = b""
        while len(got) < 2:
            got += c.recv(10)
        # once: 0.8 s and slack for a loaded machine, short of the 1.6 s paying it twice takes
        assert got == b"ab" and time.monotonic() - start < 1.4


def test_hold_keeps_the_connection_open_and_release_delivers(echo):
    with Relay(echo) as relay, socket.create_connection(("127.0.0.1", relay.port)) as c:
        assert _round_trip(c) < NO_DELAY
        relay.hold()
        c.sendall(b"held")
        c.settimeout(0.5)
        with pytest.raises(TimeoutError):
            c.recv(10)  # nothing comes, and nothing is closed either
        relay.release()
        c.settimeout(5)
        assert c.recv(10) == b"held"


def test_cut_closes_what_it_carries(echo):
    with Relay(echo) as relay, socket.create_connection(("127.0.0.1", relay.port)) as c:
        assert _round_trip(c) < NO_DELAY
        relay.cut()
        c.settimeout(5)
        assert c.recv(10) == b""


def test_stop_ends_its_threads(echo):
    relay = Relay(echo).start()
    with socket.create_connection(("127.0.0.1", relay.port)) as c:
        assert _round_trip(c) < NO_DELAY
    relay.stop()
    deadline = time.monotonic() + 5
    while any(t.name.startswith("relay-") for t in threading.enumerate()):
        assert time.monotonic() < deadline, [t.name for t in threading.enumerate()]
        time.sleep(0.05)
