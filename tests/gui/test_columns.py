"""The dashboard's, the outages' and a site's columns keep their widths: fitted once to what
they show, then left alone through filters, sorts and refreshes (a second click on a header
lands on the header meant; a filter that matched nothing leaves the titles readable)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from djamon_desktop.gui.windows.site_table import COLUMNS

from ..conftest import document, group, site
from .screen import dashboard_shown, settled, titles

LONG = "Card payments gateway of the web shop EU"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def thirty(load, server):
    groups = [
        group(name, *[site(f"{name} site {n:02}", server.url(f"/{n}")) for n in range(10)])
        for name in ("Shop", "Office", "Lab")
    ]
    groups[0]["sites"].append(site(LONG, server.url("/pay")))
    load(document(*groups))


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


def widths(tree) -> list[int]:
    header = tree.header()
    return [header.sectionSize(c) for c in range(header.count() - 1)]  # the last stretches


def title_room(tree) -> int:
    """What the longest title needs: its text beside the group's indentation."""
    return tree.fontMetrics().horizontalAdvance(LONG) + tree.indentation()


def test_a_filter_that_matched_nothing_leaves_the_titles_readable(qtbot, make_app, thirty, shot):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    tree = dashboard.tree
    assert tree.columnWidth(0) >= title_room(tree)
    before = widths(tree)
    press(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(dashboard.filter, "nothing like this")
    assert titles(dashboard) == []
    app.refresh()  # a new picture while nothing matches
    settled(qtbot, app)
    press(qtbot, Qt.Key.Key_Escape)
    assert dashboard.filter.text() == "" and len(titles(dashboard)) == 31
    assert tree.columnWidth(0) >= title_room(tree)
    assert widths(tree) == before
    shot(dashboard, "columns-after-filter")


def click_at(qtbot, header, x: int) -> None:
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2)
    )


def test_a_second_header_click_lands_on_the_header_meant(qtbot, make_app, thirty):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    dashboard.resize(1000, 500)
    tree = dashboard.tree
    header = tree.header()
    before = widths(tree)
    # where a person sees the State and the Uptime headers before the first click
    middle = {
        name: header.sectionViewportPosition(COLUMNS.index(name))
        + header.sectionSize(COLUMNS.index(name)) // 2
        for name in ("State", "Uptime 24 h")
    }
    click_at(qtbot, header, middle["State"])
    assert header.isSortIndicatorShown()
    assert header.sortIndicatorSection() == COLUMNS.index("State")
    assert widths(tree) == before
    click_at(qtbot, header, middle["Uptime 24 h"])
    assert header.sortIndicatorSection() == COLUMNS.index("Uptime 24 h")
    assert widths(tree) == before
    app.refresh()
    settled(qtbot, app)
    assert widths(tree) == before and header.sortIndicatorSection() == COLUMNS.index("Uptime 24 h")


def test_a_round_keeps_the_widths(qtbot, make_app, thirty):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    before = widths(dashboard.tree)
    with qtbot.waitSignal(app.poller.round_finished, timeout=30000):
        app.check_now()
    settled(qtbot, app)
    assert titles(dashboard) and widths(dashboard.tree) == before
