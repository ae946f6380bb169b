"""A team database that can't be reached does not lock the user out: Settings opens (the Team
tab first, saying why), a URL that just failed its test is saved only after asking, and the
dashboard says the database is unreachable rather than "nothing monitored". The suite's real
PostgreSQL, stopped for the test."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from djamon_desktop import team
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.engine import DatabaseUnreachable

from ..conftest import payments
from ..servers import closed_port
from .screen import click_menu, type_into

ASKED = "Save an unreached database? — djamon-desktop"


@pytest.fixture
def db(team_db):
    return team_db


def answer_when_asked(
    answers: list, button: QMessageBox.StandardButton, said: list, shot=None
) -> None:
    """Click ``button`` in the question box once it shows (it blocks the click that opened it)."""

    def look() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.windowTitle() == ASKED and box.isVisible():
            said.append(box.text())
            if shot is not None:
                shot(box, "settings-save-unreached-url")
            QTest.mouseClick(box.button(button), Qt.MouseButton.LeftButton)
            answers.append(button)
        else:
            QTimer.singleShot(30, look)

    QTimer.singleShot(30, look)


def test_settings_and_the_dashboard_while_the_database_is_down(
    qtbot, db, load, server, name, pg_server, team_url, data_dir, keyring, shot
):
    from djamon_desktop.gui.app import App

    load(payments(server, name))
    close_database()
    pg_server.stop()
    try:
        with pytest.raises(DatabaseUnreachable) as caught:
            open_database(team_url)
        app = App(data_dir, use_dbus=False)
        app.poller.retry_unreachable_ms = 300
        app.poller.lost(caught.value.message)
        app.start()
        try:
            qtbot.waitUntil(lambda: "database unreachable" in app.tray.icon.toolTip())
            click_menu(qtbot, app.tray.menu, "Open dashboard")
            dashboard = app.windows.dashboard
            qtbot.waitUntil(dashboard.isVisible)
            assert dashboard.stack.currentIndex() == 0
            assert dashboard.empty_note.text().startswith("Database unreachable")
            assert "Nothing is monitored" not in dashboard.empty_note.text()
            assert not dashboard.empty_add.isEnabled()
            shot(dashboard, "dashboard-database-unreachable")
            dashboard.activateWindow()
            qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
            QTest.keyClick(dashboard, Qt.Key.Key_O, Qt.KeyboardModifier.ControlModifier)
            outages = app.windows.outages
            qtbot.waitUntil(lambda: outages is not None and outages.isVisible())
            assert outages.empty.text() == "Reading the outages…"  # not "No outages so far."

            click_menu(qtbot, app.tray.menu, "Settings…")
            settings = app.windows.settings
            qtbot.waitUntil(settings.isVisible)
            assert settings.tabs.currentWidget() is settings.pages["Team"]
            assert "can't be reached" in settings.note.text()
            shot(settings, "settings-database-away")

            wrong = f"postgresql://djamon@127.0.0.1:{closed_port()}/nowhere"
            tab = settings.team
            type_into(qtbot, tab.url, wrong, clear=True)
            QTest.mouseClick(tab.test_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(tab.test_button.isEnabled, timeout=15000)
            assert tab.test_result.text().startswith("Not reached")

            answers: list = []
            said: list = []
            answer_when_asked(answers, QMessageBox.StandardButton.Cancel, said, shot)
            QTest.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
            assert answers == [QMessageBox.StandardButton.Cancel]
            assert "was not reached when tested" in said[0]
            assert not team.choice_path(data_dir).exists()  # nothing saved

            answer_when_asked(answers, QMessageBox.StandardButton.Save, said)
            QTest.mouseClick(settings.save_button, Qt.MouseButton.LeftButton)
            assert answers[-1] == QMessageBox.StandardButton.Save
            assert team.load_choice(data_dir).database == wrong  # the Team tab's choice kept
            assert "Team tab's choice was saved" in settings.note.text()

            pg_server.start()
            qtbot.waitUntil(lambda: "All 2 sites up" in app.tray.icon.toolTip(), timeout=20000)
            qtbot.waitUntil(lambda: dashboard.stack.currentIndex() == 1)
            qtbot.waitUntil(lambda: outages.empty.text() == "No outages so far.")
        finally:
            app.poller.stop()
            app.dispose()
    finally:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", pg_server.port)) != 0:
                pg_server.start()
