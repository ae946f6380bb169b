"""Help › Check this desktop, used as a person uses it: the menu entry clicked on the
dashboard, the checks read from the window once they are done (the app's own database and data
folder among them), Copy puts the same text on the clipboard, Escape closes the window. The
checks run off the UI thread: a session bus that accepts and never answers holds up the probes
for seconds and the UI thread not at all."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from djamon_desktop.gui.windows.doctor import CHECKING, DoctorWindow
from djamon_desktop.store.migrations import LATEST

from .screen import UI_STALL_S, UiTicks, click_menu, dashboard_shown, menu_of, press


@pytest.fixture
def silent_bus(tmp_path, monkeypatch):
    """A "session bus" that takes the connection and never says a word."""
    path = tmp_path / "silent-bus"
    listener = socket.socket(socket.AF_UNIX)
    listener.bind(str(path))
    listener.listen(8)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={path}")
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    yield
    listener.close()


def open_checks(qtbot, dashboard) -> DoctorWindow:
    # the pointer away first: left where an earlier test's click on this very entry left it,
    # Qt drops the move onto it (no move, no entry under the pointer) and the click does nothing
    qtbot.mouseMove(dashboard, QPoint(3, 3))
    click_menu(qtbot, menu_of(dashboard, "&Help"), "C&heck this desktop")
    qtbot.waitUntil(lambda: dashboard.findChild(DoctorWindow) is not None)
    window = dashboard.findChild(DoctorWindow)
    qtbot.waitExposed(window)
    return window


def test_the_checks_show_in_a_window_copy_and_escape(qtbot, make_app, db, silent_bus, shot):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    ticks = UiTicks()
    ticks.start()
    window = open_checks(qtbot, dashboard)
    assert window.windowTitle() == "Check this desktop — djamon-desktop"
    assert window.text.toPlainText() == CHECKING
    assert not window.copy.isEnabled()
    qtbot.waitUntil(lambda: window.text.toPlainText() != CHECKING, timeout=30000)
    ticks.stop()
    assert ticks.longest() < UI_STALL_S  # the bus's seconds were the worker's, not the UI's
    lines = window.text.toPlainText().splitlines()
    shot(window, "doctor-window")
    heads = [line.split()[:2] for line in lines if line and not line.startswith(" ")]
    assert heads[:6] == [
        ["missing", "display"], ["missing", "tray"], ["missing", "notifications"],
        ["missing", "keyring"], ["ok", "database"], ["ok", "data_folder"],
    ]  # fmt: skip
    text = " ".join(window.text.toPlainText().split())
    assert "the session bus can't be reached (TimeoutError)" in text
    assert "→ run djamon-desktop from the desktop session" in text
    assert f"SQLite file {db / 'djamon.sqlite3'}, schema {LATEST} (this version's)" in text
    assert lines[-1] == "4 of 6 missing: display, tray, notifications, keyring."
    assert window.status.text() == lines[-1]

    qtbot.mouseClick(window.copy, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == window.text.toPlainText()
    assert window.status.text() == "Copied the checks to the clipboard."

    window.text.setFocus()
    qtbot.waitUntil(window.text.hasFocus)
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: dashboard.findChild(DoctorWindow) is None)


def test_check_again_runs_them_once_more(qtbot, make_app, db, silent_bus):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    window = open_checks(qtbot, dashboard)
    qtbot.waitUntil(lambda: window.again.isEnabled(), timeout=30000)
    (db / "logs").chmod(0o700)
    db.chmod(0o777)  # someone loosened the data folder meanwhile
    qtbot.mouseClick(window.again, Qt.MouseButton.LeftButton)
    assert window.text.toPlainText() == CHECKING
    qtbot.waitUntil(lambda: window.again.isEnabled(), timeout=30000)
    text = " ".join(window.text.toPlainText().split())
    assert f"missing data_folder {db} is 0777: everyone can write in it → chmod 700 {db}" in text
    window.close()
