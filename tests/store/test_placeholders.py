"""Hand-written SQL reaches the database as written, with the open database's own placeholders
(``engine.marks``), on both engines: a ``?`` that is no placeholder (PostgreSQL's jsonb ``?``
operator, a string literal) stays what it is."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from peewee import ProgrammingError

from djamon_desktop.core.clock import to_ms
from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.store import engine, history, maintenance, outbox, purge, settings, vantages
from djamon_desktop.store.models import db
from djamon_desktop.store.rounds import record_round

from .helpers import BOTH, HUNG, UP, add_site, rows_of, rules, store_round

WHEN = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)


def test_a_literal_question_mark_in_a_statement_with_parameters_is_only_itself(store):
    p = engine.marks()
    assert p == ("%s" if engine.is_team() else "?")
    row = db.execute_sql(f"SELECT 'who?', {p} || '?'", ("what",)).fetchone()
    assert tuple(row) == ("who?", "what?")
    if engine.is_team():  # jsonb's "has this key" operator
        has = f"SELECT CAST({p} AS jsonb) ? 'shop', CAST({p} AS jsonb) ? 'files'"
        row = db.execute_sql(has, ('{"shop": 1}', '{"shop": 1}')).fetchone()
        assert tuple(row) == (True, False)


def test_a_statement_goes_to_postgresql_as_written(store):
    """Nothing rewrites SQLite's ``?`` any more: a statement reaches psycopg2 as it is."""
    if not engine.is_team():
        pytest.skip("SQLite takes ? as it is")
    with pytest.raises(ProgrammingError, match=r"\? \|\|"):  # a ? PostgreSQL can't read
        db.execute_sql("SELECT ? || '%%'", ("50",))
    db.rollback()
    assert db.execute_sql("SELECT %s || '%%'", ("50",)).fetchone()[0] == "50%"


def test_rounds_history_purge_and_settings_work_with_the_engines_own_marks(store):
    shop, files = add_site("Shop"), add_site("Files")
    store_round(WHEN, {shop: UP, files: UP})
    expires = WHEN + timedelta(days=3)
    with engine.writing():  # a nested round: on PostgreSQL too, a statement at a time
        record = store_round(WHEN + timedelta(minutes=1), {shop: UP, files: HUNG})
        seen = ProbeResult(200, None, 40.0, cert_expires_at=expires)
        rows = rows_of(WHEN + timedelta(minutes=2), {shop: seen})
        record_round(rows, replace(rules(2), cert_warning_days=14), BOTH.texts)
    assert record.down_counts == {shop: 0, files: 1}
    assert outbox.cert_channels([shop, files]) == {(shop, to_ms(expires)): {"email", "twitter"}}
    counts = history.hour_counts(WHEN, 1)
    assert counts == {shop: history.HourCounts(3, 3), files: history.HourCounts(1, 2)}
    assert [point.checks for point in history.hourly(shop, WHEN, 1)] == [3]
    history.meta_set("note", "who? 100%")
    assert history.meta_get("note") == "who? 100%"
    start = settings.round_start(vantages.current())
    assert start.vantage_id == vantages.find(vantages.current()) is not None
    maintenance.pause_everything(None)
    assert maintenance.resume_everything() is True
    assert purge.purge(1, WHEN + timedelta(days=2)) == 5
    assert purge.purge_if_due(1, WHEN + timedelta(days=3)) == 0
    assert history.meta_get("last_purge") == (WHEN + timedelta(days=3)).isoformat()
