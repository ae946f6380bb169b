"""Schema step 9 (uptime reports) on a version-8 database that holds history, on both engines:
each kept hour gets its good answers' times from the raw checks still there (judged by the
stored good codes), and the pauses and inactive times running at the upgrade get their spans,
each from its site's last check."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.core.clock import to_ms
from djamon_desktop.store.database import open_database, schema_version
from djamon_desktop.store.migrations import LATEST
from djamon_desktop.store.models import db

from .test_database import at_version, target  # noqa: F401  (the fixture, on both engines)

HOUR = 3_600_000
#: hours well before the upgrade (the step reads the wall clock for "now")
BASE = (to_ms(datetime.now(UTC) - timedelta(days=3)) // HOUR) * HOUR
FAR = to_ms(datetime.now(UTC) + timedelta(days=30))


def _check(site_id: int, at: int, status: int | None, error: str | None, elapsed: float):
    db.execute_sql(
        'INSERT INTO "check" (site_id, time, id, status_code, error, elapsed_ms) '
        f"VALUES ({site_id}, {at}, {_blob()}, {_null(status)}, {_null(error)}, {elapsed})"
    )


def _blob() -> str:
    hexed = uuid.uuid4().hex
    return f"decode('{hexed}', 'hex')" if _team() else f"x'{hexed}'"


def _null(value) -> str:
    if value is None:
        return "NULL"
    return f"'{value}'" if isinstance(value, str) else str(value)


def _team() -> bool:
    from djamon_desktop.store import engine

    return engine.is_team()


def _hour(site_id: int, hour: int, checks: int, good: int) -> None:
    db.execute_sql(
        "INSERT INTO check_hour (site_id, hour, checks, good, good_elapsed_sum,"
        f" good_elapsed_max) VALUES ({site_id}, {hour}, {checks}, {good}, 0, 0)"
    )


def test_step_9_fills_response_times_and_opens_the_spans_running(target, monkeypatch):  # noqa: F811
    assert LATEST >= 9
    first, second, purged = BASE // HOUR, BASE // HOUR + 1, BASE // HOUR - 48
    with at_version(target, monkeypatch, 8):
        t = "TRUE" if _team() else "1"
        f = "FALSE" if _team() else "0"
        db.execute_sql("INSERT INTO setting (key, value) VALUES ('good_codes', '[200, 301]')")
        db.execute_sql("INSERT INTO site_group (id, title, position) VALUES (1, 'Shop', 1)")
        db.execute_sql(
            "INSERT INTO site (id, group_id, title, url, down_message, priority, position,"
            " active, paused, paused_until, last_checked) VALUES"
            f" (1, 1, 'Front', 'https://f/', 'm', 1, 1, {t}, {f}, NULL, {BASE + HOUR + 60_000}),"
            f" (2, 1, 'Blog', 'https://b/', 'm', 2, 2, {f}, {f}, NULL, {BASE - 5 * HOUR}),"
            f" (3, 1, 'Docs', 'https://d/', 'm', 2, 3, {t}, {t}, {FAR}, NULL),"
            f" (4, 1, 'Old', 'https://o/', 'm', 2, 4, {t}, {t}, {BASE}, {BASE + 10})"
        )
        # the first hour's checks, stored out of order: the times come in the order they came
        _check(1, BASE + 50_000, 200, None, 41.5)  # -> 42
        _check(1, BASE + 10_000, 200, None, 40.49)  # -> 40
        _check(1, BASE + 20_000, 500, None, 90.0)  # a bad code
        _check(1, BASE + 30_000, 304, None, 12.0)  # not a good code in this database
        _check(1, BASE + 40_000, None, "timeout", 5000.0)
        _check(1, BASE + 45_000, 301, None, 99.5)  # -> 100
        _check(1, BASE + HOUR + 60_000, None, None, 3.2)  # a tcp:// connection: good -> 3
        _hour(1, first, 6, 3)
        _hour(1, second, 1, 1)
        _hour(1, purged, 4, 4)  # its raw checks were purged
        _check(2, BASE - 5 * HOUR, 500, None, 10.0)
        _hour(2, (BASE - 5 * HOUR) // HOUR, 1, 0)
        db.execute_sql("""INSERT INTO meta (key, value) VALUES ('pause', '{"until": null}')""")
    before = to_ms(datetime.now(UTC))
    open_database(target)
    after = to_ms(datetime.now(UTC))
    assert schema_version() == LATEST

    times = dict(db.execute_sql("SELECT hour, good_ms FROM check_hour WHERE site_id = 1"))
    assert times == {first: "40 100 42", second: "3", purged: None}  # in time order
    blog_hours = db.execute_sql("SELECT good_ms FROM check_hour WHERE site_id = 2").fetchall()
    assert blog_hours == [(None,)]  # no good answer in it

    spans = db.execute_sql(
        "SELECT site_id, start, until, why FROM pause_span ORDER BY site_id, id"
    ).fetchall()
    by_site = {row[0]: row[1:] for row in spans}
    assert len(spans) == 3, spans  # Old's timed pause ran out before the upgrade: none
    assert by_site[2] == (BASE - 5 * HOUR, None, "inactive")  # from its last check
    start, until, why = by_site[3]  # never checked: from the step's own time
    assert (before <= start <= after, until, why) == (True, FAR, "pause")
    # all monitoring's pause: from the last check of any site
    assert by_site[None] == (BASE + HOUR + 60_000, None, "pause")
    since = dict(db.execute_sql("SELECT id, monitored_since FROM site"))
    assert since[1] == purged * HOUR and since[2] == BASE - 5 * HOUR


@pytest.mark.parametrize(
    "value",
    ['{"until": 1}', "not json", '{"until": "soon"}', "{}"],
)
def test_step_9_opens_no_span_for_a_pause_of_everything_that_is_over_or_not_one(
    target,  # noqa: F811
    monkeypatch,
    value,
):
    with at_version(target, monkeypatch, 8):
        db.execute_sql(f"INSERT INTO meta (key, value) VALUES ('pause', '{value}')")
    open_database(target)
    assert db.execute_sql("SELECT count(*) FROM pause_span").fetchone() == (0,)


def test_step_9_opens_a_timed_pause_of_everything_until_its_end(target, monkeypatch):  # noqa: F811
    with at_version(target, monkeypatch, 8):
        value = json.dumps({"until": FAR})
        db.execute_sql(f"INSERT INTO meta (key, value) VALUES ('pause', '{value}')")
    before = to_ms(datetime.now(UTC))
    open_database(target)
    [(site, start, until)] = db.execute_sql("SELECT site_id, start, until FROM pause_span")
    assert (site, until, start >= before) == (None, FAR, True)  # no site: from the step's time


@pytest.fixture(autouse=True)
def _no_stray_team_choice(monkeypatch):
    monkeypatch.delenv("DJAMON_DATABASE_URL", raising=False)
