"""What a newcomer met in the site window and the site editor, the way a person meets it: key
presses on the focused widget, then what the window shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from ..conftest import document, group, site
from .screen import dashboard_shown, settled


def open_site_by_keyboard(qtbot, app, dashboard, title: str):
    """Click the site's row and press Enter: its window, active."""
    production = dashboard.tree.topLevelItem(0)
    item = next(
        production.child(i)
        for i in range(production.childCount())
        if production.child(i).text(0) == title
    )
    rect = dashboard.tree.visualItemRect(item)
    qtbot.mouseClick(dashboard.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(dashboard.tree, Qt.Key.Key_Return)
    settled(qtbot, app)
    window = next(iter(app.windows.sites.values()))
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def test_escape_closes_the_site_window(qtbot, make_app, load, server):
    load(document(group("Production", site("Payments", server.url("/")))))
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    window = open_site_by_keyboard(qtbot, app, dashboard, "Payments")
    assert window.windowTitle() == "Payments — djamon-desktop"
    QTest.keyClick(QApplication.focusWidget() or window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.isVisible())
    qtbot.waitUntil(lambda: not app.windows.sites)  # closed, not just hidden
