"""The keyboard reaches every action of a window in reading order: Tab after Tab (real key
presses on the focused widget) goes top to bottom, and left to right along a row, and every
button and field shown is on the way. The focused widget is drawn with a visible focus.

Set DJAMON_SHOTS to a folder to keep the screenshots looked at."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QApplication, QScrollArea, QWidget

from ..conftest import document, group, site
from .screen import dashboard_shown


@pytest.fixture
def sites(load, server, name, db):
    load(
        document(
            group(
                "Production",
                site("Payments", server.url("/status/200"), priority="critical"),
                site("Blog", server.url("/status/200"), priority="low"),
            ),
        )
    )


def place(widget: QWidget) -> QRect:
    window = widget.window()
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def tab_walk(window: QWidget, limit: int = 80) -> list[QWidget]:
    """The widgets Tab visits from the one focused now, once round (the first is the start)."""
    start = QApplication.focusWidget()
    assert start is not None and start.window() is window
    seen = [start]
    for _ in range(limit):
        QTest.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
        now = QApplication.focusWidget()
        if now is start:
            return seen
        seen.append(now)
    raise AssertionError(f"Tab is held in {describe(seen[-1])}: {[describe(w) for w in seen[:8]]}")


def from_top(chain: list[QWidget]) -> list[QWidget]:
    """The chain turned to start at its top-left widget (Tab wraps round from the last)."""
    first = min(range(len(chain)), key=lambda i: (place(chain[i]).top(), place(chain[i]).left()))
    return chain[first:] + chain[:first]


def in_reading_order(chain: list[QWidget]) -> list[str]:
    """Where the chain goes back up, or left along a row: each step as "from -> to"."""
    chain = from_top(chain)
    wrong = []
    for before, after in zip(chain, chain[1:], strict=False):
        a, b = place(before), place(after)
        same_row = b.top() < a.bottom() and a.top() < b.bottom()
        if (same_row and b.left() < a.left()) or (not same_row and b.top() < a.top()):
            wrong.append(f"{describe(before)} -> {describe(after)}")
    return wrong


def describe(widget: QWidget) -> str:
    text = widget.text() if isinstance(widget, QAbstractButton) else widget.accessibleName()
    return f"{type(widget).__name__}({text!r}) at {place(widget).topLeft().toTuple()}"


def focus_shows(widget: QWidget, name: str) -> bool:
    """Whether the widget looks different when Tab has brought the focus to it than once Tab
    has moved it on: a visible focus."""
    for _ in range(80):
        if widget.hasFocus():
            break
        QTest.keyClick(QApplication.focusWidget(), Qt.Key_Tab)
    assert widget.hasFocus(), f"Tab never reached {describe(widget)}"
    QApplication.processEvents()
    focused = widget.grab().toImage()
    shots = os.environ.get("DJAMON_SHOTS")
    if shots:
        widget.window().grab().save(str(Path(shots) / f"focus-{name}.png"))
    QTest.keyClick(widget, Qt.Key_Tab)
    QApplication.processEvents()
    assert not widget.hasFocus()
    plain = widget.grab().toImage()
    changed = 0
    for y in range(0, focused.height(), 2):
        for x in range(0, focused.width(), 2):
            if QColor(focused.pixel(x, y)) != QColor(plain.pixel(x, y)):
                changed += 1
    return changed >= 10


def test_dashboard_tab_order_is_reading_order_with_a_visible_focus(qtbot, make_app, sites):
    app = make_app(start_round=True)
    dashboard = dashboard_shown(qtbot, app)
    qtbot.waitUntil(lambda: dashboard.tree.topLevelItemCount() == 1)
    # an Undo offered: the notice above the table, with its button
    dashboard.tree.setFocus()
    dashboard.tree.setCurrentItem(dashboard.tree.topLevelItem(0).child(0))
    QTest.keyClick(dashboard.tree, Qt.Key_D, Qt.ControlModifier)
    qtbot.waitUntil(dashboard.undo_bar.isVisible)
    chain = from_top(tab_walk(dashboard))
    assert not in_reading_order(chain)
    assert {dashboard.undo_button, dashboard.filter, dashboard.tree} <= set(chain)
    # the notice's button before the filter, the filter before the table
    assert chain.index(dashboard.undo_button) < chain.index(dashboard.filter)
    assert chain.index(dashboard.filter) < chain.index(dashboard.tree)
    for widget, name in ((dashboard.undo_button, "undo"), (dashboard.filter, "filter")):
        assert focus_shows(widget, name), f"no visible focus on {name}"


def test_site_window_tab_order_reaches_the_chart(qtbot, make_app, sites):
    app = make_app(start_round=True)
    dashboard = dashboard_shown(qtbot, app)
    qtbot.waitUntil(lambda: dashboard.tree.topLevelItemCount() == 1)
    dashboard.tree.setCurrentItem(dashboard.tree.topLevelItem(0).child(0))
    QTest.keyClick(dashboard.tree, Qt.Key_Return)
    qtbot.waitUntil(lambda: len(app.windows.sites) == 1)
    window = next(iter(app.windows.sites.values()))
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.waitUntil(lambda: window.table.rowCount() > 0)  # (Tab passes an empty table)
    if QApplication.focusWidget() is None or QApplication.focusWidget().window() is not window:
        QTest.keyClick(window, Qt.Key_Tab)
    chain = tab_walk(window)
    assert not in_reading_order(chain)
    assert window.day_chart in chain and window.table in chain
    assert focus_shows(window.day_chart, "chart")


def test_site_editor_tab_order_is_reading_order(qtbot, make_app, sites):
    app = make_app(start_round=False)
    dashboard_shown(qtbot, app)
    editor = app.editing.edit_site(None)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    # the keyboard starts in the first field, and every stop is a field or a button
    assert QApplication.focusWidget() in (editor.group, editor.group.lineEdit())
    chain = tab_walk(editor)
    assert not in_reading_order(chain)
    assert {editor.title, editor.url, editor.expect.try_button} <= set(chain)
    assert not [w for w in chain if isinstance(w, QScrollArea)]


def test_settings_tab_order_is_reading_order(qtbot, settings_window):
    window = settings_window()
    window.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
    for index in range(window.tabs.count()):
        window.tabs.setCurrentIndex(index)
        window.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
        chain = tab_walk(window)
        wrong = in_reading_order(chain)
        assert not wrong, f"{window.tabs.tabText(index)}: {wrong}"
        assert window.save_button in chain


def test_report_window_tab_order_is_reading_order(qtbot, make_app, sites):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    dashboard.tree.setFocus()
    QTest.keyClick(dashboard.tree, Qt.Key_R, Qt.ControlModifier)
    qtbot.waitUntil(lambda: app.windows.report is not None)
    window = app.windows.report
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.waitUntil(lambda: not window.reporting.busy, timeout=20000)
    # the keyboard starts at the month; Tab goes down the choices, the page, the buttons
    assert QApplication.focusWidget() is window.month
    chain = tab_walk(window)
    assert not in_reading_order(chain)
    wanted = [window.month, window.first, window.last, window.group, window.refresh]
    wanted += [window.preview, *window.save_buttons.values(), window.close_button]
    assert set(wanted) <= set(chain), [describe(w) for w in chain]
    visits = [w for w in chain if w in wanted]  # (Tab goes through a date's parts in it)
    assert [w for n, w in enumerate(visits) if w not in visits[:n]] == wanted
    assert focus_shows(window.save_buttons["pdf"], "report-save")
