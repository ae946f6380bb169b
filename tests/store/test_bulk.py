"""Many rows in one go (``bulk.executemany``, ``bulk.update_many``), on both engines: what
goes in comes back as it was, whatever the text holds, and an upsert or update of many rows does
what the same statement does one row at a time. PostgreSQL sends them by COPY through temporary
tables of its connection; these tests are what keeps that honest."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from djamon_desktop.store import bulk, engine, history
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.models import db

from .helpers import HUNG, UP, add_site, store_round

AWKWARD = [
    "tab\there",
    "new\nline and\r\ncarriage",
    "back\\slash \\N \\x41 \\\\",
    "quotes ' and \" and `",
    "%s and %(name)s and ? and $1",
    "unicode é ✓ 日本",
    "",
    None,
]


def _check() -> str:
    """A check's INSERT, with the open database's placeholders (as the store writes it)."""
    return (
        'INSERT INTO "check" (site_id, time, id, status_code, error, elapsed_ms, vantage_id)'
        f" VALUES ({engine.marks(7)})"
    )


def _checks() -> list[tuple]:
    rows = db.execute_sql(
        'SELECT site_id, time, id, status_code, error, elapsed_ms, vantage_id FROM "check"'
        " ORDER BY time"
    ).fetchall()
    return [(s, t, bytes(i), code, error, ms, v) for s, t, i, code, error, ms, v in rows]


def test_checks_stored_many_at_once_come_back_exactly_as_given(store):
    site = add_site("Shop")
    ids = [b"\\\t\n\r\x00\xff" + bytes(10), *(uuid.uuid4().bytes for _ in AWKWARD[1:])]
    elapsed = [0.1, 1e-7, 123456.789, 2.5e300, 40.0, 0.0, 1 / 3, 7.0]
    codes = [200, None, 500, 32767, 0, 301, None, 204]
    given = [
        (site, 1_764_000_000_000 + n, ids[n], codes[n], error, elapsed[n], n or None)
        for n, error in enumerate(AWKWARD)
    ]
    with engine.writing():
        bulk.executemany(_check(), given)
    assert _checks() == given


def test_an_upsert_of_many_rows_adds_up_as_one_row_at_a_time_would(store):
    shop, files = add_site("Shop"), add_site("Files")
    hour = 490_000
    with engine.writing():
        # the same site and hour twice in one call (a fixture's checks), then again
        history.add_hour_rows(
            [
                (shop, hour, 1, 40.0, 40.0, "40"),
                (shop, hour, 0, 0.0, 0.0, ""),
                (files, hour, 1, 9.5, 9.5, "10"),
            ]
        )
        history.add_hour_rows(
            [(shop, hour, 1, 90.0, 90.0, "90"), (files, hour + 1, 1, 3.0, 3.0, "3")]
        )
    with engine.writing():
        history.add_hour_rows([(shop, hour, 1, 10.0, 10.0, "10")])
    rows = db.execute_sql(
        "SELECT site_id, hour, checks, good, good_elapsed_sum, good_elapsed_max, good_ms"
        " FROM check_hour ORDER BY site_id, hour"
    ).fetchall()
    assert [tuple(row) for row in rows] == [
        (shop, hour, 4, 3, 140.0, 90.0, "40 90 10"),
        (files, hour, 1, 1, 9.5, 9.5, "10"),
        (files, hour + 1, 1, 1, 3.0, 3.0, "3"),
    ]


def _sites() -> list[tuple]:
    return [
        tuple(row)
        for row in db.execute_sql(
            "SELECT id, last_error, last_seen, down_count FROM site ORDER BY id"
        ).fetchall()
    ]


def test_many_rows_updated_at_once_each_get_their_own_values(store):
    ids = [add_site(f"Site{n}") for n in range(len(AWKWARD))]
    columns = (("error", "text"), ("seen", "bigint"), ("count", "integer"), ("id", "integer"))
    assignments = (
        "last_error = v.error, last_seen = coalesce(v.seen, site.last_seen), down_count = v.count"
    )
    with engine.writing():
        bulk.update_many(
            "site", columns, assignments, [(None, 1000 + n, 0, i) for n, i in enumerate(ids)]
        )
    pairs = list(zip(AWKWARD, ids, strict=True))
    with engine.writing():  # no last seen at all this time: each keeps its own
        bulk.update_many(
            "site",
            columns,
            assignments,
            [(error, None, n, i) for n, (error, i) in enumerate(pairs)],
        )
    assert _sites() == [(i, error, 1000 + n, n) for n, (error, i) in enumerate(pairs)]


def test_a_write_rolled_back_stores_none_of_its_rows_and_the_next_stores_only_its_own(store):
    shop = add_site("Shop")
    with pytest.raises(RuntimeError), engine.writing():
        history.add_hour_rows([(shop, 7, 1, 40.0, 40.0, "40")])
        bulk.executemany(_check(), [(shop, 1, uuid.uuid4().bytes, 200, None, 40.0, 1)])
        raise RuntimeError("the round fails after its rows were sent")
    assert _checks() == []
    assert db.execute_sql("SELECT count(*) FROM check_hour").fetchone()[0] == 0
    with engine.writing():
        history.add_hour_rows([(shop, 7, 0, 0.0, 0.0, "")])
    assert db.execute_sql("SELECT checks, good FROM check_hour").fetchall() == [(1, 0)]


@pytest.mark.parametrize("deleted", [False, True], ids=["all kept", "one site deleted"])
def test_staged_rows_are_stored_inside_the_turn_with_the_values_they_share(store, deleted):
    shop, files = add_site("Shop"), add_site("Files")
    given = [
        (site, 1_764_000_000_000, uuid.uuid4().bytes, 200, None, 40.0) for site in (shop, files)
    ]
    staged = bulk.Staged(_check(), given)
    keep = {shop} if deleted else {shop, files}
    with engine.writing(staged=[staged]):
        staged.insert(keep, 7)
    assert _checks() == sorted(
        [(*row, 7) for row in given if row[0] in keep], key=lambda row: row[1]
    )


def test_a_role_that_may_not_make_temporary_tables_stores_its_rounds_all_the_same(
    pg_server, team_url_at_latest
):
    """An administrator may revoke TEMPORARY; the rows then go as multi-row statements."""
    dbname = team_url_at_latest.rsplit("/", 1)[1]
    role = f"plain_{uuid.uuid4().hex[:8]}"
    pg_server.sql(f"CREATE ROLE {role} LOGIN PASSWORD 'plain-pw'")
    pg_server.sql(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}", dbname)
    pg_server.sql(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}", dbname)
    pg_server.sql(f"REVOKE TEMPORARY ON DATABASE {dbname} FROM PUBLIC")
    open_database(f"postgresql://{role}:plain-pw@127.0.0.1:{pg_server.port}/{dbname}")
    try:
        shop, files = add_site("Shop"), add_site("Files")
        when = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
        store_round(when, {shop: UP, files: UP})
        record = store_round(when.replace(minute=1), {shop: UP, files: HUNG})
        assert record.down_counts == {shop: 0, files: 1}
        assert len(_checks()) == 4
        assert db.execute_sql("SELECT sum(checks), sum(good) FROM check_hour").fetchone() == (4, 3)
        assert _sites()[1][1:] == ("timeout", int(when.timestamp() * 1000), 1)
        made = "SELECT count(*) FROM pg_class WHERE relname LIKE %s"
        assert db.execute_sql(made, ("djamon_rows_%",)).fetchone()[0] == 0
    finally:
        close_database()


def test_a_question_mark_and_a_percent_sign_in_the_sql_are_only_themselves(store):
    """Statements of many rows are written with the database's own placeholders and reach it
    as written: a ``?`` is one only on SQLite, and a literal ``%`` is ``%%`` for psycopg2 (in
    an upsert's tail, which goes through a temporary table, and in any other statement, which
    PostgreSQL prepares once)."""
    percent = "%%" if engine.is_team() else "%"
    p = engine.marks()
    upsert = (
        f"INSERT INTO meta (key, value) VALUES ({engine.marks(2)}) ON CONFLICT (key)"
        f" DO UPDATE SET value = excluded.value || ' ?{percent}'"
    )
    with engine.writing():
        bulk.executemany(upsert, [("a", "1"), ("b", "2?")])
        bulk.executemany(upsert, [("a", "3"), ("c", "4%")])
        bulk.executemany(
            f"UPDATE meta SET value = value || '?{percent}' || {p} WHERE key = {p}",
            [("!", "b"), ("%s", "c")],
        )
    rows = db.execute_sql("SELECT key, value FROM meta ORDER BY key").fetchall()
    assert [tuple(row) for row in rows] == [("a", "3 ?%"), ("b", "2??%!"), ("c", "4%?%%s")]
