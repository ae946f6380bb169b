"""The dashboard's, the outages' and a site's columns keep their widths: fitted once to what
they show, then left alone through filters, sorts and refreshes (a second click on a header
lands on the header meant; a filter that matched nothing leaves the titles readable)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from djamon_desktop.gui.windows.dashboard import DashboardWindow
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


def test_a_width_the_person_drags_is_kept_and_comes_back(qtbot, make_app, thirty, tmp_path):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    header = dashboard.tree.header()
    column = COLUMNS.index("Priority")
    edge = header.sectionViewportPosition(column) + header.sectionSize(column) - 1
    y = header.height() // 2
    wanted = header.sectionSize(column) + 60
    # a drag of the Priority header's right edge, 60 px to the right
    qtbot.mousePress(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge, y))
    for step in range(1, 7):
        qtbot.mouseMove(header.viewport(), QPoint(edge + step * 10, y))
    qtbot.mouseRelease(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(edge + 60, y))
    assert abs(header.sectionSize(column) - wanted) <= 2
    dragged = widths(dashboard.tree)
    app.refresh()
    settled(qtbot, app)
    assert widths(dashboard.tree) == dragged
    dashboard.close()  # its geometry and the widths dragged are saved
    again = DashboardWindow()  # as at the next start
    qtbot.addWidget(again)
    shown = [c for c in range(len(dragged)) if c != COLUMNS.index("Vantages")]  # (a team's)
    assert [widths(again.tree)[c] for c in shown] == [dragged[c] for c in shown]


def test_columns_fitted_before_the_first_check_have_room_for_what_checks_bring(
    qtbot, make_app, thirty
):
    """Fitted while every site still says "never", the columns a check fills later (the
    moment to the second, the answer's time, the failures in words) are wide enough for them
    from the start: they are never refitted, so they must not be cut once checks come."""
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    tree = dashboard.tree
    metrics = tree.fontMetrics()
    for column, text in (
        ("Last seen", "2026-12-07 20:00:42"),
        ("Response", "1234 ms"),
        ("Failures", "12th failure in a row"),
    ):
        width = tree.columnWidth(COLUMNS.index(column))
        assert width > metrics.horizontalAdvance(text), (column, width)
    with qtbot.waitSignal(app.poller.round_finished, timeout=20000):
        app.check_now()
    settled(qtbot, app)
    seen = COLUMNS.index("Last seen")
    item = tree.topLevelItem(0).child(0)
    assert item.text(seen)[:2] == "20" and tree.columnWidth(seen) > metrics.horizontalAdvance(
        item.text(seen)
    )
