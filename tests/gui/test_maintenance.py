"""Maintenance in the app: the tray's rule (never red for a site in maintenance; grey with
until when once everything is), pausing a site from the dashboard's Sites menu, all monitoring
from the tray (stored: the command line sees it), and the editors' windows, by key presses."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from djamon_desktop.gui.windows.editors import GroupEditor, SiteEditor
from djamon_desktop.gui.windows.pause import PauseDialog
from djamon_desktop.store import editing, queries
from djamon_desktop.store.maintenance import global_pause

from ..conftest import Clock, document, group, payments, site
from .screen import click_into, click_menu, menu_of, press, settled, shown, site_rows, type_into
from .test_app import is_state, round_now


def row(dashboard, title: str) -> dict:
    return next(r for r in site_rows(dashboard) if r["Site"] == title)


def select(qtbot, dashboard, title: str) -> None:
    """Click the site's row, as a person picks it."""
    tree = dashboard.tree
    for i in range(tree.topLevelItemCount()):
        group_item = tree.topLevelItem(i)
        for j in range(group_item.childCount()):
            item = group_item.child(j)
            if item.text(0) == title:
                rect = tree.visualItemRect(item)
                qtbot.mouseClick(tree.viewport(), Qt.LeftButton, pos=rect.center())
                assert tree.currentItem() is item
                return
    raise AssertionError(title)


def back_to(qtbot, window) -> None:
    """The person clicks the window: it is active again, its table has the keys."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.mouseClick(window.tree.viewport(), Qt.LeftButton)
    qtbot.waitUntil(window.tree.hasFocus)


def test_a_paused_site_in_an_open_outage_never_turns_the_tray_red(
    qtbot, make_app, load, server, name, run_process
):
    server.switch[name] = 500
    load(payments(server, name, strikes=1, blog=False))
    app = make_app()
    assert is_state(app, "down")
    outage = queries.find_outage("current")

    assert run_process("pause", "Production/Payments").code == 0  # another process
    qtbot.waitUntil(lambda: is_state(app, "idle"), timeout=6000)  # seen by the app's watch
    tip = app.tray.icon.toolTip()
    assert f"Maintenance: Payments until resumed (outage {outage.code} stays open)" in tip

    round_now(qtbot, app)  # nothing is checked: the outage stays open, the tray grey
    assert is_state(app, "idle")
    assert queries.find_outage("current").id == outage.id

    server.switch[name] = 200
    assert run_process("resume", "Production/Payments").code == 0
    round_now(qtbot, app)
    assert is_state(app, "up") and queries.find_outage("current") is None


def test_pause_and_resume_a_site_from_the_dashboard_menu(qtbot, make_app, load, server, name):
    server.switch[name] = 500
    load(payments(server, name, strikes=3))
    app = make_app()
    assert is_state(app, "warning")
    app.windows.show_dashboard()
    settled(qtbot, app)
    dashboard = app.windows.dashboard
    qtbot.waitExposed(dashboard)
    select(qtbot, dashboard, "Payments")
    sites_menu = menu_of(dashboard, "&Sites")
    resume = next(a for a in sites_menu.actions() if a.text() == "&Resume site")
    assert not resume.isEnabled()

    click_menu(qtbot, sites_menu, "&Pause site…")
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), PauseDialog))
    dialog = QApplication.activeModalWidget()
    assert dialog.windowTitle() == "Pause Payments — djamon-desktop"
    qtbot.waitUntil(lambda: dialog.isAncestorOf(QApplication.focusWidget()))  # the minutes
    QTest.keyClick(QApplication.focusWidget(), Qt.Key_A, Qt.ControlModifier)
    QTest.keyClicks(QApplication.focusWidget(), "30")
    press(Qt.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    settled(qtbot, app)

    assert row(dashboard, "Payments")["State"] == "maintenance"
    assert row(dashboard, "Payments")["Failures"] == "1st failure in a row"  # strikes kept
    assert is_state(app, "up")  # Blog decides; Payments in maintenance is not amber
    assert "maintenance: Payments until " in app.tray.icon.toolTip()
    info = next(s for s in queries.list_sites(3) if s.title == "Payments")
    assert info.paused and info.quiet_until is not None
    assert 29 * 60 <= (info.quiet_until - app.clock()).total_seconds() <= 30 * 60
    round_now(qtbot, app)
    assert next(s for s in queries.list_sites(3) if s.title == "Payments").down_count == 1

    back_to(qtbot, dashboard)
    select(qtbot, dashboard, "Payments")
    press(Qt.Key_Return)  # the site's window
    qtbot.waitUntil(lambda: info.site_id in app.windows.sites)
    state = app.windows.sites[info.site_id].labels["State"].text()
    assert state.startswith("maintenance, 1st failure in a row, until ")
    back_to(qtbot, dashboard)
    select(qtbot, dashboard, "Payments")
    assert resume.isEnabled()
    click_menu(qtbot, sites_menu, "&Resume site")
    settled(qtbot, app)
    assert row(dashboard, "Payments")["State"] == "warning"
    assert is_state(app, "warning")


def test_the_trays_pause_is_stored_so_the_command_line_sees_it(
    qtbot, make_app, load, server, run_process
):
    load(document(group("G", site("A", server.url("/status/200")))))
    app = make_app()
    click_menu(qtbot, app.tray.menu, "Pause monitoring", "Until I resume")
    settled(qtbot, app)
    assert global_pause() is not None and global_pause().until is None
    assert run_process("sites", "--json").json()[0]["state"] == "maintenance"
    assert run_process("resume").out == "Resumed all monitoring.\n"  # the command line's
    qtbot.waitUntil(lambda: is_state(app, "up"), timeout=6000)
    click_menu(qtbot, app.tray.menu, "Pause monitoring", "For 1 hour")
    settled(qtbot, app)
    assert global_pause().until is not None
    click_menu(qtbot, app.tray.menu, "Resume monitoring")
    settled(qtbot, app)
    assert global_pause() is None and is_state(app, "up")


def test_the_site_editor_adds_a_window_and_says_what_is_wrong_with_a_line(qtbot, db, server):
    def save(group_title, fields):
        editing.save_site(group_title, fields)

    editor = shown(qtbot, SiteEditor([], save))
    type_into(qtbot, editor.title, "Payments")
    type_into(qtbot, editor.url, server.url("/status/200"))
    windows = editor.maintenance
    type_into(qtbot, windows.line, "0 2 * *")
    qtbot.mouseClick(windows.add_button, Qt.LeftButton)
    assert windows.error.isVisible() and "has 4 fields" in windows.error.text()
    assert windows.list.count() == 0
    type_into(qtbot, windows.line, "0 2 * * 0", clear=True)
    assert not windows.error.isVisible()
    type_into(qtbot, windows.minutes, "90", clear=True)
    qtbot.mouseClick(windows.add_button, Qt.LeftButton)
    assert [windows.list.item(i).text() for i in range(windows.list.count())] == [
        "0 2 * * 0 — 90 minutes"
    ]
    type_into(qtbot, windows.line, "30 23 * * *")  # typed, not added: saved with the rest
    press(Qt.Key_S, Qt.ControlModifier)
    assert not editor.isVisible()
    [info] = queries.list_sites(3)
    assert [(w.schedule, w.minutes) for w in info.maintenance] == [
        ("0 2 * * 0", 90),
        ("30 23 * * *", 90),
    ]

    again = shown(qtbot, SiteEditor(queries.list_groups(), lambda g, f: None, info))
    assert again.maintenance.list.count() == 2
    click_into(qtbot, again.maintenance.list)
    press(Qt.Key_Home)
    press(Qt.Key_Delete)
    assert again.maintenance.windows() == [{"schedule": "30 23 * * *", "minutes": 90}]


def test_the_group_editor_shows_a_bad_window_beside_the_field_and_stores_nothing(
    qtbot, db, run, tmp_path
):
    group_id = editing.save_group("Production")

    def save(title, maintenance):
        editing.save_group(title, group_id, maintenance)

    editor = shown(qtbot, GroupEditor(save, "Production"))
    type_into(qtbot, editor.maintenance.line, "0 25 * * 0")
    press(Qt.Key_S, Qt.ControlModifier)
    assert editor.isVisible()
    error = editor.errors.labels["maintenance"]
    assert error.isVisible() and "'0 25 * * 0'" in error.text()
    assert queries.list_groups()[0].maintenance == ()

    type_into(qtbot, editor.maintenance.line, "0 2 * * 0", clear=True)
    press(Qt.Key_Return)  # the dialog's Save
    assert not editor.isVisible()
    exported = json.loads(run("export").out)
    assert exported["groups"][0]["maintenance"] == [{"schedule": "0 2 * * 0", "minutes": 60}]


def test_a_pause_that_runs_out_is_shown_over_when_it_ends_not_at_the_next_round(
    qtbot, make_app, load, server, held_timers
):
    """``pause --minutes N`` from a terminal: the tray and the dashboard say paused until then,
    and stop saying it when the time comes, though no round runs for minutes yet. The App's
    clock and its pause-end timer are the test's: the time comes when the test says."""
    from datetime import UTC, datetime, timedelta

    from djamon_desktop.store.maintenance import pause_everything

    load(document(group("G", site("A", server.url("/status/200")))))
    # 20 s before a whole minute, when the next round is due: the pause ends 10 s before it
    clock = Clock(datetime(2031, 5, 6, 7, 8, 40, tzinfo=UTC))
    app = make_app(clock=clock)
    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    pause_everything(clock() + timedelta(seconds=10))  # as the command line stores it
    app.refresh()  # (as the watch asks when another process wrote)
    qtbot.waitUntil(lambda: "Monitoring paused until" in app.tray.icon.toolTip())
    assert is_state(app, "idle")
    rounds: list = []
    app.poller.round_started.connect(lambda: rounds.append(1))
    (ends,) = held_timers.running()
    assert ends.started_ms == 10_100  # at the pause's end (and a moment more)
    clock.now += timedelta(seconds=10, milliseconds=100)
    ends.fire()
    qtbot.waitUntil(lambda: "paused" not in app.tray.icon.toolTip())
    settled(qtbot, app)
    assert (
        is_state(app, "up")
        and app.tray.icon.toolTip() == "djamon-desktop: A is up (the only active site)"
    )
    assert "paused" not in dashboard.status_label.toolTip()
    assert rounds == []  # shown by the time itself, not by a round
    assert global_pause() is None  # and no longer stored either
