"""A tcp:// site's check that connected (no error, no status code) is good wherever the store
judges stored checks: the uptime's hour summary and the count of an outage's failed checks."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.store import history, queries

from .helpers import FAILING, add_site, store_round

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
OPENED = ProbeResult(None, None, 3.0)  # a tcp site whose connection opened
REFUSED = ProbeResult(None, "connection", 0.4, "connection refused")


def test_an_opened_connection_counts_as_good_in_the_hour_summary(store):
    assert history.hour_row(1, NOW, None, None, 3.0, {200})[2:] == (1, 3.0, 3.0, "3")
    database = add_site("Database")
    store_round(NOW - timedelta(minutes=2), {database: OPENED}, strikes=99)
    store_round(NOW - timedelta(minutes=1), {database: REFUSED}, strikes=99)
    store_round(NOW, {database: OPENED}, strikes=99)
    day = history.hour_counts(NOW, 24)[database]
    assert (day.good, day.checks) == (2, 3)


def test_an_opened_connection_is_not_an_outage_failure(store):
    database, files = add_site("Database"), add_site("Files")
    [outage_id] = store_round(NOW, {database: REFUSED, files: FAILING}, strikes=1).opened
    store_round(NOW + timedelta(minutes=1), {database: OPENED, files: FAILING}, strikes=1)
    failed = {f.title: f.failed_checks for f in queries.outage_failures(outage_id, [200])}
    assert failed == {"Database": 1, "Files": 2}
