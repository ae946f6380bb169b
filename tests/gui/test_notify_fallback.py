"""A session bus with no notification server on it (a bare XEmbed desktop): every message
falls back to Qt's tray balloon, and the D-Bus thread ends once it failed rather than staying
for the app's life (tests/bench/memory.py measures that desktop); the next message asks D-Bus
again. Offscreen there is no tray either: a message shown nowhere is said in the dashboard's
status line. (tests/e2e/test_notify_desktops.py shows the balloon on a real XEmbed tray.)"""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from djamon_desktop.core.clock import utc_now
from djamon_desktop.core.states import State
from djamon_desktop.gui.icons import state_icon
from djamon_desktop.gui.notify import NOT_SHOWN, Notifier
from djamon_desktop.store import queries

from ..bare_bus import start_bare_bus
from ..conftest import payments
from ..processes import stop_all
from .screen import settled

pytestmark = pytest.mark.skipif(shutil.which("dbus-daemon") is None, reason="no dbus-daemon")


@pytest.fixture
def bare_bus(tmp_path, monkeypatch):
    """A private session bus that nobody serves notifications on."""
    procs: list = []
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", start_bare_bus(procs, tmp_path))
    yield
    stop_all(procs, 5)


def test_messages_fall_back_to_the_balloon_and_the_dbus_thread_ends(qtbot, bare_bus):
    tray = QSystemTrayIcon(state_icon(State.UP))
    notifier = Notifier(tray)  # a bus is there: D-Bus is tried first
    sender = notifier._dbus
    assert sender is not None
    balloons: list[int] = []
    lost: list[str] = []
    notifier._not_shown.connect(lambda *args: balloons.append(args[2]))
    notifier.undelivered.connect(lost.append)
    notifier.notify("Payments down", "Cards fail.", 7, critical=True)
    notifier.notify("Blog down", "No posts.", 8, critical=True)  # handed over together
    qtbot.waitUntil(lambda: sorted(balloons) == [7, 8], timeout=15000)
    first = sender._thread
    qtbot.waitUntil(lambda: not first.is_alive(), timeout=5000)
    assert not sender.working and sender._notifier is None
    # offscreen there is no tray either: each lost message is said, for the status line
    qtbot.waitUntil(lambda: len(lost) == 2, timeout=5000)
    assert sorted(lost) == [
        NOT_SHOWN + "Blog down",
        NOT_SHOWN + "Payments down",
    ]

    # the next message asks D-Bus again (a server may have come meanwhile), on a new thread
    notifier.notify("Payments back up", "", 7, state=State.UP)
    assert sender._thread is not first
    qtbot.waitUntil(lambda: len(balloons) == 3 and balloons[-1] == 7, timeout=15000)
    qtbot.waitUntil(lambda: not sender._thread.is_alive(), timeout=5000)
    assert notifier.last[0] == "Payments back up" and len(lost) == 3
    notifier.close()  # (a thread already ended: returns at once)
    notifier.notify("After closing", "", 9)  # closed: straight to the balloon (lost here)
    assert len(balloons) == 3 and lost[-1].endswith(": After closing")
    tray.deleteLater()


def test_no_server_and_no_tray_the_dashboard_says_what_was_lost(
    qtbot, bare_bus, db, held_timers, load, server, name, shot, tray_host
):
    from djamon_desktop.gui.app import App

    tray_host.present = False  # offscreen: no tray host either
    load(payments(server, name, blog=False, strikes=1))
    app = App(db, use_dbus=True, clock=utc_now, new_timer=held_timers)
    try:
        with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
            app.start()
        settled(qtbot, app, 15000)
        dashboard = app.windows.show_dashboard()
        dashboard.resize(1100, 600)  # as wide as on a desktop's screen (the test's is 800)
        server.switch[name] = 500
        with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
            app.check_now()
        outage = queries.find_outage("current")
        bar = dashboard.statusBar()
        # the D-Bus thread tried, found nobody, and the balloon had nowhere to go
        qtbot.waitUntil(lambda: bar.currentMessage().startswith("Not shown"), timeout=15000)
        assert bar.currentMessage() == f"{NOT_SHOWN}Payments is down — outage {outage.code}"
        shot(dashboard, "dashboard-notification-not-shown")
    finally:
        app.poller.stop()
        app.notifier.close()
        app.dispose()


def test_no_bus_and_no_tray_a_message_is_said_lost(qtbot, tray_host):
    tray_host.present = False  # as offscreen really is: no tray host takes it
    tray = QSystemTrayIcon(state_icon(State.UP))
    tray.show()
    notifier = Notifier(tray, use_dbus=False)
    with qtbot.waitSignal(notifier.undelivered, timeout=1000) as lost:
        notifier.notify("Payments down", "Cards fail.", 7, critical=True)
    assert lost.args == [NOT_SHOWN + "Payments down"]
    tray.deleteLater()
