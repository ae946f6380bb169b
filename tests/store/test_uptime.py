"""The uptime the app shows (the dashboard's last 24 hours, a site window's 24 hours, 7 and 30
days) is the report's for the same span: a known history (outages, one across the span's
start, a pause, an inactive hour, a maintenance window, a site added in the span) counted both
ways, through what the app's worker reads (``picture.Reading``), on both engines."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from djamon_desktop.core.report_model import Span
from djamon_desktop.picture import Reading, Wants
from djamon_desktop.store import editing, maintenance, reports, uptime
from djamon_desktop.store.models import Site

from .helpers import FAILING, UP, add_site, store_round

NOW = datetime(2026, 11, 27, 12, 30, tzinfo=UTC)
HOUR = 3_600_000
ZONE = ZoneInfo("Europe/London")


def ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


@pytest.fixture
def history(store, monkeypatch):
    """Shop: monitored 40 days, down 2 hours across the last day's start and 1 hour inside it,
    paused 1 hour, inactive 30 minutes. Blog: added 10 hours ago, a 30-minute maintenance
    window at 03:00 London time every day. Idle: monitored, never checked, never down."""
    monkeypatch.setenv("TZ", "Europe/London")
    shop, blog, idle = add_site("Shop"), add_site("Blog"), add_site("Idle")
    Site.update(monitored_since=ago(40 * 24)).where(Site.id.in_([shop, idle])).execute()
    Site.update(monitored_since=ago(10)).where(Site.id == blog).execute()
    editing.save_site("G", {"maintenance": [{"schedule": "0 3 * * *", "minutes": 30}]}, blog)

    def fail(hours: float) -> None:  # strikes 2: down from the second failure in a row
        store_round(ago(hours), {shop: FAILING}, strikes=2)

    fail(26)
    fail(25)  # down from 25 h ago ...
    store_round(ago(23), {shop: UP}, strikes=2)  # ... to 23 h ago: 1 h inside the last day
    fail(5)
    fail(4)  # down from 4 h ago ...
    store_round(ago(3), {shop: UP, blog: UP}, strikes=2)  # ... to 3 h ago
    maintenance.pause_site(shop, ago(9), lambda: ago(10))
    editing.set_active(shop, False, lambda: ago(2))
    editing.set_active(shop, True, lambda: ago(1.5))
    return {"Shop": shop, "Blog": blog, "Idle": idle}


def report_of(over: timedelta):
    """Each site's figures in the report of the span ``over`` up to NOW."""
    start = NOW - over
    span = Span(start, NOW, start.astimezone(ZONE).date(), NOW.astimezone(ZONE).date())
    found = reports.report(span, NOW, ZONE, "Europe/London")
    return {site.site_id: site.figures for _group, site in found.sites()}


def test_the_last_day_counts_by_the_report_rules(history):
    shop = uptime.uptimes(NOW, uptime.DAY, zone=ZONE)[history["Shop"]]
    # monitored 24 h less the pause (1 h) and the inactive half hour; down 1 h + 1 h
    assert (shop.monitored_ms, shop.down_ms) == (22.5 * HOUR, 2 * HOUR)
    assert shop.text() == "91.11%" and shop.percent == pytest.approx(100 * 20.5 / 22.5)
    blog = uptime.uptimes(NOW, uptime.DAY, zone=ZONE)[history["Blog"]]
    # added 10 h ago (02:30), in maintenance from 03:00 to 03:30
    assert (blog.monitored_ms, blog.text()) == (9.5 * HOUR, "100.00%")


@pytest.mark.parametrize("over", [uptime.DAY, uptime.WEEK, uptime.MONTH])
def test_the_dashboard_and_site_window_show_the_reports_uptime(history, over):
    expected = report_of(over)
    picture = Reading(lambda: NOW).read(Wants(dashboard=True, site_ids=frozenset(history.values())))
    for title, site_id in history.items():
        figures = expected[site_id]
        window = picture.site_details[site_id].history
        shown = {uptime.DAY: window.day, uptime.WEEK: window.week, uptime.MONTH: window.month}
        seen = [shown[over]] + ([picture.day[site_id]] if over == uptime.DAY else [])
        for one in seen:
            assert (one.monitored_ms, one.down_ms) == (figures.monitored_ms, figures.down_ms)
            assert one.text() == f"{figures.uptime_text()}%", title
    # the spans differ, so the figures do
    assert expected[history["Shop"]].down_ms == (2 * HOUR if over == uptime.DAY else 3 * HOUR)


def test_a_site_never_monitored_in_the_span_shows_a_dash(history):
    Site.update(monitored_since=NOW + timedelta(minutes=1)).where(
        Site.id == history["Idle"]
    ).execute()
    idle = uptime.uptimes(NOW, uptime.DAY, zone=ZONE)[history["Idle"]]
    assert (idle.text(), idle.percent) == ("-", None)
    assert report_of(uptime.DAY)[history["Idle"]].uptime_text() == "-"


def test_a_moment_down_never_reads_100(store):
    assert uptime.Uptime(30 * 24 * HOUR, 1).text() == "99.99%"
    assert uptime.Uptime(30 * 24 * HOUR, 0).text() == "100.00%"
    assert uptime.Uptime(HOUR, HOUR).text() == "0.00%"
