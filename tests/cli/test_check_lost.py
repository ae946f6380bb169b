"""``check`` on a team database lost part way: exit 4 only while nothing of the round is stored.
Once the round is committed, losing the database (delivering alerts, the daily purge, reading
the outages it opened, a ``--confirm`` retry) is one warning line on stderr naming the database
(password as ***) and the exit code the results give.

The database goes away at a precise moment: ``check`` reaches it through a relay (tests/relay.py)
with 50 ms each way, and a watcher on a direct connection stops the relay (its listener closed,
its connections cut: the server is gone for ``check``) as soon as it sees the moment come, while
``check`` still waits 50 ms for the server's answer, far behind the watcher's 5 ms polls. The
moment after the commit is the first statement the server gets once the round's checks are
there (so the commit's own answer has reached ``check``)."""

from __future__ import annotations

import threading
import time

import psycopg2
import pytest

from ..conftest import payments
from ..postgres import PASSWORD
from ..relay import Relay
from .test_team_faults import count, shown

#: advisory lock of the writers' turn, as pg_locks shows it (store.engine.WRITE_LOCK)
TURN = "locktype = 'advisory' AND classid = 0 AND objid = 1684696321 AND granted"


#: when the command's connection last began a statement
STARTED = (
    "SELECT max(query_start) FROM pg_stat_activity"
    " WHERE application_name = 'djamon-desktop' AND datname = current_database()"
)
STORED = 'SELECT count(*) > 0 FROM "check"'


class Watcher:
    """Stops ``relay`` once ``sql`` (on a direct connection to ``url``) gives a true value; with
    ``then_next``, once the command's connection begins its next statement after that."""

    def __init__(self, url: str, relay: Relay, sql: str, then_next: bool = False) -> None:
        self.url, self.relay, self.sql, self.then_next = url, relay, sql, then_next
        self.fired = threading.Event()
        self.failed: list[BaseException] = []
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> Watcher:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._done.set()
        self._thread.join(10)
        assert not self.failed, self.failed

    def _watch(self) -> None:
        try:
            self._watching()
        except BaseException as exc:  # said by the test
            self.failed.append(exc)

    def _watching(self) -> None:
        conn = psycopg2.connect(self.url)
        conn.autocommit = True  # each look a transaction: pg_stat_activity is read afresh
        try:
            cursor = conn.cursor()
            if not self._until(cursor, self.sql):
                return
            if self.then_next:
                cursor.execute(STARTED)
                began = cursor.fetchone()[0]
                later = STARTED.replace("max(query_start)", f"max(query_start) > '{began}'")
                if not self._until(cursor, later):
                    return
            self.relay.stop()
            self.fired.set()
        finally:
            conn.close()

    def _until(self, cursor, sql: str) -> bool:
        while not self._done.is_set():
            cursor.execute(sql)
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.005)
        return False


@pytest.fixture
def relay(pg_server):
    with Relay(pg_server.port, delay=0.05) as r:
        yield r


@pytest.fixture
def through(team_url, relay, monkeypatch):
    """``through()``: from now on the command line reaches the test's database through the
    relay (before: directly); returns that URL."""
    monkeypatch.setenv("DJAMON_DATABASE_URL", team_url)

    def switch() -> str:
        url = relay.url(team_url)
        monkeypatch.setenv("DJAMON_DATABASE_URL", url)
        return url

    return switch


def warning_line(result, url: str) -> str:
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("djamon-desktop: warning: the round was stored, but "), lines
    assert f"database {shown(url)} can't be reached" in lines[0]
    assert PASSWORD not in result.err + result.out
    return lines[0]


def test_lost_while_delivering_alerts_exits_as_the_results_say(
    team_url, through, relay, load, run, server, name, mail
):
    load(payments(server, name, strikes=1, email=mail.settings()))
    server.switch[name] = 500
    url = through()
    with Watcher(team_url, relay, STORED, then_next=True) as watcher:
        result = run("check")
    assert watcher.fired.is_set()
    assert result.code == 1, result.err
    assert "delivering alerts" in warning_line(result, url)
    assert "Payments" in result.out  # the round's results were printed
    assert count(team_url, "check") == 2
    assert count(team_url, "outage") == 1
    assert count(team_url, "alert") == 1  # queued with the outage, kept for the next round
    assert mail.inbox == []


def test_lost_after_the_round_with_json_still_prints_it(
    team_url, through, relay, load, run, server, name
):
    """No alert channel: the next step after the commit is the daily purge's."""
    load(payments(server, name))
    url = through()
    with Watcher(team_url, relay, STORED, then_next=True) as watcher:
        result = run("check", "--json")
    assert watcher.fired.is_set()
    assert result.code == 0, result.err
    assert "daily purge" in warning_line(result, url)
    assert {r["title"]: r["ok"] for r in result.json()["results"]} == {
        "Payments": True,
        "Blog": True,
    }
    assert count(team_url, "check") == 2


def test_confirm_lost_after_its_first_round_exits_as_that_round_says(
    team_url, through, relay, load, run, server, name
):
    load(payments(server, name, strikes=3, retry_seconds=1))
    server.switch[name] = 500
    url = through()
    with Watcher(team_url, relay, STORED, then_next=True) as watcher:
        result = run("check", "--confirm", "--json")
    assert watcher.fired.is_set()
    assert result.code == 1, result.err
    warning_line(result, url)
    results = {r["title"]: r for r in result.json()["results"]}
    assert results["Payments"]["ok"] is False and results["Payments"]["down_count"] == 1
    assert count(team_url, "check") == 2  # the first round's; no retry was stored


def test_lost_before_the_commit_is_exit_4_and_nothing_stored(
    team_url, through, relay, load, run, server, name
):
    """The round holds the writers' turn (its reads are done, its writes not sent) when the
    database goes: exit 4, one line, and nothing of the round is kept."""
    load(payments(server, name, strikes=1))
    server.switch[name] = 500
    url = through()
    with Watcher(team_url, relay, f"SELECT count(*) > 0 FROM pg_locks WHERE {TURN}") as watcher:
        result = run("check")
    assert watcher.fired.is_set()
    assert result.code == 4, result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(
        f"djamon-desktop: database {shown(url)} can't be reached: "
    ), result.err
    for table in ("check", "check_hour", "outage", "alert", "site_vantage"):
        assert count(team_url, table) == 0, table
