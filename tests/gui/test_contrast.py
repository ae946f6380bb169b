"""Every text the windows show reads at WCAG AA (4.5:1) against what it is drawn on, in a light
and in a dark palette, and after a switch from one to the other while the windows are open. The
colours are read the way Qt paints them: each label's palette (its foreground role, a style
sheet's colour included) over the background painted where it is, and each table cell's
foreground and background (the item's own, else the view's palette)."""

from __future__ import annotations

from collections import Counter

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTableWidget,
    QTreeWidget,
    QWidget,
)

from djamon_desktop.gui.windows.colours import MIN_CONTRAST, colour_text, contrast, flat
from djamon_desktop.store import queries

from ..conftest import document, group, site
from .screen import dashboard_shown, settled, type_into
from .test_dashboard import click_row

ACTIVE = QPalette.ColorGroup.Active


def dark_palette() -> QPalette:
    """A dark theme as a desktop gives one (window #323232, base #2b2b2b, text #e0e0e0)."""
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: "#323232",
        QPalette.ColorRole.WindowText: "#e0e0e0",
        QPalette.ColorRole.Base: "#2b2b2b",
        QPalette.ColorRole.AlternateBase: "#383838",
        QPalette.ColorRole.Text: "#e0e0e0",
        QPalette.ColorRole.Button: "#3c3c3c",
        QPalette.ColorRole.ButtonText: "#e0e0e0",
        QPalette.ColorRole.ToolTipBase: "#202020",
        QPalette.ColorRole.ToolTipText: "#e0e0e0",
        QPalette.ColorRole.Highlight: "#3d6fb4",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#8ab4f8",
        QPalette.ColorRole.PlaceholderText: "#80e0e0e0",  # the text colour at half alpha
    }
    for group_ in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        for role, colour in roles.items():
            palette.setColor(group_, role, QColor(colour))
    return palette


def painted_background(image: QImage, window: QWidget, widget: QWidget) -> QColor:
    """What ``widget`` is drawn on, as painted: the commonest colour of its place in the
    window's picture (a tab's page may be painted lighter than the window's colour)."""
    corner = widget.mapTo(window, QPoint(0, 0))
    counts: Counter = Counter()
    for x in range(max(corner.x(), 0), min(corner.x() + widget.width(), image.width()), 2):
        for y in range(max(corner.y(), 0), min(corner.y() + widget.height(), image.height()), 2):
            counts[image.pixel(x, y)] += 1
    assert counts, widget
    return QColor.fromRgb(counts.most_common(1)[0][0])


def label_texts(window: QWidget) -> list[tuple[str, QColor, QColor]]:
    found = []
    image = window.grab().toImage()
    for label in window.findChildren(QLabel):
        if label.window() is not window:  # a dialog of this window's: measured on its own
            continue
        if not label.isVisibleTo(window) or not label.text().strip() or not label.isEnabled():
            continue
        background = painted_background(image, window, label)
        fore = label.palette().color(ACTIVE, label.foregroundRole())
        found.append((label.text(), flat(fore, background), background))
        if "<a " in label.text():
            link = label.palette().color(ACTIVE, QPalette.ColorRole.Link)
            found.append((f"link in {label.text()}", flat(link, background), background))
    for field in window.findChildren(QLineEdit) + window.findChildren(QPlainTextEdit):
        if field.window() is window and field.isVisibleTo(window) and field.isEnabled():
            palette = field.palette()
            base = palette.color(ACTIVE, QPalette.ColorRole.Base)
            found.append(
                (
                    f"field {field.objectName()}",
                    palette.color(ACTIVE, QPalette.ColorRole.Text),
                    base,
                )
            )
    return found


def cell_texts(window: QWidget) -> list[tuple[str, QColor, QColor]]:
    found = []
    for view in window.findChildren(QTreeWidget) + window.findChildren(QTableWidget):
        if view.window() is not window or not view.isVisibleTo(window):
            continue
        palette = view.viewport().palette()
        base = palette.color(ACTIVE, QPalette.ColorRole.Base)
        text = palette.color(ACTIVE, QPalette.ColorRole.Text)
        if isinstance(view, QTreeWidget):
            items = []
            for i in range(view.topLevelItemCount()):
                top = view.topLevelItem(i)
                items += [top] + [top.child(j) for j in range(top.childCount())]
            cells = [(item, c) for item in items for c in range(view.columnCount())]
        else:
            cells = [
                (view.item(r, c), c)
                for r in range(view.rowCount())
                for c in range(view.columnCount())
                if view.item(r, c) is not None
            ]
        for item, column in cells:
            label = item.text(column) if isinstance(view, QTreeWidget) else item.text()
            if not label.strip():
                continue
            fore_data = (
                item.data(column, Qt.ItemDataRole.ForegroundRole)
                if isinstance(view, QTreeWidget)
                else item.data(Qt.ItemDataRole.ForegroundRole)
            )
            back_data = (
                item.data(column, Qt.ItemDataRole.BackgroundRole)
                if isinstance(view, QTreeWidget)
                else item.data(Qt.ItemDataRole.BackgroundRole)
            )
            back = back_data.color() if back_data is not None else base
            fore = fore_data.color() if fore_data is not None else text
            found.append((f"cell {label}", flat(fore, back), back))
    return found


def unreadable(*windows: QWidget) -> list[str]:
    texts = []
    for window in windows:
        texts += label_texts(window) + cell_texts(window)
    assert texts
    return [
        f"{text!r}: {fore.name()} on {back.name()} is {contrast(fore, back):.2f}:1"
        for text, fore, back in texts
        if contrast(fore, back) < MIN_CONTRAST
    ]


@pytest.fixture
def every_state(load, server, name):
    server.switch[name] = 500
    load(
        document(
            group(
                "G",
                site("Crit up", server.url("/status/200"), priority="critical"),
                site("High warn", server.url(f"/switch/{name}"), priority="high"),
                site("Normal down", server.url("/status/503"), priority="normal"),
                site("Low never", server.url("/status/200"), priority="low"),
                site("Off", server.url("/status/200"), active=False),
            ),
            strikes=2,
        )
    )


@pytest.fixture
def palette_of(qtbot):
    saved = QApplication.palette()

    def use(palette: QPalette) -> None:
        QApplication.setPalette(palette)
        qtbot.wait(50)  # (the change reaches every widget through its events)

    yield use
    QApplication.setPalette(saved)


@pytest.mark.parametrize("when", ["light", "dark", "dark after opening"])
def test_every_text_reads_at_4_5_to_1(qtbot, make_app, every_state, palette_of, when, shot):
    if when == "dark":
        palette_of(dark_palette())
    app = make_app(start_round=True)
    dashboard = dashboard_shown(qtbot, app)
    click_row(qtbot, dashboard, "Off")
    qtbot.keyClick(dashboard.tree, Qt.Key.Key_Delete)  # the undo bar shows, on its own colour
    qtbot.waitUntil(dashboard.undo_bar.isVisible)
    settings = app.windows.show_settings()
    settled(qtbot, app)
    qtbot.waitUntil(lambda: not settings.keyring_pending())
    type_into(qtbot, settings.schedule, "61 * * * *", clear=True)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    error = settings.errors.labels["schedule"]
    qtbot.waitUntil(error.isVisible)
    with qtbot.waitSignal(app.poller.round_finished, timeout=30000):
        app.check_now()  # a second failure in a row: an outage opens
    settled(qtbot, app)
    outage = app.windows.show_outage(queries.find_outage("current").id)
    editor = app.editing.edit_site(None)
    editor.show()
    type_into(qtbot, editor.url, "ftp://files")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(editor.errors.labels["url"].isVisible)
    site_id = next(s.site_id for s in app.picture.sites if s.title == "Normal down")
    site_window = app.windows.show_site(site_id)
    outages = app.windows.show_outages()
    settled(qtbot, app)
    if when == "dark after opening":
        palette_of(dark_palette())
        settled(qtbot, app)
    windows = (dashboard, settings, site_window, outages, outage, editor)
    name = when.replace(" ", "-")
    shot(dashboard, f"contrast-dashboard-{name}")
    shot(settings, f"contrast-settings-{name}")
    shot(editor, f"contrast-editor-{name}")
    shot(outage, f"contrast-outage-{name}")
    problems = unreadable(*windows)
    bar = settings.tabs.tabBar()
    for index in range(1, bar.count()):  # every tab of Settings, clicked as a person does
        qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
        assert settings.tabs.currentIndex() == index
        problems += unreadable(settings)
    assert problems == []
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(0).center())
    # (not vacuous: the old style sheet's red on this palette's window is caught)
    if when != "light":
        colour_text(error, None)  # as the error was shown before: a style sheet's fixed red
        error.setStyleSheet("color: #b00020;")
        assert any("#b00020" in line for line in unreadable(settings))
