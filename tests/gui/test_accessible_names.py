"""Every control of every window has a name a screen reader can say (its own, or a label it is
labelled by), read through Qt's accessibility interfaces offscreen: the fast net under the AT-SPI
walk on Xvfb (tests/e2e/test_accessible.py). Each window is opened as a person opens it: a menu
entry, a key, a double-click on the row."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from djamon_desktop.cycle import run_round
from djamon_desktop.gui.windows.chart import ResponseChart
from djamon_desktop.store import queries

from ..conftest import document, group, site
from .accessible import controls, nameless
from .screen import dashboard_shown, press

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
HOSTILE = "<b>Pay</b>&amp; &lt;script&gt;"


@pytest.fixture
def sites(load, server, name, db):
    server.switch[name] = 503
    load(
        document(
            group(
                "Production",
                site("Payments", server.url(f"/switch/{name}"), priority="critical"),
                site(HOSTILE, server.url("/status/200"), priority="low"),
            ),
            group("Marketing", site("Blog", server.url("/status/200"))),
            strikes=1,
        )
    )
    for minute in range(2):
        run_round(clock=lambda minute=minute: START + timedelta(minutes=minute))
    outage = queries.find_outage("current")
    assert outage is not None
    return outage


def check(window, at_least: dict[str, int]) -> list:
    """The window's controls; fails naming each one with no name, and when fewer controls of a
    role than ``at_least`` were found (a walk that found nothing proves nothing)."""
    found = controls(window)
    missing = nameless(found)
    assert not missing, f"{window.windowTitle()}: nameless " + "; ".join(map(str, missing))
    for role, count in at_least.items():
        seen = [c for c in found if c.role == role]
        assert len(seen) >= count, f"{window.windowTitle()}: only {len(seen)} {role}"
    return found


def names(found, role: str) -> set[str]:
    return {c.name or (c.labelled_by or [""])[0] for c in found if c.role == role and c.showing}


def test_every_window_names_every_control(qtbot, make_app, sites):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    qtbot.waitUntil(lambda: dashboard.tree.topLevelItemCount() == 2)
    found = check(dashboard, {"tree": 1, "text": 1})
    tree = next(c for c in found if c.role == "tree")
    assert "sites" in tree.name.lower()

    # the site window, from the dashboard's row (Enter on it, as a person)
    dashboard.tree.setFocus()
    payments = dashboard.tree.topLevelItem(0).child(0)
    payments_id = payments.data(0, Qt.ItemDataRole.UserRole)
    dashboard.tree.setCurrentItem(payments)
    press(Qt.Key_Return)
    qtbot.waitUntil(lambda: len(app.windows.sites) == 1)
    site_window = next(iter(app.windows.sites.values()))
    qtbot.waitExposed(site_window)
    found = check(site_window, {"push button": 1})
    chart = site_window.findChild(ResponseChart)
    assert chart is not None
    iface = QAccessible.queryAccessibleInterface(chart)
    assert "Response time" in iface.text(QAccessible.Text.Name)
    site_window.close()

    outages = app.windows.show_outages()
    qtbot.waitUntil(lambda: outages.table.rowCount() >= 1)
    check(outages, {"table": 1})
    window = app.windows.show_outage(sites.id)
    qtbot.waitUntil(lambda: window.windowTitle().startswith("Outage"))
    qtbot.wait(300)
    check(window, {"push button": 1})

    settings = app.windows.show_settings()
    qtbot.waitExposed(settings)
    for index in range(settings.tabs.count()):
        settings.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        found = check(settings, {"page tab": settings.tabs.count(), "push button": 2})
    settings.close()

    editor = app.editing.edit_site(payments_id)
    qtbot.waitExposed(editor)
    check(editor, {"text": 2, "push button": 2})
    editor.reject()
    group_editor = app.editing.edit_group(None)
    qtbot.waitExposed(group_editor)
    check(group_editor, {"text": 1, "push button": 2})
    group_editor.reject()

    # Report… (Ctrl+R in the dashboard): the span, the group, the preview, the buttons
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    dashboard.tree.setFocus()
    press(Qt.Key_R, Qt.ControlModifier)
    qtbot.waitUntil(lambda: app.windows.report is not None)
    report = app.windows.report
    qtbot.waitExposed(report)
    found = check(report, {"combo box": 2, "spin button": 2, "push button": 6})
    assert {"Month:", "Group:"} <= {n for c in found for n in c.labelled_by}
    assert {"From", "To"} <= names(found, "spin button")
    preview = QAccessible.queryAccessibleInterface(report.preview)
    assert preview.text(QAccessible.Text.Name) == "Report preview"
    qtbot.waitUntil(lambda: not report.reporting.busy, timeout=20000)
    report.close()

    dashboard.activateWindow()
    dashboard.tree.setCurrentItem(dashboard.tree.topLevelItem(0).child(0))
    dashboard.pausing.act_pause.trigger()
    dialog = qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), QDialog)) or (
        QApplication.activeModalWidget()
    )
    check(dialog, {"spin button": 1, "push button": 2})
    dialog.reject()

    dashboard.open_about.emit()
    box = QApplication.activeModalWidget() or next(
        w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()
    )
    check(box, {"push button": 1})
    box.close()

    # the tray's menu: each entry in words, the first the state (as its tooltip has it)
    app.tray.rebuild_menu()
    found = check(app.tray.menu, {"menu item": 6})
    entries = [c.name for c in found if c.role == "menu item"]
    assert entries[0] == app.tray.status_text()
    assert "Open dashboard" in entries


def test_the_chart_reads_out_its_numbers_and_keeps_them_up_to_date(qtbot):
    from djamon_desktop.store.history import HourPoint

    end = datetime(2026, 11, 2, 12, 30, tzinfo=UTC)
    chart = ResponseChart(24, lambda: end)
    qtbot.addWidget(chart)
    iface = QAccessible.queryAccessibleInterface(chart)
    assert iface.text(QAccessible.Text.Name).endswith("No answers in this period")
    hours = [
        HourPoint(end.replace(hour=10, minute=0), 60, 60, 120.0, 310.0),
        HourPoint(end.replace(hour=11, minute=0), 60, 58, 140.0, 900.0),
        HourPoint(end.replace(hour=12, minute=0), 30, 0, None, None),
    ]
    chart.show_points(hours, end)
    name = iface.text(QAccessible.Text.Name)
    described = iface.text(QAccessible.Text.Description)
    assert name.startswith("Response time chart, last 24 hours: Average 130 ms")
    assert "1 hour with failures" not in name and "2 hours with failures" in name
    local = [h.start.astimezone().strftime("%H:%M") for h in hours]
    assert f"{local[0]} average 120 ms, slowest 310 ms" in described
    assert f"{local[1]} average 140 ms, slowest 900 ms, 2 of 60 checks failed" in described
    assert f"{local[2]} 30 of 30 checks failed" in described
    chart.show_points(hours[:1], end)  # a refresh: the words follow
    assert "Average 120 ms" in iface.text(QAccessible.Text.Name)
    assert local[1] not in iface.text(QAccessible.Text.Description)
    # reached with the keyboard, so a screen reader comes to it
    assert chart.focusPolicy() & Qt.FocusPolicy.TabFocus


def test_the_state_cell_says_the_state_in_words_and_shape(qtbot, make_app, sites):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    qtbot.waitUntil(lambda: dashboard.tree.topLevelItemCount() == 2)
    payments = dashboard.tree.topLevelItem(0).child(0)
    state = 2
    assert payments.text(state) == "down"
    assert not payments.icon(state).isNull()
    words = payments.data(state, Qt.ItemDataRole.AccessibleDescriptionRole)
    assert words.startswith("Payments: down, ")
