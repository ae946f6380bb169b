"""What a newcomer met in the site window and the site editor, the way a person meets it: key
presses on the focused widget, then what the window shows."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from djamon_desktop.cycle import run_round
from djamon_desktop.gui.windows.editors import SiteEditor
from djamon_desktop.store import queries

from ..conftest import document, group, site
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
    """4 good answers of 5 beside 5 of 5: ``80.00%`` over ``100.00%``, not ``100%``."""
    load(
        document(
            group(
                "Production",
                site("Payments", server.url(f"/switch/{name}")),
                site("Blog", server.url("/status/200")),
            ),
            strikes=9,
        )
    )
    for n in range(5):
        server.switch[name] = 500 if n == 2 else 200
        run_round()
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    rows = {r["Site"]: r["Uptime 24 h"] for r in site_rows(dashboard)}
    assert rows == {"Payments": "80.00%", "Blog": "100.00%"}
    shot(dashboard, "dashboard-uptime")
    blog = app.windows.show_site(
        next(s.site_id for s in queries.list_sites(9) if s.title == "Blog")
    )
    settled(qtbot, app)
    assert blog.uptime.text() == (
        "Uptime: 100.00% over 24 hours, 100.00% over 7 days, 100.00% over 30 days"
    )
    qtbot.waitExposed(blog)
    shot(blog, "site-uptime")


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
