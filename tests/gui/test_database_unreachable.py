"""The app when its team database can't be reached: the tray turns grey and says so (the URL's
password as ***), the windows stay open with what they last showed, the UI never waits on the
database meanwhile, and all of it comes back by itself once the database answers (no restart).
Faults are real: the suite's PostgreSQL stopped and started again, and a relay on loopback
between the app and the server that goes silent (takes connections, never answers)."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt

from djamon_desktop.gui.icons import COLOURS
from djamon_desktop.gui.poller import RETRY_UNREACHABLE_MS
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.engine import DatabaseUnreachable

from ..conftest import payments
from ..postgres import PASSWORD
from ..relay import Relay
from .conftest import near, pixel_colour
from .screen import UI_STALL_S, UiTicks, dashboard_shown, menu_texts, open_menu, press, site_rows

UP_TEXT = "djamon-desktop: All 2 sites up"


@pytest.fixture
def db(team_db):
    """Every App here is on the test's own team database."""
    return team_db


@pytest.fixture
def pg(pg_server):
    """The suite's server, which a test may stop: running again at the test's end."""
    yield pg_server
    with socket.socket() as s:
        if s.connect_ex(("127.0.0.1", pg_server.port)) != 0:
            pg_server.start()


def is_state(app, state) -> bool:
    return near(pixel_colour(app.tray.icon.icon()), COLOURS[state].getRgb()[:3])


def unreachable_text(url: str) -> str:
    return "djamon-desktop: database unreachable: " + url.replace(f":{PASSWORD}@", ":***@")


def grey_and_saying_so(qtbot, app, url: str) -> None:
    qtbot.waitUntil(lambda: app.tray.icon.toolTip() == unreachable_text(url), timeout=20000)
    assert is_state(app, "idle")
    assert PASSWORD not in app.tray.icon.toolTip()


def test_the_server_stopped_turns_the_tray_grey_and_its_return_brings_it_back(
    qtbot, make_app, load, server, name, pg, team_url
):
    load(payments(server, name))
    app = make_app()
    app.poller.retry_unreachable_ms = 300
    assert app.tray.icon.toolTip() == UP_TEXT
    dashboard = dashboard_shown(qtbot, app)
    shown_rows = site_rows(dashboard)

    pg.stop()
    press(Qt.Key_F5)  # Check now, on the dashboard
    grey_and_saying_so(qtbot, app, team_url)
    assert dashboard.isVisible() and site_rows(dashboard) == shown_rows  # the last data
    assert dashboard.windowTitle() == "Database unreachable — Dashboard — djamon-desktop"
    assert "can't be reached" in dashboard.statusBar().currentMessage()
    menu = open_menu(qtbot, app.tray.menu)
    assert menu_texts(menu)[0] == unreachable_text(team_url).removeprefix("djamon-desktop: ")
    pause = next(a for a in menu.actions() if a.text() == "Pause monitoring")
    assert not pause.isEnabled()  # the pause is stored in the database
    menu.hide()
    app.refresh()  # (as a change notice would): nothing read, nothing raised

    server.switch[name] = 500  # what the round missed while grey will show once it is run
    with qtbot.waitSignal(app.poller.database_back, timeout=20000):
        pg.start()
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
        pass  # the missed round runs as soon as the database answers
    qtbot.waitUntil(lambda: is_state(app, "warning"), timeout=5000)
    assert "Payments failing: 1st failure in a row" in app.tray.icon.toolTip()
    assert [r["Site"] for r in site_rows(dashboard)] == ["Payments", "Blog"]
    assert dashboard.windowTitle() == "1 failing — Dashboard — djamon-desktop"


def test_the_app_started_while_the_database_is_down_starts_grey_and_carries_on(
    qtbot, db, load, server, name, pg, team_url, data_dir
):
    from djamon_desktop.gui.app import App

    load(payments(server, name))
    close_database()
    pg.stop()
    with pytest.raises(DatabaseUnreachable) as caught:
        open_database(team_url)  # as the command line does before it starts the app
    app = App(data_dir, use_dbus=False)
    app.poller.retry_unreachable_ms = 300
    try:
        app.poller.lost(caught.value.message)
        app.start()
        grey_and_saying_so(qtbot, app, team_url)
        assert app.windows.dashboard is None  # nothing read yet
        pg.start()
        qtbot.waitUntil(lambda: app.tray.icon.toolTip() == UP_TEXT, timeout=20000)
        assert is_state(app, "up")
    finally:
        app.poller.stop()
        app.dispose()


def test_a_silent_database_never_holds_up_the_ui(qtbot, make_app, load, server, name, team_url):
    """Each try of a database that does not answer waits its connect timeout (3 s in this
    URL) on the worker thread; the UI thread meanwhile reads nothing and stays responsive."""
    load(payments(server, name))
    head, database = team_url.rsplit("/", 1)
    host, port = head.rsplit(":", 1)
    relay = Relay(int(port)).start()
    url = f"{host}:{relay.port}/{database}?connect_timeout=3"
    try:
        open_database(url)
        app = make_app()
        assert app.poller.retry_unreachable_ms == RETRY_UNREACHABLE_MS == 2000
        assert app.tray.icon.toolTip() == UP_TEXT
        dashboard = dashboard_shown(qtbot, app)
        ticks = UiTicks()
        ticks.start()
        relay.hold()  # silent: new connections are taken and never answered
        relay.cut()
        press(Qt.Key_F5)
        grey_and_saying_so(qtbot, app, url)
        for _ in range(5):  # change notices, a window asking to be redrawn...
            app.refresh()
            qtbot.wait(1000)
        ticks.stop()
        print(f"longest the UI waited while the database was silent: {ticks.longest():.3f} s")
        assert ticks.longest() < UI_STALL_S
        assert dashboard.isVisible()
        relay.release()
        relay.cut()  # the silent ones go; the next connect goes through
        qtbot.waitUntil(lambda: app.tray.icon.toolTip() == UP_TEXT, timeout=20000)
        assert is_state(app, "up")
        app.poller.stop()  # (before the relay goes)
        app.dispose()
        close_database()
    finally:
        relay.stop()
