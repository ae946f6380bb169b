"""Schema step 7 (incidents) on a database that already holds outages, on both engines: what
was there stays, the new columns start empty, a deleted site's outage row keeps its id for the
timeline, and an outage from before can be acknowledged and shows its knowable timeline."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from djamon_desktop.store import incidents, timeline
from djamon_desktop.store.database import open_database, schema_version
from djamon_desktop.store.migrations import LATEST
from djamon_desktop.store.models import Alert, Outage, OutageSite, Vantage, db
from djamon_desktop.store.queries import find_outage

from .test_database import at_version, target  # noqa: F401  (the fixture, on both engines)

START_MS = 1_780_000_000_000


def test_step_7_keeps_outages_and_starts_incidents_empty(target, monkeypatch):  # noqa: F811
    assert LATEST >= 7
    with at_version(target, monkeypatch, 6):
        # plain SQL: the models describe the latest schema
        db.execute_sql("INSERT INTO site_group (id, title, position) VALUES (1, 'Shop', 1)")
        db.execute_sql(
            "INSERT INTO site (id, group_id, title, url, down_message, priority, position) "
            "VALUES (1, 1, 'Front', 'https://x/', 'm', 1, 1),"
            " (2, 1, 'Blog', 'https://b/', 'm', 2, 2)"
        )
        db.execute_sql(
            f"INSERT INTO outage (id, code, start_time, content) VALUES (1, 'ABCDEFGH', {START_MS},"
            " 'm')"
        )
        db.execute_sql(  # (SQLite reads TRUE and FALSE as 1 and 0)
            'INSERT INTO outage_site (outage_id, site_id, title, "primary", start_time) VALUES '
            f"(1, 1, 'Front', TRUE, {START_MS}), (1, 2, 'Blog', FALSE, {START_MS + 60_000})"
        )
        db.execute_sql(
            "INSERT INTO alert (outage_id, event, channel, subject, body, created_at) "
            f"VALUES (1, 'opened', 'email', 's', 'b', {START_MS})"
        )
        db.execute_sql("INSERT INTO vantage (name, last_round_at) VALUES ('alice', 5)")
    open_database(target)
    assert schema_version() == LATEST

    outage = Outage.get_by_id(1)
    assert (outage.code, outage.acknowledged_by, outage.escalated_at) == ("ABCDEFGH", None, None)
    links = {link.title: link for link in OutageSite.select()}
    assert {t: link.kept_site_id for t, link in links.items()} == {"Front": 1, "Blog": 2}
    assert all(link.recovered_at is None and link.removed_at is None for link in links.values())
    [alert] = Alert.select()
    assert (alert.event, alert.held_until, alert.delivered_at) == ("opened", None, None)
    assert Vantage.get(Vantage.name == "alice").app_seen_at is None
    assert timeline.events_of(1) == []

    # what is knowable of it, and it can be worked like a new one
    info = find_outage("1")
    assert info is not None
    sites = [(s.site_id, s.primary, s.start_time) for s in info.sites]
    known = timeline.known_events([], info.start_time, info.end_time, sites)
    assert [(e.event, e.site_id) for e in known] == [("opened", 1), ("joined", 2)]
    now = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    done = incidents.acknowledge(1, "bob", now, note="from before the upgrade")
    assert (done.by, done.changed) == ("bob", True)
    assert [(e.event, e.by, e.text) for e in timeline.events_of(1)] == [
        ("acknowledged", "bob", None),
        ("note", "bob", "from before the upgrade"),
    ]


@pytest.fixture(autouse=True)
def _no_stray_team_choice(monkeypatch):
    monkeypatch.delenv("DJAMON_DATABASE_URL", raising=False)
