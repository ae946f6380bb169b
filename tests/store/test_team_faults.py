"""A team's PostgreSQL under faults and many writers, called directly on a real server: a
connection that goes away becomes one line (password ***) and is made afresh next time; alert
claims lock their row (FOR UPDATE SKIP LOCKED) and never wait for a round's turn; one purge at a
time; the password found as libpq finds it, else in the keyring."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg2
import pytest

from djamon_desktop.core.outages import AlertText
from djamon_desktop.store import engine, history, outbox, purge
from djamon_desktop.store.database import (
    close_database,
    lost_connection,
    open_database,
    reach,
    reaching,
    shown_target,
)
from djamon_desktop.store.engine import DatabaseUnreachable
from djamon_desktop.store.models import Alert, Outage, db
from djamon_desktop.store.settings import load_settings

from ..postgres import PASSWORD, USER
from ..processes import wait_until
from .helpers import UP, add_site, store_round

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


@pytest.fixture
def team(team_url):
    open_database(team_url)
    yield team_url
    close_database()


def backend_pid() -> int:
    return db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]


def terminate(pg_server, pid: int) -> None:
    """End one server connection as the server does when it stops or restarts."""
    assert pg_server.sql(f"SELECT pg_terminate_backend({pid})") == "t"


# -- a connection that goes away -------------------------------------------------------------


def test_a_lost_connection_is_one_line_with_the_password_hidden_then_made_afresh(pg_server, team):
    load_settings()
    # lost inside a transaction (a connection lost while idle is made afresh silently, below)
    with pytest.raises(DatabaseUnreachable) as caught, reaching(), db.atomic():
        terminate(pg_server, backend_pid())
        load_settings()
    message = caught.value.message
    assert caught.value.exit_code == 4
    assert message.startswith(f"database postgresql://{USER}:***@127.0.0.1:{pg_server.port}/")
    assert "can't be reached: " in message and "\n" not in message
    assert PASSWORD not in message
    assert shown_target() in message
    # the broken connection was let go: the next query connects again by itself
    assert load_settings().strikes >= 1


def test_a_lost_connection_mid_transaction_stores_nothing_of_it(pg_server, team):
    site = add_site("Shop")
    pid = backend_pid()
    with pytest.raises(DatabaseUnreachable), reaching(), engine.writing():
        db.execute_sql(f"UPDATE site SET down_count = 7 WHERE id = {engine.marks()}", (site,))
        terminate(pg_server, pid)
        db.execute_sql(f"UPDATE site SET title = 'Half' WHERE id = {engine.marks()}", (site,))
    assert db.execute_sql("SELECT title, down_count FROM site").fetchall() == [("Shop", 0)]


def test_sqlite_errors_pass_unchanged(tmp_path):
    from peewee import OperationalError

    open_database(tmp_path / "d.sqlite")
    try:
        with pytest.raises(OperationalError), reaching():
            db.execute_sql("SELECT * FROM no_such_table")
        assert shown_target() is None
        reach()  # nothing to reach on SQLite
    finally:
        close_database()


def test_reach_connects_again_once_the_server_is_back(pg_server, team):
    pg_server.stop()
    try:
        with pytest.raises(DatabaseUnreachable) as caught:
            reach()
        assert "Connection refused" in caught.value.message
        assert PASSWORD not in caught.value.message
    finally:
        pg_server.start()
    reach()
    assert load_settings().strikes >= 1


def test_a_database_that_could_not_be_reached_at_first_is_set_up_when_it_is(pg_server):
    """The app starts while the server is down: once it answers, the schema is made."""
    url = pg_server.fresh_database()
    try:
        pg_server.stop()
        try:
            with pytest.raises(DatabaseUnreachable):
                open_database(url)
        finally:
            pg_server.start()
        reach()
        assert "schema_version" in db.get_tables()
        assert load_settings().strikes >= 1
    finally:
        close_database()
        pg_server.drop_database(url)


# -- delivery claims ---------------------------------------------------------------------------


def queue_emails(count: int) -> list[int]:
    with engine.writing():
        for n in range(count):
            outage = Outage.create(code=f"C{n:04d}", start_time=T0)
            outbox.queue(outage.id, "opened", T0, [AlertText("email", f"s{n}", "b")])
    return [a.id for a in Alert.select().order_by(Alert.id)]


def test_a_claim_skips_an_alert_another_sender_holds(team):
    first, second = queue_emails(2)
    other = psycopg2.connect(team)
    try:
        other.cursor().execute("SELECT id FROM alert WHERE id = %s FOR UPDATE", (first,))
        db.execute_sql("SET lock_timeout = '2s'")  # waiting would fail the test, not hang it
        started = time.monotonic()
        job = outbox.claim_next(T0, [], ["email"])
        assert time.monotonic() - started < 2  # at once, not after the 2 s lock_timeout
        assert job.id == second  # the held one was skipped, not waited for
    finally:
        other.rollback()
        other.close()
    assert outbox.claim_next(T0, [], ["email"]).id == first


def test_a_claim_does_not_wait_for_a_round_storing(team):
    """A sender on one desktop is not held up while another desktop's round stores."""
    [alert_id] = queue_emails(1)
    other = psycopg2.connect(team)
    try:
        other.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (engine.WRITE_LOCK,))
        db.execute_sql("SET lock_timeout = '2s'")  # waiting would fail the test, not hang it
        job = outbox.claim_next(T0, [], ["email"])
        assert (job.id, job.attempts) == (alert_id, 1)
    finally:
        other.rollback()
        other.close()


def test_the_hour_summary_adds_up_with_many_writers(team):
    sites = [add_site(f"S{n}") for n in range(3)]
    start = threading.Barrier(4)

    def desktop(k: int) -> None:
        try:
            start.wait()
            for n in range(10):
                store_round(T0 + timedelta(seconds=10 * k + n), dict.fromkeys(sites, UP))
        finally:
            close_database()

    threads = [threading.Thread(target=desktop, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    summary = db.execute_sql("SELECT sum(checks), sum(good), count(*) FROM check_hour")
    assert summary.fetchone() == (120, 120, 3)
    assert history.check_count() == 120


# -- one purge at a time -------------------------------------------------------------------------


def old_checks(count: int) -> int:
    site = add_site("Old")
    for n in range(count):
        store_round(T0 - timedelta(days=100, minutes=n), {site: UP})
    return site


def test_two_purges_at_once_take_turns(team, monkeypatch):
    old_checks(40)
    monkeypatch.setattr(purge, "PURGE_BATCH", 5)
    events: list[tuple[str, int]] = []
    start = threading.Barrier(2)
    removed: dict[str, int] = {}

    def purger(name: str) -> None:
        try:
            start.wait()
            removed[name] = purge.purge(30, T0, lambda n: events.append((name, n)))
        finally:
            close_database()

    threads = [threading.Thread(target=purger, args=(n,)) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(removed.values()) == [0, 40]  # the second found nothing left
    first = events[0][0]
    assert [name for name, _ in events] == [first] * 8  # never interleaved
    assert history.check_count() == 0


def test_a_round_stores_between_two_batches_of_a_purge(team, monkeypatch):
    old_checks(10)
    site = add_site("Live")
    monkeypatch.setattr(purge, "PURGE_BATCH", 5)
    stored: list[bool] = []

    def round_meanwhile(_removed: int) -> None:
        def store() -> None:
            try:
                store_round(T0, {site: UP})
                stored.append(True)
            finally:
                close_database()

        t = threading.Thread(target=store)
        t.start()
        t.join(10)  # the purge holds no turn between batches: this does not wait for it

    assert purge.purge(30, T0, round_meanwhile) == 10
    assert stored == [True, True]
    assert history.check_count() == 2


def test_the_daily_purge_skips_while_another_desktop_purges(team):
    old_checks(3)
    other = psycopg2.connect(team)
    other.autocommit = True
    try:
        other.cursor().execute("SELECT pg_advisory_lock(%s)", (engine.PURGE_LOCK,))
        started = time.monotonic()
        assert purge.purge_if_due(30, T0) is None  # at once, not after the other
        assert time.monotonic() - started < 2  # the other holds it for good: slack for load
        assert history.meta_get("last_purge") is None
        assert history.check_count() == 3
    finally:
        other.close()  # its purge ends (the lock goes with the connection)
    # the server lets the lock go once it has seen the connection close: not at once
    held = "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
    wait_until(
        lambda: db.execute_sql(held, (engine.PURGE_LOCK,)).fetchone()[0] == 0,
        10,
        "the other desktop's purge lock let go",
    )
    assert purge.purge_if_due(30, T0) == 3
    assert purge.purge_if_due(30, T0 + timedelta(hours=1)) is None  # done for the day


def test_the_purge_command_waits_for_another_desktops_purge(team):
    old_checks(3)
    other = psycopg2.connect(team)
    other.autocommit = True
    other.cursor().execute("SELECT pg_advisory_lock(%s)", (engine.PURGE_LOCK,))
    result: list[int] = []

    def purging() -> None:
        try:
            result.append(purge.purge(30, T0))
        finally:
            close_database()

    t = threading.Thread(target=purging)
    t.start()
    t.join(1.0)
    assert t.is_alive() and history.check_count() == 3  # waiting its turn
    other.close()
    t.join(30)
    assert result == [3]


# -- the password --------------------------------------------------------------------------------


def test_the_keyrings_password_is_used_when_libpq_has_none(pg_server, team_url, keyring):
    keyring("database_password", PASSWORD)
    url = team_url.replace(f":{PASSWORD}@", "@")
    open_database(url)
    try:
        assert load_settings().strikes >= 1
        close_database()  # a new connection later (after the server restarted) has it too
        assert load_settings().strikes >= 1
    finally:
        close_database()


def test_no_password_anywhere_says_where_it_was_looked_for(team_url):
    url = team_url.replace(f":{PASSWORD}@", "@")
    with pytest.raises(DatabaseUnreachable) as caught:
        open_database(url)
    assert "asks for a password and none was found" in caught.value.message
    assert "keyring's database_password" in caught.value.message


def test_a_copy_cut_off_by_the_server_is_a_lost_connection_too(team):
    # psycopg2, when the server ends a COPY, raises SystemError("... returned a result with an
    # exception set") from the server's error; that is the database going, not a bug of ours
    cut = SystemError("<function decode> returned a result with an exception set")
    cut.__cause__ = psycopg2.OperationalError("terminating connection due to administrator command")
    lost = lost_connection(cut)
    assert isinstance(lost, DatabaseUnreachable)
    assert "administrator command" in lost.message and PASSWORD not in lost.message
    assert lost_connection(SystemError("something else")) is None
