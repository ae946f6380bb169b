"""Small helpers for the store's tests: sites added the way the editor adds them, rounds stored
the way the cycle stores them (results made here, no network)."""

from __future__ import annotations

import contextlib
import dataclasses
import sqlite3
from datetime import datetime

from djamon_desktop.alerts.messages import AlertPolicy
from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.core.settings_value import Settings
from djamon_desktop.store import editing, engine, queries
from djamon_desktop.store.models import db
from djamon_desktop.store.rounds import RoundRecord, RoundRows, record_round

GOOD = [200, 301, 304]
UP = ProbeResult(200, None, 40.0)
FAILING = ProbeResult(500, None, 90.0)
HUNG = ProbeResult(None, "timeout", 5000.0)
BOTH = AlertPolicy(("email", "twitter"), notify_recovery=True)


def add_site(title: str, priority: str = "normal", group: str = "G") -> int:
    url = f"https://{title.lower()}.example/"
    return editing.save_site(group, {"title": title, "url": url, "priority": priority})


def site_named(title: str):
    return next(s for s in queries.list_sites(3) if s.title == title)


def rows_of(when: datetime, results: dict[int, ProbeResult]) -> RoundRows:
    rows = RoundRows(when, GOOD)
    for site_id, result in results.items():
        rows.add(site_id, result)
    return rows


def rules(strikes: int, confirmations: int = 1) -> Settings:
    """The settings a stored round reads: ``strikes`` failures in a row before down, that many
    ``confirmations``, and no certificate warnings (the round tests look at outages only)."""
    return dataclasses.replace(
        Settings.defaults(), strikes=strikes, confirmations=confirmations, cert_warning_days=0
    )


def store_round(
    when: datetime, results: dict[int, ProbeResult], strikes: int = 2, policy=BOTH
) -> RoundRecord:
    return record_round(rows_of(when, results), rules(strikes), policy.texts)


@contextlib.contextmanager
def another_writer(target):
    """Another connection to the database at ``target`` (as another process would have) holding
    the writers' turn until the block ends; this one's writers give up after 50 ms of waiting."""
    if engine.is_team_url(target):
        import psycopg2

        other = psycopg2.connect(target)
        other.cursor().execute("SELECT pg_advisory_xact_lock(%s)", (engine.WRITE_LOCK,))
        db.execute_sql("SET lock_timeout = '50ms'")
    else:
        other = sqlite3.connect(target, timeout=0)
        other.execute("BEGIN IMMEDIATE")
        db.execute_sql("PRAGMA busy_timeout = 50")
    try:
        yield
    finally:
        other.rollback()
        other.close()
