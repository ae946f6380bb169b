"""The poller's timing: one round at start, one on waking however late, never a burst, waits cut
to a minute, pause and resume. The worker here is a small fake that counts rounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QObject, QThread, Signal, Slot

from djamon_desktop.gui.poller import Poller

from ..conftest import Clock


class CountingWorker(QObject):
    finished = Signal(object, object)
    failed = Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.runs = 0
        self.threads: list[QThread] = []

    @Slot()
    def run(self) -> None:
        self.runs += 1
        self.threads.append(QThread.currentThread())
        self.finished.emit("report", [])


def every_minute(after: datetime) -> datetime:
    return after.replace(second=0, microsecond=0) + timedelta(minutes=1)


@pytest.fixture
def poller(qtbot, db):  # db: all monitoring's pause is stored
    clock = Clock(datetime(2026, 11, 27, 10, 0, 30, tzinfo=UTC))
    worker = CountingWorker()
    p = Poller(every_minute, clock=clock, worker=worker)
    p.clock_, p.worker_ = clock, worker
    yield p
    p.stop()


def test_a_round_at_start_on_the_worker_thread(qtbot, poller):
    with qtbot.waitSignal(poller.round_finished):
        poller.start()
    assert poller.worker_.runs == 1
    assert poller.worker_.threads[0] is not QThread.currentThread()
    assert poller._due == datetime(2026, 11, 27, 10, 1, tzinfo=UTC)
    assert 0 < poller._timer.interval() <= 30_000 + 50


def test_waking_late_runs_one_round_not_a_burst(qtbot, poller):
    with qtbot.waitSignal(poller.round_finished):
        poller.start()
    poller.clock_.now += timedelta(hours=9)  # the machine slept through 540 round times
    with qtbot.waitSignal(poller.round_finished):
        poller._wake()
    assert poller.worker_.runs == 2
    assert poller._due == every_minute(poller.clock_.now)
    poller._wake()  # the timer firing again before the next minute does nothing
    assert poller.worker_.runs == 2


def test_long_gaps_are_waited_a_minute_at_a_time(qtbot, poller):
    poller._next_after = lambda after: after + timedelta(days=40)  # past QTimer's int range
    poller.arm()
    assert poller._timer.interval() == 60_000 + 50
    poller.clock_.now += timedelta(minutes=1)
    poller._wake()
    assert poller.worker_.runs == 0
    assert poller._timer.isActive()


def test_pause_skips_rounds_until_the_time_then_resumes(qtbot, poller):
    with qtbot.waitSignal(poller.round_finished):
        poller.start()
    poller.pause(poller.clock_.now + timedelta(hours=1))
    assert poller.paused
    poller.clock_.now += timedelta(minutes=5)
    poller._wake()
    assert poller.worker_.runs == 1
    poller.clock_.now += timedelta(hours=1)
    with qtbot.waitSignal(poller.paused_changed):
        poller._wake()
    assert not poller.paused
    poller.clock_.now = poller._due
    with qtbot.waitSignal(poller.round_finished):
        poller._wake()
    assert poller.worker_.runs == 2


def test_check_now_while_a_round_runs_is_refused(qtbot, poller):
    poller._busy = True
    assert poller.run_now() is False


def test_the_real_worker_runs_one_cycle_with_the_pollers_clock(qtbot, db, server):
    """No fake here: the poller's own worker checks a loopback site, stores it at the clock's
    time (the clock the App hands the poller) and runs the daily purge by the same clock."""
    from djamon_desktop.store import editing, history, queries
    from djamon_desktop.store.settings import save_settings

    save_settings({"sandbox_urls": [server.url("/status/200")]})
    editing.save_site("G", {"title": "Shop", "url": server.url("/status/500")})
    clock = Clock(datetime(2026, 11, 27, 10, 0, 30, tzinfo=UTC))
    poller = Poller(every_minute, clock=clock)
    try:
        with qtbot.waitSignal(poller.round_finished, timeout=15000) as finished:
            poller.start()
    finally:
        poller.stop()
    report, deliveries = finished.args
    assert report.started_at == clock.now and report.exit_code == 1
    assert [(o.site.title, o.result.status_code, o.state) for o in report.outcomes] == [
        ("Shop", 500, "warning")
    ]
    assert deliveries == report.deliveries == []
    assert queries.list_sites(3)[0].last_checked == clock.now
    [hour] = history.hourly(queries.list_sites(3)[0].site_id, clock.now, 1)
    assert (hour.start, hour.checks, hour.good) == (clock.now.replace(minute=0, second=0), 1, 0)
    assert history.meta_get("last_purge") == clock.now.isoformat()
