"""The windows tell the time by the App's clock (core/clock), not by reading the wall clock:
a test that sets the App's clock sees its windows agree with it."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.cycle import run_round
from djamon_desktop.gui.windows.site import SiteWindow
from djamon_desktop.store import queries
from djamon_desktop.store.history import site_history

from ..conftest import Clock, document, group, site
from .screen import shown

#: years from the real clock, so a window that read the wall clock can't agree with it by luck
AT = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)


def test_the_site_window_tells_the_certificate_and_the_chart_by_its_clock(qtbot, db, load, server):
    load(document(group("G", site("Shop", server.url("/status/200")))))
    run_round(clock=lambda: AT)
    info = next(s for s in queries.list_sites(3) if s.title == "Shop")
    info = dataclasses.replace(info, cert_expires_at=AT + timedelta(days=10))
    window = SiteWindow(info.site_id, Clock(AT))
    window.show_site(info, queries.recent_checks(info.site_id))
    shown(qtbot, window)
    assert window.labels["Certificate"].text().startswith("expires in 10 days: ")
    assert window.day_chart.end == AT.astimezone()  # before any history came
    window.show_history(site_history(info.site_id, AT))
    assert window.day_chart.end == window.week_chart.end == AT.astimezone()


@pytest.fixture
def clocked_app(qtbot, db, load, server):
    from djamon_desktop.gui.app import App

    load(document(group("G", site("Shop", server.url("/status/200")))))
    app = App(db, use_dbus=False, clock=Clock(AT))
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
        app.start()
    qtbot.waitUntil(lambda: not app.reads.busy, timeout=15000)
    yield app
    app.poller.stop()
    app.dispose()


def test_the_windows_the_app_opens_go_by_the_apps_clock(qtbot, clocked_app):
    app = clocked_app
    site_id = next(s.site_id for s in queries.list_sites(3) if s.title == "Shop")
    window = app.windows.show_site(site_id)
    qtbot.waitUntil(lambda: window.uptime.text() != "", timeout=15000)
    assert window.day_chart.end == AT.astimezone()
    assert app.windows.show_outages().clock is app.clock
    assert app.windows.show_settings()._clock is app.clock


def test_the_dashboards_certificate_line_counts_the_days_by_its_clock(qtbot, db, load, server):
    from djamon_desktop.gui.windows.dashboard import DashboardWindow

    load(document(group("G", site("Shop", server.url("/status/200")))))
    info = next(s for s in queries.list_sites(3) if s.title == "Shop")
    due = dataclasses.replace(info, cert_expires_at=AT + timedelta(days=10), cert_expiring=True)
    window = DashboardWindow(Clock(AT))
    shown(qtbot, window)
    window.show_certificates([due])
    assert window.cert_bar.label.text().startswith("Certificate of Shop expires in 10 days ")


def test_the_dashboard_the_app_opens_goes_by_the_apps_clock(qtbot, clocked_app):
    assert clocked_app.windows.show_dashboard().clock is clocked_app.clock
