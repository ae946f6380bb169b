"""The dashboard the way a person uses it: clicks and key presses on the focused widget, then
what is visible. A real loopback server is behind every site."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from djamon_desktop import __version__
from djamon_desktop.gui.windows.colours import contrast, luminance
from djamon_desktop.gui.windows.site_table import COLUMNS
from djamon_desktop.store import queries

from ..conftest import document, group, site
from ..servers import closed_port
from .screen import (
    click_menu,
    dashboard_shown,
    menu_of,
    menu_texts,
    message_box,
    open_menu,
    settled,
    site_rows,
    titles,
)


def item_of(dashboard, title):
    tree = dashboard.tree
    for i in range(tree.topLevelItemCount()):
        group_item = tree.topLevelItem(i)
        if group_item.text(0) == title:
            return group_item
        for j in range(group_item.childCount()):
            if group_item.child(j).text(0) == title:
                return group_item.child(j)
    raise KeyError(title)


def click_row(qtbot, dashboard, title):
    item = item_of(dashboard, title)
    dashboard.tree.scrollToItem(item)
    rect = dashboard.tree.visualItemRect(item)
    qtbot.mouseClick(dashboard.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert dashboard.tree.currentItem() is item
    dashboard.tree.setFocus()


def press(qtbot, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key press on whatever has the keyboard focus, as a person types it."""
    widget = QApplication.focusWidget()
    assert widget is not None
    qtbot.keyClick(widget, key, modifier)


CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def two_sites(load, server):
    load(document(group("G", site("A", server.url("/")), site("B", server.url("/")))))


def test_delete_shows_an_undo_button_that_brings_the_site_back(qtbot, make_app, two_sites, shot):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    shot(dashboard, "dashboard")
    assert not dashboard.undo_button.isVisible()
    assert not dashboard.act_undo.isEnabled()
    click_row(qtbot, dashboard, "A")
    press(qtbot, Qt.Key.Key_Delete)
    assert titles(dashboard) == ["B"]
    assert dashboard.undo_button.isVisible()
    assert dashboard.undo_bar.label.text() == "Site “A” deleted."
    assert dashboard.act_undo.isEnabled() and dashboard.act_undo.text() == "&Undo delete of “A”"
    shot(dashboard, "dashboard-undo")
    qtbot.mouseClick(dashboard.undo_button, Qt.MouseButton.LeftButton)
    assert titles(dashboard) == ["A", "B"]
    assert not dashboard.undo_button.isVisible()
    assert not dashboard.act_undo.isEnabled()
    assert dashboard.statusBar().currentMessage() == "Undone: Site “A” deleted."
    assert len(queries.list_sites(3)) == 2


def test_ctrl_z_undoes_deletes_newest_first(qtbot, make_app, two_sites):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    click_row(qtbot, dashboard, "A")
    press(qtbot, Qt.Key.Key_Delete)
    click_row(qtbot, dashboard, "B")
    press(qtbot, Qt.Key.Key_Delete)
    assert titles(dashboard) == []
    assert dashboard.undo_bar.label.text() == (
        "Site “B” deleted. (1 earlier change can be undone too.)"
    )
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert titles(dashboard) == ["B"]
    assert dashboard.undo_button.isVisible()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    assert titles(dashboard) == ["A", "B"]
    assert not dashboard.undo_button.isVisible()


def test_deactivate_and_a_group_delete_are_undone_by_ctrl_z(qtbot, make_app, two_sites):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    click_row(qtbot, dashboard, "A")
    press(qtbot, Qt.Key.Key_D, CTRL)
    settled(qtbot, app)
    assert site_rows(dashboard)[1]["State"] == "inactive"
    assert dashboard.undo_bar.label.text() == "“A” deactivated."
    assert dashboard.act_undo.text() == "&Undo deactivation of “A”"
    press(qtbot, Qt.Key.Key_Z, CTRL)
    settled(qtbot, app)
    assert [r["State"] for r in site_rows(dashboard)] == ["unknown", "unknown"]
    assert all(s.active for s in queries.list_sites(3))

    press(qtbot, Qt.Key.Key_D, CTRL)

    settled(qtbot, app)
    press(qtbot, Qt.Key.Key_D, CTRL)  # activated again: that is undoable too
    settled(qtbot, app)
    assert dashboard.undo_bar.label.text() == (
        "“A” activated. (1 earlier change can be undone too.)"
    )
    press(qtbot, Qt.Key.Key_Z, CTRL)
    settled(qtbot, app)
    assert site_rows(dashboard)[1]["State"] == "inactive"
    press(qtbot, Qt.Key.Key_Z, CTRL)
    settled(qtbot, app)
    assert all(s.active for s in queries.list_sites(3))
    assert not dashboard.undo_bar.isVisible()

    click_row(qtbot, dashboard, "G")
    press(qtbot, Qt.Key.Key_Delete)
    assert titles(dashboard) == [] and dashboard.tree.topLevelItemCount() == 0
    assert dashboard.undo_bar.label.text() == "Group “G” and its 2 sites deleted."
    assert dashboard.undo_button.isVisible()
    press(qtbot, Qt.Key.Key_Z, CTRL)
    settled(qtbot, app)
    assert titles(dashboard) == ["A", "B"]


def test_a_delete_happens_at_the_deadline_and_on_quit(qtbot, make_app, two_sites, held_timers):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    click_row(qtbot, dashboard, "A")
    press(qtbot, Qt.Key.Key_Delete)
    (deadline,) = held_timers.running()
    assert deadline.started_ms == 8_000  # the Undo is offered for 8 seconds
    assert [s.title for s in queries.list_sites(3)] == ["A", "B"]  # not before the deadline
    deadline.fire()
    assert not dashboard.undo_button.isVisible()
    assert not dashboard.act_undo.isEnabled()
    # the delete itself runs on the reads thread
    qtbot.waitUntil(lambda: [s.title for s in queries.list_sites(3)] == ["B"], timeout=15000)

    click_row(qtbot, dashboard, "B")
    press(qtbot, Qt.Key.Key_Delete)
    assert dashboard.undo_button.isVisible()
    app.quit_windows()  # what Quit does first: nothing the user asked for is lost
    assert queries.list_sites(3) == []


def test_ctrl_comma_opens_settings(qtbot, make_app, two_sites):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    settings = next(a for a in menu_of(dashboard, "&Monitor").actions() if a.text() == "&Settings…")
    assert settings.shortcut().toString() == "Ctrl+,"
    click_row(qtbot, dashboard, "A")
    press(qtbot, Qt.Key.Key_Comma, CTRL)
    assert app.windows.settings is not None and app.windows.settings.isVisible()


def test_failed_checks_never_show_0_ms(qtbot, make_app, load, server):
    load(
        document(
            group(
                "G",
                site("Fine", server.url("/status/200")),
                site("Refused", f"http://127.0.0.1:{closed_port()}/"),
                site("Hung", server.url("/hang")),
                site("Broken", server.url("/status/500")),
            ),
            timeout_seconds=1,
        )
    )
    app = make_app()
    dashboard = dashboard_shown(qtbot, app)
    rows = {r["Site"]: r for r in site_rows(dashboard)}
    response = {title: r["Response"] for title, r in rows.items()}
    # the failure's kind is shown once, in Last answer; Response stays empty for it
    assert rows["Refused"]["Last answer"] == "connection" and response["Refused"] == ""
    assert rows["Hung"]["Last answer"] == "timeout" and response["Hung"] == ""
    assert response["Fine"].endswith(" ms") and response["Broken"].endswith(" ms")
    assert "0 ms" not in response.values()


@pytest.fixture
def sixty(load, server):
    groups = [
        group(
            name,
            *[
                site(f"{name} site {n:02}", server.url(f"/{name.lower()}/{n}"), priority=p)
                for n, p in zip(range(20), ["low", "normal", "high", "critical"] * 5, strict=True)
            ],
        )
        for name in ("Shop", "Office", "Lab")
    ]
    groups[0]["sites"].append(site("Card payments gateway of the web shop EU", server.url("/pay")))
    load(document(*groups))


def test_filter_by_title_group_or_url_ctrl_f_and_escape(qtbot, make_app, sixty):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    assert len(titles(dashboard)) == 61
    click_row(qtbot, dashboard, "Lab site 03")
    press(qtbot, Qt.Key.Key_F, CTRL)
    assert dashboard.filter.hasFocus()
    qtbot.keyClicks(dashboard.filter, "payments")
    assert titles(dashboard) == ["Card payments gateway of the web shop EU"]
    assert dashboard.filter_count.text() == "1 of 61 sites"
    assert dashboard.filter_count.isVisible()

    press(qtbot, Qt.Key.Key_Escape)
    assert dashboard.filter.text() == "" and len(titles(dashboard)) == 61

    qtbot.keyClicks(dashboard.filter, "office")  # a group's name: all its sites
    assert {r["group"] for r in site_rows(dashboard)} == {"Office"}
    assert len(titles(dashboard)) == 20
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.keyClicks(dashboard.filter, "/lab/1")  # part of a URL
    assert sorted(titles(dashboard)) == ["Lab site 01"] + [f"Lab site {n}" for n in range(10, 20)]
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.keyClicks(dashboard.filter, "nothing like this")
    assert titles(dashboard) == [] and dashboard.filter_count.text() == "No site matches"
    press(qtbot, Qt.Key.Key_Escape)
    press(qtbot, Qt.Key.Key_Escape)  # a second Escape leaves the empty box for the table
    assert dashboard.tree.hasFocus()


def test_a_filter_survives_the_next_round(qtbot, make_app, sixty):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    press(qtbot, Qt.Key.Key_F, CTRL)
    qtbot.keyClicks(dashboard.filter, "shop site 1")
    assert len(titles(dashboard)) == 10
    app.refresh()
    assert len(titles(dashboard)) == 10


def test_clicking_a_header_sorts_then_reverses_then_restores(qtbot, make_app, sixty):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    header = dashboard.tree.header()

    def click_header(name):
        column = COLUMNS.index(name)
        x = header.sectionViewportPosition(column) + header.sectionSize(column) // 2
        pos = QPoint(x, header.height() // 2)
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)

    def lab():
        return [r["Site"] for r in site_rows(dashboard) if r["group"] == "Lab"]

    natural = lab()
    assert natural[:2] == ["Lab site 03", "Lab site 07"]  # critical first
    click_header("Site")
    assert lab() == sorted(natural)
    assert header.isSortIndicatorShown()
    click_header("Site")
    assert lab() == sorted(natural, reverse=True)
    groups = [r["group"] for r in site_rows(dashboard)]
    assert list(dict.fromkeys(groups)) == ["Shop", "Office", "Lab"]  # groups keep their order
    click_header("Site")
    assert lab() == natural and not header.isSortIndicatorShown()
    click_header("Priority")
    assert [r["Priority"] for r in site_rows(dashboard) if r["group"] == "Lab"][:5] == [
        "critical"
    ] * 5


def test_long_titles_are_not_cut_while_there_is_room(qtbot, make_app, sixty):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    dashboard.resize(1200, 700)
    qtbot.wait(10)
    long = item_of(dashboard, "Card payments gateway of the web shop EU")
    needed = dashboard.tree.fontMetrics().horizontalAdvance(long.text(0))
    indent = dashboard.tree.indentation()
    assert dashboard.tree.columnWidth(0) >= needed + indent


def dark_palette() -> QPalette:
    palette = QPalette()
    for group_ in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        palette.setColor(group_, QPalette.ColorRole.Window, QColor(45, 45, 45))
        palette.setColor(group_, QPalette.ColorRole.WindowText, QColor(230, 230, 230))
        palette.setColor(group_, QPalette.ColorRole.Base, QColor(30, 30, 30))
        palette.setColor(group_, QPalette.ColorRole.AlternateBase, QColor(50, 50, 50))
        palette.setColor(group_, QPalette.ColorRole.Text, QColor(230, 230, 230))
        palette.setColor(group_, QPalette.ColorRole.Button, QColor(50, 50, 50))
        palette.setColor(group_, QPalette.ColorRole.ButtonText, QColor(230, 230, 230))
    return palette


def is_dark_now(dashboard) -> bool:
    return dashboard.tree.palette().color(QPalette.ColorRole.Base).lightness() < 100


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


@pytest.mark.parametrize("dark", [False, True])
def test_every_cell_is_readable_in_a_light_and_a_dark_palette(
    qtbot, make_app, server, every_state, name, dark
):
    from djamon_desktop.cycle import run_round

    server.switch[name] = 200
    run_round()
    server.switch[name] = 500
    run_round()  # "Normal down" gets its second strike: down; "High warn" its first: warning
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    saved = QApplication.palette()
    try:
        if dark:
            QApplication.setPalette(dark_palette())
            qtbot.waitUntil(lambda: is_dark_now(dashboard))
        rows = site_rows(dashboard)
        states = {r["Site"]: r["State"] for r in rows}
        assert set(states.values()) >= {"up", "warning", "down", "inactive"}
        base = dashboard.tree.palette().color(QPalette.ColorRole.Base)
        assert is_dark_now(dashboard) == dark
        for row in rows:
            assert (luminance(row["background"]) < 0.2) == dark, row["Site"]
            for column, fore in enumerate(row["foregrounds"]):
                ratio = contrast(fore, row["background"])
                assert ratio >= 4.5, (row["Site"], COLUMNS[column], ratio)
        group_item = dashboard.tree.topLevelItem(0)
        assert contrast(group_item.foreground(2).color(), base) >= 4.5
        # the states still differ by colour
        assert len({r["background"].name() for r in rows}) >= 4
    finally:
        QApplication.setPalette(saved)
        qtbot.waitUntil(lambda: not is_dark_now(dashboard))


def test_connectivity_lost_names_the_sandbox_urls_and_leads_to_settings(
    qtbot, make_app, load, server
):
    sandbox = [server.url("/status/503"), f"http://probe:s3cret@127.0.0.1:{closed_port()}/"]
    load(document(group("G", site("A", server.url("/status/200"))), sandbox_urls=sandbox))
    app = make_app()
    dashboard = dashboard_shown(qtbot, app)
    hidden = sandbox[1].replace("s3cret", "***")
    assert dashboard.connectivity_bar.isVisible()
    text = dashboard.connectivity_bar.label.text()
    assert text.startswith("Connectivity lost: no answer from ")  # words, no markup shown
    assert sandbox[0] in text and hidden in text and "s3cret" not in text
    assert sandbox[0] in app.tray.icon.toolTip() and "s3cret" not in app.tray.icon.toolTip()
    assert "Sandbox URLs in Settings…" in menu_texts(open_menu(qtbot, app.tray.menu))
    app.tray.menu.hide()
    title, body, state = app.notifier.last
    assert (title, state) == ("Connectivity lost", "idle")
    assert hidden in body and "s3cret" not in body

    qtbot.mouseClick(dashboard.connectivity_bar.button, Qt.MouseButton.LeftButton)
    settings = app.windows.settings
    assert settings is not None and settings.isVisible()
    assert settings.tabs.currentWidget() is settings.checks_page
    assert settings.focusWidget() is settings.sandbox


def test_help_menu_about(qtbot, make_app, two_sites, db):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    menus = [a.text() for a in dashboard.menuBar().actions()]
    assert menus == ["&File", "&Edit", "&Sites", "&Monitor", "&Help"]
    click_menu(qtbot, menu_of(dashboard, "&Help"), "&About djamon-desktop")
    box = message_box(qtbot, "About — djamon-desktop")
    for part in (__version__, str(db), str(db / "djamon.sqlite3"), str(db / "logs")):
        assert part in box.text()

    box.close()


def test_the_table_has_the_keys_when_the_dashboard_opens(qtbot, make_app, two_sites):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    assert QApplication.focusWidget() is dashboard.tree
    press(qtbot, Qt.Key.Key_Home)  # the group "G"
    press(qtbot, Qt.Key.Key_Down)  # its first site
    press(qtbot, Qt.Key.Key_Delete)
    assert titles(dashboard) == ["B"] and dashboard.undo_button.isVisible()
