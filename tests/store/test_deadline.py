"""Every call to a team database has a deadline (``engine.DEADLINE_S``; lowered to 1 s here,
the command line's test in tests/cli/test_team_hang.py keeps the real 10 s): a server
that accepted the connection and then went silent (SIGSTOP; a relay that holds the traffic
without closing anything) is given up on in time, in one line with the password as ***, and the
next use connects afresh once it answers again; the change listener's heartbeat tells such a
server from a quiet one. Also: a connection the server's restart left dead while idle is made
afresh without an error. The suite's real PostgreSQL, tests/relay.py."""

from __future__ import annotations

import io
import threading
import time

import psycopg2
import pytest

from djamon_desktop.store import changes, engine
from djamon_desktop.store.connection import connect
from djamon_desktop.store.database import close_database, open_database, reaching
from djamon_desktop.store.engine import DatabaseUnreachable
from djamon_desktop.store.models import db
from djamon_desktop.store.settings import load_settings

from ..pause import stopped
from ..postgres import PASSWORD
from ..relay import Relay

DEADLINE = 1.0


@pytest.fixture
def deadline(monkeypatch):
    monkeypatch.setattr(engine, "DEADLINE_S", DEADLINE)
    return DEADLINE


@pytest.fixture
def relay(pg_server):
    with Relay(pg_server.port) as found:
        yield found


@pytest.fixture
def through_relay(team_url, relay):
    url = relay.url(team_url)
    open_database(url)
    yield url
    relay.release()
    close_database()


def given_up_on_time(call) -> str:
    """Run ``call``, which must end with the database unreachable after the deadline (not
    before it, and with a margin for a busy machine after it); its one line."""
    started = time.monotonic()
    with pytest.raises(DatabaseUnreachable) as caught:
        call()
    took = time.monotonic() - started
    assert DEADLINE * 0.9 < took < DEADLINE + 3, took  # the deadline, slack for a loaded machine
    message = caught.value.message
    assert caught.value.exit_code == 4
    assert f"no answer within {DEADLINE:g} s" in message and "\n" not in message
    assert PASSWORD not in message and ":***@" in message
    return message


def test_a_statement_held_by_the_network_is_given_up_on_then_made_afresh(
    deadline, relay, through_relay
):
    load_settings()
    relay.hold()

    def query() -> None:
        with reaching():
            db.execute_sql("SELECT count(*) FROM site").fetchone()

    given_up_on_time(query)
    relay.release()
    assert load_settings().strikes >= 1  # a new connection, at once
    assert relay.connections == 2


def test_a_transaction_whose_server_stopped_stores_nothing_of_it(deadline, pg_server, team_url):
    open_database(team_url)
    try:
        load_settings()

        def write() -> None:
            with reaching(), engine.writing():
                db.execute_sql("INSERT INTO meta (key, value) VALUES ('half', 'done')")
                with stopped(pg_server):
                    db.execute_sql("INSERT INTO meta (key, value) VALUES ('other', 'half')")

        given_up_on_time(write)
        rows = db.execute_sql("SELECT key FROM meta WHERE key IN ('half', 'other')").fetchall()
        assert rows == []
    finally:
        close_database()


def test_commit_copy_and_executemany_have_the_deadline_too(deadline, relay, team_url):
    url = relay.url(team_url)
    for step in ("commit", "copy", "executemany", "rollback"):
        conn = connect(url)
        cursor = conn.cursor()
        cursor.execute("CREATE TEMP TABLE t (n integer)")
        cursor.execute("INSERT INTO t VALUES (1)")
        relay.hold()
        try:
            if step == "commit":
                given_up_on_time(conn.commit)
            elif step == "rollback":
                given_up_on_time(conn.rollback)
            elif step == "copy":
                rows = io.StringIO("".join(f"{n}\n" for n in range(100_000)))
                given_up_on_time(lambda: cursor.copy_expert("COPY t FROM STDIN", rows))  # noqa: B023
            else:
                many = [(n,) for n in range(10)]
                given_up_on_time(lambda: cursor.executemany("INSERT INTO t VALUES (%s)", many))  # noqa: B023
        finally:
            relay.release()
            conn.close()
    conn = connect(url)  # and it answers again
    with conn.cursor() as cursor:
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
    conn.close()


def test_an_answer_within_the_deadline_is_waited_for(deadline, pg_server, relay, team_url):
    """A slow server is not a dead one: 0.6 s a statement, with a 1 s deadline."""
    conn = connect(relay.url(team_url))
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(0.6)")
            cursor.execute("SELECT 1")
            assert cursor.fetchone() == (1,)
    finally:
        conn.close()


# -- waiting one's turn is not a silent server ----------------------------------------------


@pytest.fixture
def other(team_url):
    """Another desktop's connection to the same database."""
    conn = psycopg2.connect(team_url)
    yield conn
    conn.close()


def test_a_writer_waits_for_another_s_turn_longer_than_the_deadline(deadline, team_url, other):
    open_database(team_url)
    try:
        other.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (engine.WRITE_LOCK,))
        threading.Timer(2.5, other.commit).start()  # an import holding the turn for 2.5 s
        started = time.monotonic()
        with reaching(), engine.writing():
            waited = time.monotonic() - started
            assert db.execute_sql("SHOW lock_timeout").fetchone() == ("0",)  # not a slice's
            db.execute_sql("INSERT INTO meta (key, value) VALUES ('waited', 'its turn')")
        # its turn after the import's 2.5 s, not cut at a deadline: slack for a loaded machine
        assert 2.4 < waited < 2.5 + 2 * DEADLINE, waited
        assert db.execute_sql("SELECT value FROM meta WHERE key = 'waited'").fetchone()
        other.cursor().execute("SELECT pg_advisory_lock(%s)", (engine.PURGE_LOCK,))
        other.commit()
        threading.Timer(
            2.5, lambda: other.cursor().execute("SELECT pg_advisory_unlock_all()")
        ).start()
        started = time.monotonic()
        engine.take_lock(engine.PURGE_LOCK, session=True)  # outside a transaction
        # waited for the other's 2.5 s hold, not given up at a statement's deadline: slack for load
        assert 2.4 < time.monotonic() - started < 2.5 + 2 * DEADLINE
        assert db.execute_sql("SHOW lock_timeout").fetchone() == ("0",)  # not a slice's
        db.execute_sql("SELECT pg_advisory_unlock(%s)", (engine.PURGE_LOCK,))
    finally:
        close_database()


def test_a_server_that_goes_silent_during_the_wait_is_still_given_up_on(
    deadline, team_url, relay, other
):
    open_database(relay.url(team_url))
    try:
        other.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (engine.WRITE_LOCK,))
        threading.Timer(0.3, relay.hold).start()

        def write() -> None:
            with reaching(), engine.writing():
                db.execute_sql("INSERT INTO meta (key, value) VALUES ('never', 'stored')")

        given_up_on_time(write)
    finally:
        relay.release()
        other.rollback()
        close_database()


# -- the listener's heartbeat ---------------------------------------------------------------


def test_the_listener_s_heartbeat_tells_a_quiet_server_from_a_silent_one(
    deadline, pg_server, relay, through_relay
):
    listener = changes.listener()
    assert listener.connect()
    try:
        assert listener.wait(0.2) == 0  # quiet: nothing to hear
        assert listener.ping() is True  # but it answers
        relay.hold()
        given_up_on_time(listener.ping)
        assert listener.backend_pid is None  # let go of
        relay.release()
        assert listener.connect() and listener.ping()
        with stopped(pg_server):
            given_up_on_time(listener.ping)
        assert listener.connect() and listener.ping()
        with engine.writing():  # a notice that comes while a heartbeat waits is kept for wait()
            db.execute_sql("INSERT INTO meta (key, value) VALUES ('beat', '1')")
        time.sleep(0.2)
        assert listener.ping()
        assert listener.wait(2) == 1
    finally:
        listener.close()


# -- a connection left dead by a restart -----------------------------------------------------


def test_a_connection_the_server_s_restart_left_dead_is_made_afresh_silently(pg_server, team_url):
    open_database(team_url)
    try:
        load_settings()
        before = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        pg_server.stop()
        pg_server.start()
        with reaching():  # no error: the first statement is tried once more on a new connection
            after = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
            assert load_settings().strikes >= 1
        assert after != before
        pg_server.stop()
        pg_server.start()
        with reaching(), engine.writing():  # BEGIN is the first statement of this one
            db.execute_sql("INSERT INTO meta (key, value) VALUES ('after', 'restart')")
        assert db.execute_sql("SELECT value FROM meta WHERE key = 'after'").fetchone() == (
            "restart",
        )
    finally:
        close_database()


def test_a_connection_lost_mid_transaction_is_not_tried_again(pg_server, team_url):
    open_database(team_url)
    try:
        with pytest.raises(DatabaseUnreachable), reaching(), engine.writing():
            db.execute_sql("INSERT INTO meta (key, value) VALUES ('lost', 'with it')")
            pg_server.stop()
            pg_server.start()
            db.execute_sql("INSERT INTO meta (key, value) VALUES ('second', 'half')")
        assert db.execute_sql(
            "SELECT count(*) FROM meta WHERE key IN ('lost', 'second')"
        ).fetchone() == (0,)
    finally:
        close_database()


def test_a_connection_down_for_good_is_unreachable_as_before(pg_server, team_url):
    open_database(team_url)
    try:
        load_settings()
        pg_server.stop()
        try:
            with pytest.raises(DatabaseUnreachable) as caught, reaching():
                load_settings()
            assert "Connection refused" in caught.value.message
            assert PASSWORD not in caught.value.message
        finally:
            pg_server.start()
        assert load_settings().strikes >= 1
    finally:
        close_database()


def test_a_connection_holding_a_session_lock_is_not_made_afresh_silently(pg_server, team_url):
    """Its lock (the purge's, the migration's) would be gone on a new connection: the loss is
    told, as before, and the next use connects afresh."""
    open_database(team_url)
    try:
        db.execute_sql("SELECT pg_advisory_lock(%s)", (engine.PURGE_LOCK,))
        pg_server.stop()
        pg_server.start()
        with pytest.raises(DatabaseUnreachable), reaching():
            db.execute_sql("SELECT 1")
        assert db.execute_sql("SELECT 1").fetchone() == (1,)
    finally:
        close_database()
