"""``check`` on a team database that accepted the connection and then went silent, with the
real 10 s deadline: the server stopped by SIGSTOP (the postmaster and its children), or the
network holding the traffic without closing it (tests/relay.py). Exit 4 within 15 s of the hang
starting, one line on stderr (no traceback, the password as ***), nothing of the round stored;
the next check works once the server answers again."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time

import psycopg2
import pytest

from ..conftest import document, group, site
from ..pause import stopped
from ..postgres import PASSWORD
from ..processes import wait_until
from ..relay import Relay

SLOW_MS = 1500  # the site's answer: the check is connected and probing meanwhile


def count_checks(url: str) -> int:
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute('SELECT count(*) FROM "check"')
        return cursor.fetchone()[0]


@pytest.fixture
def relay(pg_server):
    with Relay(pg_server.port) as found:
        yield found


@pytest.mark.parametrize("hang", ["sigstop", "relay-hold"])
def test_check_gives_up_on_a_silent_server_within_15_s(
    hang, pg_server, relay, team_url, server, load, monkeypatch, run, capsys
):
    url = relay.url(team_url) if hang == "relay-hold" else team_url
    monkeypatch.setenv("DJAMON_DATABASE_URL", url)
    load(document(group("Shop", site("Slow", server.url(f"/slow/{SLOW_MS}")))))
    probes = len(server.seen)
    proc = subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "check"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # probing the site: connected, settings and sites read, the round not stored yet
        wait_until(lambda: len(server.seen) > probes, 30, "the check probing its site")
        with contextlib.ExitStack() as hung:
            if hang == "sigstop":
                hung.enter_context(stopped(pg_server))
            else:
                relay.hold()
                hung.callback(relay.release)
            started = time.monotonic()
            out, err = proc.communicate(timeout=60)
            took = time.monotonic() - started
    finally:
        proc.kill()
    assert proc.returncode == 4, (proc.returncode, err)
    # a hung database ends the command within its deadlines, not never: slack for load
    assert took < 15, took
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    shown = url.replace(f":{PASSWORD}@", ":***@")
    assert lines[0] == f"djamon-desktop: database {shown} can't be reached: no answer within 10 s"
    assert "Traceback" not in err and PASSWORD not in err + out
    with capsys.disabled():
        print(f"\n{hang}: exit 4 {took:.1f} s after the hang started")
    assert count_checks(team_url) == 0  # nothing of the round
    assert run("check").code == 0  # the server answers again: the next check works
    assert count_checks(team_url) == 1


def test_check_on_a_server_stopped_before_it_starts_exits_4_within_15_s(
    pg_server, team_url, server, load, monkeypatch, run_process
):
    """The connect itself gets no answer: libpq's connect timeout (10 s) gives up."""
    monkeypatch.setenv("DJAMON_DATABASE_URL", team_url)
    load(document(group("Shop", site("Up", server.url("/status/200")))))
    with stopped(pg_server):
        started = time.monotonic()
        result = run_process("check")
        took = time.monotonic() - started
    assert result.code == 4, result.err
    # a hung database ends the command within its deadlines, not never: slack for load
    assert took < 15, took
    [line] = result.err.strip().splitlines()
    assert line.startswith("djamon-desktop: database postgresql://djamon:***@127.0.0.1:")
    assert line.endswith("failed: timeout expired") and PASSWORD not in result.err
    assert count_checks(team_url) == 0
    assert run_process("check").code == 0
    assert count_checks(team_url) == 1
