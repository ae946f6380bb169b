"""A round stored on a team's PostgreSQL in two round trips (store/team_rounds.py): its rows as
arrays in the statements themselves, its reads inside the writers' turn as one answer. What goes
in comes back as given on both engines; on PostgreSQL the round sends two statements and holds
the writers' turn for about one round trip, however far the database is."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta

import psycopg2
import psycopg2.extensions
import pytest

from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.store.connection import Cursor
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.models import db

from ..relay import Relay
from .helpers import FAILING, UP, add_site, store_round

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
AWKWARD = [
    "tab\there",
    "new\nline",
    "back\\slash \\N",
    "quotes ' and \"",
    "%s and %(name)s and ? and $1",
    "unicode é ✓ 日本",
    '{braces,"in"} NULL',
    "",
]


def test_what_a_round_stores_comes_back_as_given(store):
    sites = [add_site(f"S{n}") for n in range(len(AWKWARD) + 2)]
    results = {
        site: ProbeResult(None, text, 12.25 + n)
        for n, (site, text) in enumerate(zip(sites[: len(AWKWARD)], AWKWARD, strict=True))
    }
    results[sites[-2]] = ProbeResult(200, None, 0.5)
    results[sites[-1]] = ProbeResult(
        None, "timeout", 5000.0, cert_expires_at=T0 + timedelta(days=9)
    )
    record = store_round(T0, results)
    assert record.down_counts == {site: int(site not in sites[-2:-1]) for site in sites}
    checks = db.execute_sql(
        'SELECT site_id, time, status_code, error, elapsed_ms FROM "check"'
    ).fetchall()
    assert sorted(checks) == sorted(
        (site, round(T0.timestamp() * 1000), r.status_code, r.error, r.elapsed_ms)
        for site, r in results.items()
    )
    rows = db.execute_sql(
        "SELECT id, last_error, last_status_code, last_elapsed_ms, down_count FROM site"
    ).fetchall()
    assert sorted(rows) == sorted(
        (site, r.error, r.status_code, r.elapsed_ms, record.down_counts[site])
        for site, r in results.items()
    )
    own = db.execute_sql("SELECT site_id, last_error, down_count FROM site_vantage").fetchall()
    assert sorted(own) == sorted((s, r.error, record.down_counts[s]) for s, r in results.items())
    hours = db.execute_sql("SELECT site_id, checks, good FROM check_hour").fetchall()
    assert sorted(hours) == sorted((s, 1, int(s == sites[-2])) for s in sites)


class Counting(Cursor):
    sent: list[str] = []

    def execute(self, query, params=None):
        Counting.sent.append(str(query)[:400])
        return super().execute(query, params)


@pytest.fixture
def team(team_url_at_latest):
    open_database(team_url_at_latest)
    yield team_url_at_latest
    close_database()


def test_a_round_of_many_sites_is_two_statements(team):
    sites = [add_site(f"Site{n}") for n in range(300)]
    store_round(T0, dict.fromkeys(sites, UP))  # the vantage's first round
    db.obj.connect_params["cursor_factory"] = Counting
    close_database()
    Counting.sent = []
    record = store_round(T0 + timedelta(minutes=1), {**dict.fromkeys(sites, UP), sites[0]: FAILING})
    assert len(Counting.sent) == 2, Counting.sent
    first = Counting.sent[0]
    assert first.startswith("BEGIN;") and "pg_advisory_xact_lock(" in first  # the turn
    assert record.down_counts[sites[0]] == 1 and record.opened == []
    Counting.sent = []
    record = store_round(T0 + timedelta(minutes=2), {sites[0]: FAILING})  # 2 strikes: it opens
    assert record.opened and record.down_counts == {sites[0]: 2}
    assert 2 < len(Counting.sent) < 15, Counting.sent  # the outage and its alerts: a few more


def test_a_round_with_an_open_outage_is_two_statements_until_one_of_its_sites_changes(team):
    """Each round looks at the open outage's sites (recovered? taken out of monitoring?) from
    its one read: only a round that marks one of them sends more."""
    from djamon_desktop.store.models import OutageSite

    shop, files = add_site("Shop"), add_site("Files")
    assert store_round(T0, {shop: FAILING, files: FAILING}, strikes=1).opened
    db.obj.connect_params["cursor_factory"] = Counting
    close_database()
    sent = []
    for minute, shop_now in ((1, FAILING), (2, UP), (3, UP)):
        Counting.sent = []
        store_round(T0 + timedelta(minutes=minute), {shop: shop_now, files: FAILING}, strikes=1)
        sent.append(len(Counting.sent))
    assert sent[0] == 2 and sent[2] == 2, sent
    assert 2 < sent[1] <= 5, sent  # Shop recovered: marked, and its event stored
    marked = {link.title: link.recovered_at for link in OutageSite.select()}
    assert marked == {"Shop": T0 + timedelta(minutes=2), "Files": None}


def test_a_round_far_from_its_database_holds_the_turn_about_one_round_trip(
    pg_server, team_url_at_latest
):
    """200 ms a round trip: the turn is taken with the round's reads and let go with its
    writes, so it is held for one round trip (and the work), not one per statement."""
    open_database(team_url_at_latest)
    try:
        sites = [add_site(f"Site{n}") for n in range(200)]
        store_round(T0, dict.fromkeys(sites, UP))
    finally:
        close_database()
    with Relay(pg_server.port, delay=0.1) as relay:
        open_database(relay.url(team_url_at_latest))
        try:
            held: list[float] = []
            done = threading.Event()

            def watch() -> None:
                look = psycopg2.connect(team_url_at_latest)
                look.autocommit = True
                cursor = look.cursor()
                since = None
                while not done.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                        " AND objid = 1684696321 AND granted"
                    )
                    now = time.monotonic()
                    if cursor.fetchone()[0]:
                        since = since or now
                    elif since is not None:
                        held.append(now - since)
                        since = None
                    time.sleep(0.005)
                look.close()

            watcher = threading.Thread(target=watch)
            watcher.start()
            for minute in range(1, 4):
                store_round(T0 + timedelta(minutes=minute), dict.fromkeys(sites, UP))
            time.sleep(0.1)
            done.set()
            watcher.join(10)
        finally:
            close_database()
    assert len(held) == 3, held
    assert max(held) < 0.45, held  # one round trip (0.2 s) and the work; each statement: 0.2 s


def test_array_literals_bring_every_value_back_as_it_was(team):
    """What bulk.unnest writes into a statement: text of any kind, bytes, numbers, NULLs."""
    from djamon_desktop.store.bulk import unnest

    texts = [*AWKWARD, None, "NULL", "a,b", " spaced ", "{}", '"', "\\"]
    rows = [
        (text, bytes([n, 0, 255, 92, 34]), n * 1.5 if n % 3 else None, n - 4, n % 2 == 0)
        for n, text in enumerate(texts)
    ]
    source, params = unnest(("text", "bytea", "double precision", "integer", "boolean"), rows)
    cursor = db.cursor()
    cursor.execute(f"SELECT * FROM {source} AS r (t, b, f, i, ok)", params)
    assert [(t, bytes(b), f, i, ok) for t, b, f, i, ok in cursor.fetchall()] == rows
    source, params = unnest(("integer", "text"), [])
    cursor.execute(f"SELECT count(*) FROM {source} AS r (i, t)", params)
    assert cursor.fetchone() == (0,)


def test_a_round_waits_out_another_writer_s_long_turn(team, monkeypatch):
    """An import may hold the writers' turn for minutes: a round waits for it as long as it
    takes, in slices that each answer within the statement deadline (lowered to 1 s here), and
    stores its round whole; so does an alert marked delivered (the outbox's one round trip)."""
    from djamon_desktop.store import engine, outbox

    monkeypatch.setattr(engine, "DEADLINE_S", 1.0)
    sites = [add_site("Shop")]
    store_round(T0, {sites[0]: UP})
    other = psycopg2.connect(team)
    try:
        other.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (engine.WRITE_LOCK,))
        threading.Timer(2.5, other.commit).start()  # the import ends after 2.5 s
        started = time.monotonic()
        record = store_round(T0 + timedelta(minutes=1), {sites[0]: FAILING})
        waited = time.monotonic() - started
        # its turn after the import's 2.5 s, not cut short: slack for a loaded machine
        assert 2.4 < waited < 2.5 + 2.0, waited
        assert record.down_counts[sites[0]] == 1
        assert db.execute_sql("SHOW lock_timeout").fetchone() == ("0",)  # not a slice's

        other.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (engine.WRITE_LOCK,))
        threading.Timer(2.5, other.commit).start()
        db.execute_sql(
            "INSERT INTO alert (kind, event, channel, subject, body, attempts, created_at)"
            " VALUES ('outage', 'opened', 'email', 's', 'b', 0, 0)"
        )
        alert_id = db.execute_sql("SELECT max(id) FROM alert").fetchone()[0]
        started = time.monotonic()
        outbox.mark_delivered(alert_id, T0)
        # waited for the other's 2.5 s hold, then went on: slack for a loaded machine
        assert 2.4 < time.monotonic() - started < 2.5 + 2.0
        assert db.execute_sql(
            "SELECT delivered_at IS NOT NULL FROM alert WHERE id = %s", (alert_id,)
        ).fetchone() == (True,)
    finally:
        other.close()
