"""Check history, called directly: the hour summary beside raw checks, the counts read from it,
and the purge in batches (the daily one at most once a day)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.store import history, purge
from djamon_desktop.store.models import Check, Outage

from .helpers import FAILING, HUNG, UP, add_site, store_round

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)


def test_hour_rows_count_only_good_answers_in_the_response_times():
    good = {200}
    hour = history.hour_of(NOW)
    assert history.hour_row(1, NOW, 200, None, 80.4, good) == (1, hour, 1, 80.4, 80.4, "80")
    assert history.hour_row(1, NOW, 200, None, 80.5, good)[5] == "81"  # a half rounds up
    assert history.hour_row(1, NOW, 500, None, 80.0, good)[2:] == (0, 0.0, 0.0, "")
    assert history.hour_row(1, NOW, None, "timeout", 5000.0, good)[2:] == (0, 0.0, 0.0, "")


def test_the_summary_gives_counts_per_window_and_points_per_hour(store):
    shop, files = add_site("Shop"), add_site("Files")
    for hours_ago, shop_result in ((30, FAILING), (2, UP), (1, HUNG)):
        when = NOW - timedelta(hours=hours_ago)
        store_round(when, {shop: shop_result, files: UP}, strikes=99)
    store_round(NOW, {shop: ProbeResult(200, None, 60.0), files: UP}, strikes=99)
    day = history.hour_counts(NOW, 24)
    assert (day[shop].good, day[shop].checks) == (2, 3)
    assert (day[files].good, day[files].checks) == (3, 3)
    assert history.hour_counts(NOW, 24 * 7)[shop].checks == 4
    points = history.hourly(shop, NOW, 24)
    assert [(p.checks, p.good, p.average_ms) for p in points] == [
        (1, 1, 40.0),
        (1, 0, None),
        (1, 1, 60.0),
    ]
    site = history.site_history(shop, NOW)
    assert (len(site.last_day), len(site.last_week)) == (3, 4)


def test_purge_removes_old_checks_in_batches_and_keeps_summaries_and_outages(store, monkeypatch):
    monkeypatch.setattr(purge, "PURGE_BATCH", 2)
    shop = add_site("Shop")
    for days in (410, 405, 50, 49, 48, 47, 46, 20, 1):
        store_round(NOW - timedelta(days=days), {shop: FAILING}, strikes=1)
    outages = Outage.select().count()
    seen: list[int] = []
    assert purge.purge(10, NOW, progress=seen.append) == 8
    assert seen == [2, 4, 6, 8]
    assert Check.select().count() == 1 and history.check_count() == 1
    assert Outage.select().count() == outages == 1
    # hour summaries stay 400 days, so a report of a month a year ago still has its checks
    assert history.hour_counts(NOW, 24 * 30)[shop].checks == 2
    assert history.hour_counts(NOW, 24 * 500)[shop].checks == 7  # those past 400 days went


def test_the_daily_purge_runs_once_a_day(store):
    shop = add_site("Shop")
    store_round(NOW - timedelta(days=100), {shop: UP})
    store_round(NOW - timedelta(days=1), {shop: UP})
    assert purge.purge_if_due(90, NOW) == 1
    assert history.meta_get("last_purge") == NOW.isoformat()
    assert purge.purge_if_due(90, NOW + timedelta(hours=23)) is None
    assert purge.purge_if_due(90, NOW + timedelta(hours=25)) == 0
