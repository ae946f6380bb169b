"""What a newcomer met in the site window and the site editor, the way a person meets it: key
presses on the focused widget, then what the window shows."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from djamon_desktop.core.report_model import Span
from djamon_desktop.core.schedule import local_zone
from djamon_desktop.cycle import run_round
from djamon_desktop.gui.windows.editors import SiteEditor
from djamon_desktop.gui.windows.site_table import COLUMNS
from djamon_desktop.store import queries, reports
from djamon_desktop.store.models import Site

from ..conftest import Clock, document, group, site
from .screen import click_into, dashboard_shown, press, settled, site_rows, type_into


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


def edit_payments(qtbot, app, dashboard) -> SiteEditor:
    """Select the site and press Ctrl+Enter: its editor, with the keyboard in it."""
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    item = dashboard.tree.topLevelItem(0).child(0)
    rect = dashboard.tree.visualItemRect(item)
    qtbot.mouseClick(dashboard.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(dashboard.tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    editors: list[SiteEditor] = []

    def editor_open() -> bool:
        editors[:] = [w for w in dashboard.findChildren(SiteEditor) if w.isVisible()]
        return bool(editors)

    qtbot.waitUntil(editor_open)
    editor = editors[0]
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editor)
    return editor


def stored_titles() -> list[str]:
    return [s.title for s in queries.list_sites(3)]


def test_escape_in_an_unchanged_site_editor_closes_it_at_once(qtbot, make_app, load, server):
    load(document(group("Production", site("Payments", server.url("/")))))
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    editor = edit_payments(qtbot, app, dashboard)
    click_into(qtbot, editor.title)
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert editor.close_question is None


def test_escape_in_a_changed_site_editor_asks_save_discard_or_cancel(
    qtbot, make_app, load, server, shot
):
    load(document(group("Production", site("Payments", server.url("/")))))
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    editor = edit_payments(qtbot, app, dashboard)
    type_into(qtbot, editor.title, " EU")

    press(Qt.Key.Key_Escape)  # asks; Cancel keeps the editor and what was typed
    box = editor.close_question
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    assert box.text() == "This site was changed and not saved."
    shot(box, "site-editor-unsaved")
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert editor.isVisible() and editor.title.text() == "Payments EU"

    click_into(qtbot, editor.url)
    press(Qt.Key.Key_Escape)  # asks again; Discard closes and stores nothing
    box = editor.close_question
    qtbot.waitUntil(box.isVisible)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert stored_titles() == ["Payments"]

    editor = edit_payments(qtbot, app, dashboard)  # the same edit, and Save this time
    type_into(qtbot, editor.title, " EU")
    press(Qt.Key.Key_Escape)
    box = editor.close_question
    qtbot.waitUntil(box.isVisible)
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert stored_titles() == ["Payments EU"]


def test_uptime_reads_alike_in_one_column(qtbot, make_app, load, server, name, shot):
    """Down 10 minutes of an hour beside never: ``83.33%`` over ``100.00%``, not ``100%`` (a
    report's figure: the time not down over the time monitored, not 4 good checks of 5)."""
    load(
        document(
            group(
                "Production",
                site("Payments", server.url(f"/switch/{name}")),
                site("Blog", server.url("/status/200")),
            ),
            strikes=1,
        )
    )
    added = Site.get(Site.title == "Payments").monitored_since
    Site.update(monitored_since=added).execute()  # both added at the same moment
    for n in range(5):  # a round every 10 minutes; the third fails: down until the fourth
        server.switch[name] = 500 if n == 2 else 200
        run_round(clock=lambda n=n: added + timedelta(minutes=10 * n))
    clock = Clock(added + timedelta(minutes=60))
    app = make_app(start_round=False, clock=clock)
    dashboard = dashboard_shown(qtbot, app)
    rows = {r["Site"]: r["Uptime 24 h"] for r in site_rows(dashboard)}
    assert rows == {"Payments": "83.33%", "Blog": "100.00%"}
    production = dashboard.tree.topLevelItem(0)
    items = [production.child(n) for n in range(production.childCount())]
    payments = next(item for item in items if item.text(0) == "Payments")
    assert "down 10 minutes in outages" in payments.toolTip(COLUMNS.index("Uptime 24 h"))
    header = dashboard.tree.headerItem().toolTip(COLUMNS.index("Uptime 24 h"))
    assert "less the time down in an outage" in header
    shot(dashboard, "dashboard-uptime")
    # the same figures as a report of the same spans
    assert rows == report_uptimes(clock.now, timedelta(hours=24))
    window = open_site_by_keyboard(qtbot, app, dashboard, "Payments")
    day, week, month = (
        report_uptimes(clock.now, timedelta(days=days))["Payments"] for days in (1, 7, 30)
    )
    assert window.uptime.text() == (
        f"Uptime: {day} over 24 hours, {week} over 7 days, {month} over 30 days"
    )
    blog = app.windows.show_site(
        next(s.site_id for s in queries.list_sites(9) if s.title == "Blog")
    )
    settled(qtbot, app)
    assert blog.uptime.text() == (
        "Uptime: 100.00% over 24 hours, 100.00% over 7 days, 100.00% over 30 days"
    )
    qtbot.waitExposed(blog)
    shot(blog, "site-uptime")


def report_uptimes(now: datetime, over: timedelta) -> dict[str, str]:
    """Each site's uptime in the report of the span ``over`` up to ``now``, as the app shows
    an uptime."""
    zone = local_zone()
    start = now - over
    span = Span(start, now, start.astimezone(zone).date(), now.astimezone(zone).date())
    found = reports.report(span, now, zone, str(zone))
    return {s.title: f"{s.figures.uptime_text()}%" for _group, s in found.sites()}


def add_site_by_keyboard(qtbot, app, dashboard) -> SiteEditor:
    """Ctrl+N on the dashboard: the Add site editor, with the keyboard in it."""
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    qtbot.keyClick(dashboard.tree, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editors: list[SiteEditor] = []

    def editor_open() -> bool:
        editors[:] = [w for w in dashboard.findChildren(SiteEditor) if w.isVisible()]
        return bool(editors)

    qtbot.waitUntil(editor_open)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is editors[0])
    return editors[0]


def stored_urls() -> dict[str, str]:
    return {s.title: s.url for s in queries.list_sites(3)}


def test_a_url_typed_without_a_scheme_is_taken_as_https(qtbot, make_app, load, server, shot):
    load(document(group("Production", site("Payments", server.url("/")))))
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)

    editor = add_site_by_keyboard(qtbot, app, dashboard)
    type_into(qtbot, editor.title, "Shop")
    type_into(qtbot, editor.url, "example.com/health")
    press(Qt.Key.Key_Tab)  # leaving the field: the person sees what will be checked
    assert editor.url.text() == "https://example.com/health"
    shot(editor, "site-editor-https-offered")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert stored_urls()["Shop"] == "https://example.com/health"

    editor = add_site_by_keyboard(qtbot, app, dashboard)  # Ctrl+S without leaving the field
    type_into(qtbot, editor.title, "Docs")
    type_into(qtbot, editor.url, "docs.example.org:8443")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert stored_urls()["Docs"] == "https://docs.example.org:8443"

    editor = add_site_by_keyboard(qtbot, app, dashboard)  # a typo is not guessed at: its error
    type_into(qtbot, editor.title, "Typo")
    type_into(qtbot, editor.url, "http:/example.com")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert editor.isVisible() and editor.url.text() == "http:/example.com"
    assert editor.errors.labels["url"].isVisible()
    assert "Typo" not in stored_urls()
