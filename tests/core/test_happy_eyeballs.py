"""Names with IPv6 and IPv4 addresses, tried as RFC 8305 says, against real sockets.

Each case runs one check in a network and mount namespace of its own (``unshare -n -m``): a
loopback of its own, and an /etc/hosts of its own in which ``dual.test`` is ::1 and 127.0.0.1,
with listeners on port 8080 of each as the case asks (tests/core/in_namespace.py)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from djamon_desktop.core import connect
from djamon_desktop.core.connect import interleaved

ROOT = Path(__file__).resolve().parents[2]
V6, V4 = socket.AF_INET6, socket.AF_INET


def _namespaces_refused() -> str | None:
    if shutil.which("unshare") is None or shutil.which("ip") is None:
        return "unshare or ip is not installed"
    probe = subprocess.run(
        ["unshare", "-n", "-m", "true"], capture_output=True, text=True, timeout=30
    )
    if probe.returncode != 0:
        return f"network and mount namespaces are not permitted here ({probe.stderr.strip()})"
    return None


@pytest.fixture(scope="module")
def hosts_file(tmp_path_factory):
    reason = _namespaces_refused()
    if reason:
        pytest.skip(reason)
    hosts = tmp_path_factory.mktemp("ns") / "hosts"
    hosts.write_text("::1 dual.test\n127.0.0.1 dual.test\n")
    return hosts


def in_namespace(hosts: Path, **scenario) -> dict:
    """The check the scenario describes, run in a namespace of its own; its result."""
    script = (
        f"ip link set lo up && mount --bind {hosts} /etc/hosts && "
        f'exec "$0" -m tests.core.in_namespace "$1"'
    )
    done = subprocess.run(
        ["unshare", "-n", "-m", "sh", "-c", script, sys.executable, json.dumps(scenario)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["tried"] == ["::1", "127.0.0.1"]  # the resolver's order: IPv6 first
    assert result["fds_after"] == result["fds_before"]  # no attempt's socket left open
    return result


def test_broken_ipv6_falls_back_to_ipv4_after_250_ms(hosts_file):
    # ::1 drops the SYNs (its accept queue is full), as a host with a broken AAAA record does
    result = in_namespace(hosts_file, v6="full", v4="http", url="http://dual.test:8080/")
    assert (result["status_code"], result["error"], result["good"]) == (200, None, True)
    # IPv6 had its 250 ms first; then IPv4 answered: well under the 5 s deadline the IPv6
    # attempt alone would have eaten (the upper line is slack for a loaded machine)
    assert 245 <= result["elapsed_ms"] < 2500


def test_refused_ipv6_tries_ipv4_at_once(hosts_file):
    # the delay between attempts set to 3 s: only an attempt started at once answers sooner
    result = in_namespace(hosts_file, v6="none", v4="http", url="http://dual.test:8080/", delay=3.0)
    assert (result["status_code"], result["error"]) == (200, None)
    assert result["elapsed_ms"] < 1500


def test_working_ipv6_wins_without_waiting(hosts_file):
    result = in_namespace(hosts_file, v6="http", v4="full", url="http://dual.test:8080/", delay=3.0)
    assert (result["status_code"], result["error"]) == (200, None)
    assert result["elapsed_ms"] < 1500


def test_both_families_dropping_is_timeout_at_the_deadline(hosts_file):
    result = in_namespace(
        hosts_file, v6="full", v4="full", url="http://dual.test:8080/", timeout=1.5
    )
    assert (result["status_code"], result["error"], result["good"]) == (None, "timeout", False)
    assert 1450 <= result["elapsed_ms"] < 3000


def test_both_families_refusing_is_connection_naming_each(hosts_file):
    result = in_namespace(hosts_file, v6="none", v4="none", url="http://dual.test:8080/")
    assert result["error"] == "connection"
    assert result["detail"] == "::1: connection refused; 127.0.0.1: connection refused"
    assert result["elapsed_ms"] < 1500  # refused at once, each: no deadline waited for


def test_a_tcp_site_is_tried_as_browsers_try_names(hosts_file):
    result = in_namespace(hosts_file, v6="full", v4="open", url="tcp://dual.test:8080")
    assert (result["status_code"], result["error"], result["good"]) == (None, None, True)
    assert 245 <= result["elapsed_ms"] < 2500


def test_addresses_are_interleaved_by_family_the_first_family_first():
    a = [(V6, ("2001:db8::1",)), (V6, ("2001:db8::2",)), (V6, ("2001:db8::3",))]
    b = [(V4, ("192.0.2.1",)), (V4, ("192.0.2.2",))]
    assert interleaved([*a, *b]) == [a[0], b[0], a[1], b[1], a[2]]
    assert interleaved([b[0], *a, b[1]]) == [b[0], a[0], b[1], a[1], a[2]]
    assert interleaved(b) == b
    assert interleaved([]) == []


def test_the_first_to_connect_wins_and_the_others_are_closed(monkeypatch):
    # two addresses of one family, both listening, every attempt started at once: the
    # first in order wins, the other's connection (if it opened) is closed by the check
    monkeypatch.setattr(connect, "ATTEMPT_DELAY", 0.0)
    first = socket.socket()
    first.bind(("127.0.0.1", 0))
    port = first.getsockname()[1]
    second = socket.socket()
    second.bind(("127.0.0.2", port))
    for listener in (first, second):
        listener.listen(8)
        listener.settimeout(2)
    try:
        won = asyncio.run(connect.open_socket([(V4, ("127.0.0.1",)), (V4, ("127.0.0.2",))], port))
        assert won.getpeername() == ("127.0.0.1", port)
        conn, _ = first.accept()
        with conn:
            conn.settimeout(0.3)
            with pytest.raises(TimeoutError):
                conn.recv(1)  # the winner's connection stays open
        try:
            conn, _ = second.accept()
        except TimeoutError:
            pass  # the loser never got as far as connecting
        else:
            with conn:
                conn.settimeout(2)
                with contextlib.suppress(ConnectionResetError):  # closed mid-handshake
                    assert conn.recv(1) == b""  # closed by the check
        won.close()
    finally:
        first.close()
        second.close()
