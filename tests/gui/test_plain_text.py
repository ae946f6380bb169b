"""Text from others is shown as the text it is: every window of the app walked with a document
full of markup (titles, a group, down messages), opened the way a person opens them. No label,
tooltip or item shows it as rich text, and each title shows with its characters as written."""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QTableWidget,
    QTreeWidget,
    QWidget,
)

from djamon_desktop.gui.plain import body_markup, menu_text, tip, tray_tip, visible
from djamon_desktop.gui.windows.editors import SiteEditor

from ..conftest import document, group, site
from .screen import dashboard_shown, settled

GROUP = "<b>Ops</b>"
ZERO = "<img src=/dev/zero>"  # read on the UI thread until memory ran out
LINK = '<a href="file:///etc/passwd">pw</a>'
AMP = "R&D <i>x</i> &amp;"
DOWN = "<b>down</b> <img src=file:///etc/passwd>"
MARKUP = ("<b>", "<img", "<a href", "<i>")  # each hostile text holds one


def shows_markup(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> bool:
    """Whether Qt would take ``text`` as rich text with a tag from the hostile document in it."""
    rich = fmt == Qt.TextFormat.RichText or (
        fmt == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
    )
    return rich and any(tag in text for tag in MARKUP)


def as_seen(text: str, fmt: Qt.TextFormat = Qt.TextFormat.AutoText) -> str:
    """The characters a person reads: rich text rendered, plain text as it is."""
    if fmt == Qt.TextFormat.PlainText or not QtGui.Qt.mightBeRichText(text):
        return text
    doc = QTextDocument()
    doc.setHtml(text)
    return doc.toPlainText()


def item_tips(widget: QWidget) -> list[tuple[str, str, str]]:
    """(where, tooltip, text) of every item of a tree, list or table (an item's text is drawn
    as plain text by Qt's views; its tooltip is not)."""
    found = []
    if isinstance(widget, QTreeWidget):
        stack = [widget.topLevelItem(i) for i in range(widget.topLevelItemCount())]
        while stack:
            item = stack.pop()
            stack += [item.child(i) for i in range(item.childCount())]
            for column in range(widget.columnCount()):
                where = f"row {item.text(0)!r} column {column}"
                found.append((where, item.toolTip(column), item.text(column)))
    elif isinstance(widget, QListWidget):
        for i in range(widget.count()):
            found.append((f"line {i}", widget.item(i).toolTip(), widget.item(i).text()))
    elif isinstance(widget, QTableWidget):
        for row in range(widget.rowCount()):
            for column in range(widget.columnCount()):
                cell = widget.item(row, column)
                if cell is not None:
                    found.append((f"cell {row},{column}", cell.toolTip(), cell.text()))
    return found


def walk(window: QWidget) -> tuple[list[str], str]:
    """Every place of ``window`` that shows the hostile markup as rich text, and all the text
    a person can read in it (labels, tooltips, items, the title), one line each."""
    bad: list[str] = []
    seen: list[str] = [window.windowTitle()]
    for widget in [window, *window.findChildren(QWidget)]:
        name = f"{type(widget).__name__} {widget.objectName()!r}"
        if isinstance(widget, QLabel):
            if shows_markup(widget.text(), widget.textFormat()):
                bad.append(f"{name}: {widget.text()!r}")
            seen.append(as_seen(widget.text(), widget.textFormat()))
        if isinstance(widget, QLineEdit):  # editors hold plain text: what a person reads
            seen.append(widget.text())
        elif isinstance(widget, QPlainTextEdit):
            seen.append(widget.toPlainText())
        if shows_markup(widget.toolTip()):
            bad.append(f"{name} tooltip: {widget.toolTip()!r}")
        seen.append(as_seen(widget.toolTip()))
        for where, tooltip, text in item_tips(widget):
            if shows_markup(tooltip):
                bad.append(f"{name} {where} tooltip: {tooltip!r}")
            seen += [as_seen(tooltip), text]
    return bad, "\n".join(seen)


def test_every_window_shows_markup_as_the_text_it_is(qtbot, make_app, load, server, name, shot):
    sandbox = server.url("/status/200") + "?q=<b>sandbox</b><img%20src=x>"  # it answers 200
    server.switch[name] = 503
    load(
        document(
            group(
                GROUP,
                site(ZERO, server.url(f"/switch/{name}"), priority="critical", down_message=DOWN),
                site(LINK, server.url("/status/200"), down_message=DOWN),
                site(AMP, server.url(f"/switch/{name}"), priority="low"),
            ),
            strikes=1,
            retry_seconds=0,
            sandbox_urls=[sandbox],
        )
    )
    app = make_app()  # its first round opens an outage of two sites
    dashboard = dashboard_shown(qtbot, app)
    bad, seen = walk(dashboard)
    assert bad == []
    for title in (GROUP, ZERO, LINK, AMP):
        assert title in seen
    assert dashboard.status_label.text().startswith(f"{ZERO} and 1 more down")  # plain
    assert ZERO in app.tray.icon.toolTip()  # offscreen: a StatusNotifierItem's plain text
    shot(dashboard, "hostile-dashboard")

    # the site window: the row picked with a click, opened with Return
    tree = dashboard.tree

    def row_of(title):
        top = tree.topLevelItem(0)
        return next(top.child(i) for i in range(top.childCount()) if top.child(i).text(0) == title)

    row = row_of(ZERO)
    tree.scrollToItem(row)
    qtbot.mouseClick(
        tree.viewport(), Qt.MouseButton.LeftButton, pos=tree.visualItemRect(row).center()
    )
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    settled(qtbot, app)
    site_window = next(iter(app.windows.sites.values()))
    qtbot.waitExposed(site_window)
    bad, seen = walk(site_window)
    assert bad == [] and ZERO in seen and DOWN in seen
    assert site_window.windowTitle().startswith(ZERO)
    shot(site_window, "hostile-site")

    # its editor (Ctrl+Return on the dashboard), then Escape
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    editors: list[SiteEditor] = []

    def editor_open() -> bool:
        editors[:] = [w for w in dashboard.findChildren(SiteEditor) if w.isVisible()]
        return bool(editors)

    qtbot.waitUntil(editor_open)
    editor = editors[0]
    bad, seen = walk(editor)
    assert bad == [] and ZERO in editor.windowTitle()
    shot(editor, "hostile-editor")
    editor.close()

    # the outages and the outage in full (Return on its row)
    outages = app.windows.show_outages()
    settled(qtbot, app)
    qtbot.waitExposed(outages)
    bad, seen = walk(outages)
    assert bad == [] and ZERO in seen
    outages.table.setFocus()
    outages.table.setCurrentCell(0, 0)
    qtbot.keyClick(outages.table, Qt.Key.Key_Return)
    settled(qtbot, app)
    outage_window = next(iter(app.windows.outage.values()))
    qtbot.waitExposed(outage_window)
    bad, seen = walk(outage_window)
    assert bad == [] and ZERO in seen and AMP in seen
    shot(outage_window, "hostile-outage")

    # a site deleted from the dashboard: the undo line and the status bar quote its title
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    tree.setCurrentItem(row_of(ZERO))
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_Delete)
    box = next(
        (w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()),
        None,
    )
    if box is not None:  # asked first: the question quotes the title as it is
        bad, seen = walk(box)
        assert bad == [] and ZERO in seen
        box.button(QMessageBox.StandardButton.Yes).click()
    settled(qtbot, app)
    bad, seen = walk(dashboard)
    assert bad == []
    assert ZERO in seen  # the undo line says what was deleted
    shot(dashboard, "hostile-dashboard-undo")

    # Settings (Ctrl+,), its tabs holding the document's sandbox URL and e-mail words
    qtbot.keyClick(tree, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: app.windows.settings is not None and app.windows.settings.isVisible())
    settled(qtbot, app)
    bad, seen = walk(app.windows.settings)
    assert bad == [] and sandbox in seen
    app.windows.settings.close()

    # Report… (Ctrl+R), this month: the group in its list, every title in the page, as written
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    tree.setFocus()
    qtbot.keyClick(tree, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: app.windows.report is not None)
    report = app.windows.report
    qtbot.waitUntil(lambda: QApplication.activeWindow() is report)
    qtbot.keyClick(report.month, Qt.Key.Key_Home)
    qtbot.waitUntil(lambda: not report.reporting.busy, timeout=20000)
    bad, seen = walk(report)
    assert bad == []
    assert report.group.itemText(1) == GROUP
    page = report.preview.document().toPlainText()
    assert all(title in page for title in (GROUP, LINK, AMP)), page[:300]
    shot(report, "hostile-report")


def test_the_one_helper_shows_every_character():
    """What each way of showing makes of hostile text, as Qt renders it."""
    for text in (ZERO, LINK, AMP, "a\nb <b>"):
        assert as_seen(tip(text)) == text
        assert not shows_markup(tip(text))
    assert tip("") == ""
    # a tray's tooltip: plain on a StatusNotifierItem, escaped on XEmbed
    assert tray_tip(ZERO, dbus_tray=True) == ZERO
    assert as_seen(tray_tip(ZERO, dbus_tray=False)) == ZERO
    # a menu item: its & is shown, not a shortcut
    assert menu_text(AMP) == "R&&D <i>x</i> &&amp;"
    # bidi controls and stray control characters can't reorder or break the words
    assert visible("Pay\u202e ok\u0007\nnext") == "Pay\ufffd ok\ufffd\nnext"
    # a notification body, for a server that reads markup: the characters as they are
    assert body_markup(DOWN) == "&lt;b&gt;down&lt;/b&gt; &lt;img src=file:///etc/passwd&gt;"


def test_an_import_refused_quotes_the_files_titles_as_written(qtbot, make_app, tmp_path, shot):
    """The problem box of an import (Ctrl+I, the file chosen in the dialog) quotes the file's
    titles: as the characters written, in the box's text and its informative lines."""
    import json

    from .screen import choose_file, message_box

    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    bad = tmp_path / "<b>bad.json"  # a colleague's file, named as they liked
    sites = [site(ZERO, "http://a.example/"), site(ZERO, "http://b.example/")]
    bad.write_text(json.dumps(document(group(GROUP, *sites))))
    focused = QApplication.focusWidget()
    assert focused is not None and focused.window() is dashboard
    qtbot.keyClick(focused, Qt.Key.Key_I, Qt.KeyboardModifier.ControlModifier)
    choose_file(qtbot, bad)
    busy = app.transfer.busy  # "Importing <b>bad.json…", shown if it takes a while
    bad_places, seen = walk(busy)
    assert bad_places == [] and "Importing <b>bad.json…" in seen
    box = message_box(qtbot, "Import — djamon-desktop")
    bad_places, seen = walk(box)
    assert bad_places == [] and "<b>bad.json" in box.text()
    assert f"'{ZERO}' is already used by groups[0].sites[0]" in seen
    shot(box, "hostile-import-refused")
    box.close()
