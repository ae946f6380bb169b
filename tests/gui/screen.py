"""Reading what a window shows and using menus the way a person does: open the menu, click the
entry. No test-only methods on the widgets themselves."""

from __future__ import annotations

import time

from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu

from djamon_desktop.gui.windows.site_table import COLUMNS

#: The longest the UI thread may be held up (``UiTicks.longest``) while the work goes on
#: elsewhere. The stalls the tests guard against are waits on a database or a network on the UI
#: thread: a connect timeout or a statement's deadline, 2 s and more, or a whole round. This
#: leaves room for a loaded machine's scheduling and garbage collection and still catches them.
UI_STALL_S = 0.5


def shown(qtbot, window):
    qtbot.addWidget(window)
    window.show()
    window.activateWindow()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return window


def dashboard_shown(qtbot, app):
    """The dashboard on screen and active, as after a click on the tray icon."""
    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    qtbot.waitExposed(dashboard)
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    return dashboard


def click_into(qtbot, field):
    """Click a field (it gets the focus, as for a person) and check it did."""
    qtbot.mouseClick(field.viewport() if hasattr(field, "viewport") else field, Qt.LeftButton)
    qtbot.waitUntil(field.hasFocus)


def type_into(qtbot, field, text: str, clear: bool = False):
    click_into(qtbot, field)
    if clear:
        QTest.keyClick(QApplication.focusWidget(), Qt.Key_A, Qt.ControlModifier)
        QTest.keyClick(QApplication.focusWidget(), Qt.Key_Backspace)
    QTest.keyClicks(QApplication.focusWidget(), text)


def press(key, modifier=Qt.NoModifier):
    QTest.keyClick(QApplication.focusWidget(), key, modifier)


class UiTicks:
    """A 10 ms timer on the UI thread noting the time between its ticks, from ``start`` to
    ``stop``: ``longest()`` is the longest the event loop was held up meanwhile."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def start(self) -> None:
        self._last = time.perf_counter()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def longest(self) -> float:
        return max(self.gaps)


def site_rows(dashboard) -> list[dict]:
    """The dashboard's visible site rows, top to bottom: each column's text, the group's title,
    and the colours the row is painted with."""
    rows = []
    tree = dashboard.tree
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        if group.isHidden():
            continue
        for j in range(group.childCount()):
            item = group.child(j)
            if item.isHidden():
                continue
            rows.append(
                {
                    "group": group.text(0),
                    **{name: item.text(c) for c, name in enumerate(COLUMNS)},
                    "background": item.background(0).color(),
                    "priority_colour": item.foreground(1).color(),
                    "foregrounds": [item.foreground(c).color() for c in range(len(COLUMNS))],
                }
            )
    return rows


def titles(dashboard) -> list[str]:
    return [r["Site"] for r in site_rows(dashboard)]


def menu_texts(menu: QMenu) -> list[str]:
    """A menu as a person reads it once it opened: a submenu as 'Title >' and its entries
    indented below it."""
    out = []
    for action in menu.actions():
        if action.menu() is not None:
            out.append(action.text() + " >")
            out += ["  " + a.text() for a in action.menu().actions()]
        elif not action.isSeparator():
            out.append(action.text())
    return out


def menu_of(window, title: str) -> QMenu:
    """A window's menu from its menu bar, by its title ('&Help')."""
    return next(a.menu() for a in window.menuBar().actions() if a.text() == title)


def open_menu(qtbot, menu: QMenu) -> QMenu:
    """Pop the menu up (it rebuilds itself as it opens) and wait until it shows."""
    menu.popup(QPoint(40, 40))
    qtbot.waitUntil(menu.isVisible)
    return menu


def click_menu(qtbot, menu: QMenu, *path: str) -> None:
    """Open ``menu`` and click its entries along ``path`` ('Pause monitoring', 'For 1 hour')."""
    open_menu(qtbot, menu)
    for n, text in enumerate(path):
        action = next((a for a in menu.actions() if a.text() == text), None)
        assert action is not None, (text, menu_texts(menu))
        assert action.isEnabled(), text
        pos = menu.actionGeometry(action).center()
        qtbot.mouseMove(menu, pos)
        qtbot.mouseClick(menu, Qt.MouseButton.LeftButton, pos=pos)
        if n < len(path) - 1:
            menu = action.menu()
            qtbot.waitUntil(menu.isVisible)


def message_box(qtbot, title: str, timeout: int = 5000):
    """The message box on screen with this title (waits for it to show)."""
    from PySide6.QtWidgets import QApplication, QMessageBox

    found: list = []

    def shown() -> bool:
        found[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QMessageBox) and w.isVisible() and w.windowTitle() == title
        ]
        return bool(found)

    qtbot.waitUntil(shown, timeout=timeout)
    return found[-1]


def choose_file(qtbot, path) -> None:
    """In the file dialog on screen: type ``path`` into its file name box and press Enter."""
    from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit

    dialogs: list = []

    def shown() -> bool:
        dialogs[:] = [
            w
            for w in QApplication.topLevelWidgets()
            if isinstance(w, QFileDialog) and w.isVisible()
        ]
        return bool(dialogs)

    qtbot.waitUntil(shown)
    name = dialogs[-1].findChild(QLineEdit, "fileNameEdit")
    qtbot.mouseClick(name, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(name.hasFocus)
    qtbot.keyClick(name, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(name, str(path))
    qtbot.keyClick(name, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialogs[-1].isVisible())


def table_texts(table) -> list[list[str]]:
    """A table widget's cells as shown, row by row."""
    return [
        [table.item(r, c).text() for c in range(table.columnCount())]
        for r in range(table.rowCount())
    ]


def column_texts(table, column: int) -> list[str]:
    return [row[column] for row in table_texts(table)]


def settled(qtbot, app, timeout: int = 5000) -> None:
    """Wait until the app shows what it last asked for: the reads thread has no reading or
    change left (windows are filled from a picture a worker read, never on the UI thread)."""
    qtbot.waitUntil(lambda: not app.reads.busy, timeout=timeout)


def tip_text(tooltip: str) -> str:
    """A tooltip as a person reads it: Qt shows one that looks like HTML (as every tooltip of
    text from others is, escaped) as rich text, rendered."""
    from PySide6 import QtGui

    if not QtGui.Qt.mightBeRichText(tooltip):
        return tooltip
    doc = QtGui.QTextDocument()
    doc.setHtml(tooltip)
    return doc.toPlainText()
