"""The state in the dashboard's title as rounds bring it, and the app on a desktop with no tray:
said once, the dashboard a normal window whose icon is the state's and which closing only
minimizes, the tray used again once one comes. Real rounds against loopback servers; the tray's
coming and going is what the app is told by Qt (the offscreen platform has none: ``tray_host``),
tests/e2e/test_no_tray.py has a real one go away on an X display."""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from djamon_desktop.gui.icons import COLOURS, app_icon
from djamon_desktop.gui.no_tray import BACK, CHECK_MS, GONE
from djamon_desktop.store import queries

from ..conftest import document, group, payments, site
from .conftest import near, pixel_colour
from .screen import click_menu, dashboard_shown, press, settled, tip_text

SUFFIX = " — Dashboard — djamon-desktop"


def round_by_keys(qtbot, app) -> None:
    """F5 on the dashboard (Monitor › Check now), and the round's picture shown."""
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
        press(Qt.Key_F5)
    settled(qtbot, app)


def test_the_title_says_the_state_as_rounds_bring_it(qtbot, make_app, load, server, name, shot):
    load(payments(server, name, strikes=2))
    app = make_app()
    dashboard = dashboard_shown(qtbot, app)
    assert dashboard.windowTitle() == "All up" + SUFFIX
    assert (
        tip_text(dashboard.status_line.label.toolTip()) == "All 2 sites up"
    )  # the status line's words
    assert dashboard.windowIcon().cacheKey() == app_icon().cacheKey()  # the tray shows the state

    server.switch[name] = 500
    round_by_keys(qtbot, app)
    assert dashboard.windowTitle() == "1 failing" + SUFFIX
    assert tip_text(dashboard.status_line.label.toolTip()).startswith(
        "Payments failing: 1st failure"
    )

    round_by_keys(qtbot, app)
    assert queries.find_outage("current") is not None
    assert dashboard.windowTitle() == "1 down" + SUFFIX
    assert "Payments down since" in tip_text(dashboard.status_line.label.toolTip())
    shot(dashboard, "dashboard-title-down")

    click_menu(qtbot, app.tray.menu, "Pause monitoring", "Until I resume")
    settled(qtbot, app)
    assert dashboard.windowTitle() == "Paused" + SUFFIX
    click_menu(qtbot, app.tray.menu, "Resume monitoring")
    settled(qtbot, app)
    assert dashboard.windowTitle() == "1 down" + SUFFIX  # the outage is still open

    server.switch[name] = 200
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    round_by_keys(qtbot, app)
    assert dashboard.windowTitle() == "All up" + SUFFIX


def test_nothing_monitored_and_no_connection_in_the_title(qtbot, make_app, load, server):
    app = make_app()  # a first launch: the dashboard offers to add a site
    settled(qtbot, app)
    assert app.windows.dashboard.windowTitle() == "Nothing monitored" + SUFFIX

    load(
        document(
            group("G", site("A", server.url("/status/200"))),
            sandbox_urls=[server.url("/status/503")],
        )
    )
    dashboard = dashboard_shown(qtbot, app)
    round_by_keys(qtbot, app)
    assert dashboard.windowTitle() == "No connection" + SUFFIX


def test_no_tray_the_dashboard_stays_a_window_saying_the_state(
    qtbot, make_app, load, server, name, tray_host, shot
):
    tray_host.present = False
    load(payments(server, name, strikes=1))
    app = make_app()
    said: list[tuple] = []
    notify = app.notifier.notify
    app.notifier.notify = lambda *a, **k: (said.append(a), notify(*a, **k))[1]

    dashboard = app.windows.dashboard
    assert dashboard is not None and dashboard.isVisible()  # shown at start, nothing asked
    dashboard.resize(1100, 600)  # as wide as on a desktop's screen (the test's is 800)
    settled(qtbot, app)
    assert dashboard.windowTitle() == "All up" + SUFFIX
    assert near(pixel_colour(dashboard.windowIcon()), COLOURS["up"].getRgb()[:3])
    bar = dashboard.findChild(type(dashboard.undo_bar), "no-tray")
    assert bar.isVisible() and bar.label.text() == GONE
    shot(dashboard, "no-tray-dashboard")

    # each round brings the icon its state
    server.switch[name] = 500
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    round_by_keys(qtbot, app)
    assert dashboard.windowTitle() == "1 down" + SUFFIX
    assert near(pixel_colour(dashboard.windowIcon()), COLOURS["down"].getRgb()[:3])
    shot(dashboard, "no-tray-dashboard-down")

    # closing it (Ctrl+W) minimizes it: hidden, nothing could bring it back
    press(Qt.Key_W, Qt.ControlModifier)
    qtbot.waitUntil(lambda: dashboard.isMinimized())
    assert dashboard.isVisible() and app.windows.dashboard is dashboard

    # looked for again and again: said once, not at every look
    qtbot.wait(CHECK_MS * 2 + 500)
    assert [s for s in said if s[0] == "No system tray"] == []  # (said before the spy, at start)

    # a tray comes: the app's icon is back on the window, and closing hides it to the tray
    tray_host.present = True
    qtbot.waitUntil(lambda: not app.no_tray.missing, timeout=CHECK_MS * 3)
    assert not bar.isVisible()
    assert dashboard.statusBar().currentMessage() == BACK
    assert dashboard.windowIcon().cacheKey() == app_icon().cacheKey()
    app.windows.show_dashboard()  # (a click on the tray icon)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    press(Qt.Key_W, Qt.ControlModifier)
    qtbot.waitUntil(lambda: not dashboard.isVisible())

    # and when it goes again, the dashboard is back, said once more
    tray_host.present = False
    qtbot.waitUntil(lambda: dashboard.isVisible(), timeout=CHECK_MS * 3)
    qtbot.wait(CHECK_MS * 2 + 500)
    assert [s for s in said if s[0] == "No system tray"] == [("No system tray", GONE)]
    assert bar.isVisible()

    # its Quit button ends the app: the window closes for good (not minimized)
    qtbot.waitExposed(dashboard)
    qtbot.waitUntil(lambda: bar.button.isVisible() and bar.button.width() > 0)
    qtbot.mouseClick(bar.button, Qt.LeftButton)
    qtbot.waitUntil(lambda: app.windows.dashboard is None)
    assert not shiboken6.isValid(dashboard)  # deleted as the app quit, not kept minimized
