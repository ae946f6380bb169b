"""The app's fast lane: a failing site is checked again every retry_seconds in a small round of
its own, against a real loopback server, with the App's injected clock. Time moves only when a
test moves the clock; the poller's timer is then let go off at once (``fire``), as it would
when real time got there, so no test waits for a retry."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime, time, timedelta

import pytest
from PySide6.QtCore import QObject, Qt, Signal, Slot

from djamon_desktop.gui.poller import Poller
from djamon_desktop.store import queries
from djamon_desktop.store.models import Check, Outage
from djamon_desktop.store.settings import load_settings

from ..conftest import Clock, payments
from .screen import click_menu, menu_texts, open_menu, press, settled, type_into

#: 03:00:07 local time on a Sunday: the default schedule runs a round every 5 minutes
# 03:00:07 local, three days ahead of the real clock: a check another process stores (at the
# real time) is then in the App's past, whatever day the suite runs
T = datetime.combine(datetime.now().date() + timedelta(days=3), time(3, 0, 7)).astimezone()


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


@pytest.fixture
def lane_app(qtbot, db, load, server, name, held_timers):
    """``lane_app(at, **settings)``: an App with its clock at ``at`` over Payments
    (/switch/NAME, failing) and Blog (up); the sandbox is /switch/NAME-sandbox (up until a test
    switches it). The first round has run: Payments' 1st failure."""
    from djamon_desktop.gui.app import App

    made = []

    def make(at: datetime = T, failing: bool = True, **settings) -> App:
        settings.setdefault("sandbox_urls", [server.url(f"/switch/{name}-sandbox")])
        load(payments(server, name, **settings))
        server.switch[name] = 500 if failing else 200
        app = App(db, use_dbus=False, clock=Clock(at), new_timer=held_timers)
        made.append(app)
        with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
            app.start()
        return app

    yield make
    for app in made:
        app.poller.stop()
        app.dispose()


def fire(app, at: datetime) -> None:
    """Real time reaches ``at``: the clock moves there and the poller's timer goes off."""
    app.clock.now = at
    app.poller._timer.start(0)


def fire_round(qtbot, app, at: datetime):
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000) as done:
        fire(app, at)
    return done.args[0]


def fire_nothing(qtbot, app, at: datetime) -> None:
    with qtbot.assertNotEmitted(app.poller.round_started, wait=300):
        fire(app, at)


def tooltip(app) -> str:
    return app.tray.icon.toolTip()


def site(title: str):
    return next(s for s in queries.list_sites(3) if s.title == title)


def checks_of(title: str) -> list[datetime]:
    query = Check.select(Check.time).where(Check.site == site(title).site_id)
    return sorted(c.time for c in query)


def test_an_outage_opens_40_s_after_the_first_failure_at_3_am_on_a_sunday(
    qtbot, lane_app, server, name, held_timers
):
    app = lane_app()
    assert tooltip(app) == (
        "djamon-desktop: Payments failing: 1st failure in a row — retrying in 20 s"
    )
    (tick,) = (t for t in held_timers.running() if t.started_ms == 1000)
    app.clock.now = T + s(8)  # the countdown follows the clock (redrawn every second)
    tick.fire()
    assert tooltip(app).endswith("retrying in 12 s")
    menu = open_menu(qtbot, app.tray.menu)
    assert menu_texts(menu)[0] == "Payments failing: 1st failure in a row — retrying in 12 s"
    menu.hide()

    fire_nothing(qtbot, app, T + s(19))  # not due yet
    report = fire_round(qtbot, app, T + s(20))  # a small round of Payments alone
    assert [(o.site.title, o.down_count) for o in report.outcomes] == [("Payments", 2)]
    assert tooltip(app).endswith("2nd failure in a row — retrying in 20 s")
    report = fire_round(qtbot, app, T + s(40))
    [opened] = report.outages_opened
    outage = queries.find_outage("current")
    assert outage.id == opened
    assert outage.start_time == T + s(40)  # 40 s after the first failure, not 10 minutes
    assert tooltip(app) == (
        f"djamon-desktop: Payments down since 03:00 — outage {outage.code} — retrying in 20 s"
    )
    assert checks_of("Payments") == [T, T + s(20), T + s(40)]
    assert checks_of("Blog") == [T]  # the schedule's own next round is at 03:05

    server.switch[name] = 200
    report = fire_round(qtbot, app, T + s(60))  # a down site stays in the lane
    assert report.outages_closed == [outage.id]
    assert Outage.get_by_id(outage.id).end_time == T + s(60)  # within 20 s of the recovery
    assert tooltip(app) == "djamon-desktop: All 2 sites up"
    fire_nothing(qtbot, app, T + s(80))  # the lane is empty: the next round is the schedule's


def test_a_retry_due_within_a_second_of_a_scheduled_round_merges_into_it(qtbot, lane_app):
    first = T.replace(minute=4, second=39, microsecond=600_000)  # 03:04:39.6
    app = lane_app(first)
    scheduled = T.replace(minute=5, second=0)  # the retry would be due 0.4 s before it
    assert tooltip(app).endswith("retrying in 21 s")  # 20.4 s: at the scheduled round
    fire_nothing(qtbot, app, first + s(20))  # the retry's own time: it waits for the round
    report = fire_round(qtbot, app, scheduled)
    assert {o.site.title for o in report.outcomes} == {"Payments", "Blog"}  # the whole round
    assert checks_of("Payments") == [first, scheduled]  # checked once, not twice in 0.4 s
    assert site("Payments").down_count == 2
    report = fire_round(qtbot, app, scheduled + s(20))  # and the lane goes on from there
    assert [o.site.title for o in report.outcomes] == ["Payments"]


def test_a_retry_that_would_overlap_a_scheduled_round_waits_for_it(qtbot, lane_app):
    """The round's deadline is 5 s: a retry due 3 s before the scheduled round could hold it
    up, so it goes with the round instead (the schedule keeps its times)."""
    first = T.replace(minute=4, second=37)  # the retry would be due at 03:04:57
    app = lane_app(first)
    scheduled = T.replace(minute=5, second=0)
    assert tooltip(app).endswith("retrying in 23 s")
    fire_nothing(qtbot, app, first + s(20))
    report = fire_round(qtbot, app, scheduled)
    assert {o.site.title for o in report.outcomes} == {"Payments", "Blog"}
    assert checks_of("Payments") == [first, scheduled]


def test_retries_wait_their_time_while_connectivity_is_lost(qtbot, lane_app, server, name):
    app = lane_app()
    server.switch[f"{name}-sandbox"] = 503
    report = fire_round(qtbot, app, T + s(20))
    assert report.connectivity is False and report.outcomes == []
    assert site("Payments").down_count == 1  # nothing counted
    fire_nothing(qtbot, app, T + s(21))  # no burst of rounds while the connection is down
    server.switch[f"{name}-sandbox"] = 200
    report = fire_round(qtbot, app, T + s(40))
    assert [(o.site.title, o.down_count) for o in report.outcomes] == [("Payments", 2)]


def test_a_failure_stored_by_another_process_enters_the_lane(qtbot, lane_app, server, name, db):
    app = lane_app(T, failing=False)
    assert tooltip(app) == "djamon-desktop: All 2 sites up"
    app.clock.now = T + s(200)  # the schedule's next round is at 03:05
    server.switch[name] = 500
    done = subprocess.run(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(db), "check"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1, done.stderr
    # the app sees the database change (within 2 s) and retries the site on its own: that
    # check's time (now, by the real clock) is long past by the App's clock
    with qtbot.waitSignal(app.poller.round_finished, timeout=10000) as finished:
        pass
    report = finished.args[0]
    assert [(o.site.title, o.down_count) for o in report.outcomes] == [("Payments", 2)]
    assert report.started_at == T + s(200)


def test_retry_seconds_0_turns_the_lane_off(qtbot, lane_app):
    app = lane_app(retry_seconds=0)
    assert tooltip(app) == "djamon-desktop: Payments failing: 1st failure in a row"
    fire_nothing(qtbot, app, T + s(20))
    assert checks_of("Payments") == [T]


def test_retry_seconds_typed_in_settings_applies_at_once(qtbot, lane_app):
    app = lane_app()
    click_menu(qtbot, app.tray.menu, "Settings…")
    window = app.windows.settings
    qtbot.waitUntil(window.isVisible)
    window.tabs.setCurrentWidget(window.checks_page)
    field = window.fields["retry_seconds"]
    qtbot.waitUntil(field.isVisible)
    assert field.text() == "20 s"
    type_into(qtbot, field, "5", clear=True)
    press(Qt.Key_S, Qt.ControlModifier)
    assert window.note.text() == "Saved."
    assert load_settings().retry_seconds == 5
    settled(qtbot, app)
    assert tooltip(app).endswith("retrying in 5 s")
    assert [o.site.title for o in fire_round(qtbot, app, T + s(5)).outcomes] == ["Payments"]


# -- the poller alone, with a worker that holds its round until told ----------------------------


class HeldWorker(QObject):
    """Runs nothing: records which round it was asked for and finishes when released."""

    finished = Signal(object, object)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.asked: list[list[int] | None] = []
        self.release = threading.Event()

    @Slot(object)
    def run(self, only=None) -> None:
        self.asked.append(only)
        self.release.wait(10)
        self.release.clear()
        self.finished.emit("report", [])


def test_a_scheduled_round_due_while_a_retry_runs_starts_right_after_it(qtbot, db):
    from djamon_desktop.core.sites import SiteInfo

    now = datetime(2026, 11, 27, 10, 0, 30, tzinfo=UTC)
    clock = Clock(now)
    worker = HeldWorker()
    poller = Poller(lambda after: after.replace(second=0) + timedelta(minutes=1), clock, worker)
    failing = SiteInfo(
        *(1, "G", "Shop", "http://127.0.0.1/", "normal", True, "", 1, "warning"),
        last_seen=None,
        last_checked=now - s(15),
        last_status_code=500,
        last_error=None,
        last_elapsed_ms=1.0,
        order=(0, 0),
    )
    try:
        poller.start(first_round=False)
        poller.track([failing], 20)
        with qtbot.waitSignal(poller.round_started):
            fire_poller(poller, clock, now + s(5))  # the retry, due at 10:00:35
        qtbot.waitUntil(lambda: worker.asked == [[1]])
        fire_poller(poller, clock, now + s(30))  # 10:01:00 comes while the retry still runs
        qtbot.wait(100)
        assert worker.asked == [[1]]
        with qtbot.waitSignal(poller.round_started, timeout=5000):
            worker.release.set()  # the retry ends: the scheduled round starts now
        qtbot.waitUntil(lambda: worker.asked == [[1], None])
        worker.release.set()
    finally:
        worker.release.set()
        poller.stop()


def fire_poller(poller, clock: Clock, at: datetime) -> None:
    clock.now = at
    poller._timer.start(0)
