"""File > Import… and Export… the way a person uses them: Ctrl+I or Ctrl+E in the dashboard, the
path typed into the file dialog, then what shows (the table, the status line, a summary or a
problem box). The work runs on a worker thread: the UI keeps turning during a large import."""

from __future__ import annotations

import json
import os
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog

from djamon_desktop.store import history, queries

from ..conftest import document, group, site
from .screen import (
    UI_STALL_S,
    UiTicks,
    choose_file,
    click_menu,
    dashboard_shown,
    message_box,
    settled,
    site_rows,
    titles,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
CTRL = Qt.KeyboardModifier.ControlModifier


def press(qtbot, dashboard, key, modifier=Qt.KeyboardModifier.NoModifier):
    """A key press in the dashboard, brought to the front first (as a person clicks it)."""
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    widget = QApplication.focusWidget()
    assert widget is not None and widget.window() is dashboard
    qtbot.keyClick(widget, key, modifier)


def status(dashboard) -> str:
    return dashboard.statusBar().currentMessage()


def test_import_and_export_from_the_file_menu(qtbot, make_app, tmp_path, server):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    good = tmp_path / "in.json"
    good.write_text(json.dumps(document(group("G", site("A", server.url("/"))))))
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, good)
    qtbot.waitUntil(lambda: titles(dashboard) == ["A"])
    assert status(dashboard).startswith("Imported in.json: 1 new group, 0 matched; 1 new site")

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(document(group("G", site("B", "ftp://x/")))))
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, bad)
    box = message_box(qtbot, "Import — djamon-desktop")
    assert box.text() == f"Nothing was imported from {bad}:"
    assert "groups[0].sites[0].url" in box.informativeText()
    assert status(dashboard) == "Import failed."
    assert [s.title for s in queries.list_sites(3)] == ["A"]  # nothing of it stored
    box.close()

    out = tmp_path / "out.json"
    press(qtbot, dashboard, Qt.Key.Key_E, CTRL)
    choose_file(qtbot, out)
    qtbot.waitUntil(lambda: status(dashboard) == f"Exported to {out}.")
    assert json.loads(out.read_text())["groups"][0]["sites"][0]["title"] == "A"


def test_a_djamon_fixture_summary_shows_in_a_box_and_one_status_line(qtbot, make_app, shot):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    dashboard.resize(1100, 600)  # as wide as on a desktop's screen (the test's is 800)
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, FIXTURES / "djamon_variant.json")
    box = message_box(qtbot, "Import — djamon-desktop")
    assert box.text() == (
        "Imported djamon_variant.json, a Djamon fixture: added 2 groups, 3 sites, 6 checks, "
        "2 outages, 3 outage sites."
    )
    lines = box.informativeText().splitlines()
    assert lines[0] == "Fields under other names:"
    assert 'monitor.site: active flag read from "is_active"' in lines
    assert 'monitor.siteview: "day" not read' in lines
    assert lines[-1] == 'monitor.outagesites: start time read from "since"'
    assert len(lines) == 25 and not box.detailedText()  # all of them in view
    assert not box.isModal()
    line = status(dashboard)
    assert "\n" not in line
    assert line == (
        "Imported djamon_variant.json: added 2 groups, 3 sites, 6 checks, 2 outages, "
        "3 outage sites."
    )
    # the whole line is in view beside the overview at the right of the status bar
    overview = dashboard.status_label
    room = dashboard.statusBar().width() - overview.width() - 40
    assert dashboard.statusBar().fontMetrics().horizontalAdvance(line) < room
    qtbot.waitUntil(lambda: not app.reads.busy)  # the picture read after the import
    assert sorted(r["Site"] for r in site_rows(dashboard)) == ["Database", "Printer", "Shop"]
    shot(dashboard, "dashboard-after-import")
    shot(box, "import-summary")
    box.close()


def with_other_apps(path: Path) -> None:
    """The 2013 fixture as ``manage.py dumpdata`` of a whole project writes it: with users,
    content types, sessions and a model of the monitor app this program does not know."""
    objects = json.loads((FIXTURES / "djamon_2013.json").read_text())
    others = [("auth.user", 3), ("auth.group", 1), ("contenttypes.contenttype", 12)]
    others += [("sessions.session", 40), ("admin.logentry", 250), ("monitor.sitecomment", 2)]
    pk = 0
    for model, count in others:
        for _ in range(count):
            pk += 1
            objects.append({"model": model, "pk": pk, "fields": {"name": f"object {pk}"}})
    path.write_text(json.dumps(objects))


def test_what_a_fixture_skipped_shows_whole_in_the_box_and_the_status_line_fits(
    qtbot, make_app, tmp_path, shot
):
    """The objects of other apps used to be said in the status bar alone, cut off there under
    the overview at its right."""
    path = tmp_path / "old-server.json"
    with_other_apps(path)
    app = make_app(start_round=False)
    # no round after the import: its "Round done" would replace the line looked at here
    click_menu(qtbot, app.tray.menu, "Pause monitoring", "Until I resume")
    dashboard = dashboard_shown(qtbot, app)
    dashboard.resize(1100, 600)  # as wide as on a desktop's screen (the test's is 800)
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, path)
    box = message_box(qtbot, "Import — djamon-desktop")
    settled(qtbot, app)  # the picture read after the import shown: now a long overview
    dashboard.show_overview("Shop failing: 2nd failure in a row; " * 20)
    assert box.text() == (
        f"Imported {path.name}, a Djamon fixture: added 2 groups, 3 sites, 6 checks, "
        "2 outages, 3 outage sites."
    )
    assert box.informativeText().splitlines() == [
        "Skipped (objects of other apps or of models this program does not know):",
        "250 admin.logentry",
        "1 auth.group",
        "3 auth.user",
        "12 contenttypes.contenttype",
        "2 monitor.sitecomment",
        "40 sessions.session",
    ]
    line = status(dashboard)
    assert line == (
        f"Imported {path.name}: added 2 groups, 3 sites, 6 checks, 2 outages, 3 outage sites."
    )
    # the line is whole and beside the overview, which gave way for it
    bar = dashboard.statusBar()
    overview = dashboard.status_label
    qtbot.waitUntil(lambda: overview.geometry().width() == overview.sizeHint().width())
    assert overview.text().endswith("…")
    assert bar.fontMetrics().horizontalAdvance(line) + 6 < overview.geometry().left()
    shot(dashboard, "dashboard-after-skipping-import")
    shot(box, "import-skipped")
    box.close()


def test_a_status_line_longer_than_the_room_is_cut_before_the_overview(qtbot, make_app):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    dashboard.show_overview("Shop failing: 2nd failure in a row; " * 20)
    dashboard.show_status("Imported " + "a very long file name " * 40)
    line = status(dashboard)
    assert line.startswith("Imported a very long file name") and line.endswith("…")
    overview = dashboard.status_label
    qtbot.waitUntil(lambda: overview.geometry().width() == overview.sizeHint().width())
    width = dashboard.statusBar().fontMetrics().horizontalAdvance(line)
    assert width + 6 < overview.geometry().left()
    assert overview.geometry().width() >= dashboard.width() // 3 - 20  # the overview stays


def big_fixture(path: Path, checks: int) -> None:
    """A Djamon fixture: one group, ten sites and ``checks`` site views a minute apart."""
    objects = [{"model": "monitor.group", "pk": 1, "fields": {"name": "Archive"}}]
    for n in range(10):
        fields = {"group": 1, "name": f"Site {n}", "address": f"https://s{n}.example/"}
        objects.append({"model": "monitor.site", "pk": n + 1, "fields": fields})
    start = datetime(2013, 1, 1, tzinfo=UTC)
    for n in range(checks):
        when = (start + timedelta(minutes=n // 10)).isoformat().replace("+00:00", "Z")
        fields = {"site": n % 10 + 1, "attempt_time": when, "http_status": 200}
        objects.append(
            {"model": "monitor.siteview", "pk": str(uuid.UUID(int=n + 1)), "fields": fields}
        )
    path.write_text(json.dumps(objects))


def test_the_ui_keeps_turning_during_a_large_import(qtbot, make_app, tmp_path, shot):
    """A 10 ms timer on the UI thread is never held up for long, the busy dialog shows what is
    imported, and the tray menu opens while the import runs on its worker thread."""
    path = tmp_path / "big.json"
    big_fixture(path, 60_000)
    app = make_app(start_round=False)
    # no scheduled round meanwhile: its purge would take the imported 2013 checks away
    click_menu(qtbot, app.tray.menu, "Pause monitoring", "Until I resume")
    dashboard = dashboard_shown(qtbot, app)
    ticks = UiTicks()
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, path)
    started = time.perf_counter()
    ticks.start()
    qtbot.waitUntil(lambda: app.transfer.busy is not None and app.transfer.busy.isVisible())
    busy = app.transfer.busy
    assert isinstance(busy, QProgressDialog) and busy.labelText() == "Importing big.json…"
    assert status(dashboard) == "Importing big.json…"
    shot(busy, "import-progress")
    menu_started = time.perf_counter()
    app.tray.menu.popup(app.tray.menu.pos())
    qtbot.waitUntil(app.tray.menu.isVisible)
    menu_time = time.perf_counter() - menu_started
    app.tray.menu.hide()
    box = message_box(qtbot, "Import — djamon-desktop", timeout=60_000)
    took = time.perf_counter() - started
    ticks.stop()
    assert app.transfer.busy is None  # the busy dialog went with the import
    # and is deleted (deleteLater: when the event loop next turns)
    qtbot.waitUntil(
        lambda: not [w for w in QApplication.topLevelWidgets() if isinstance(w, QProgressDialog)],
        timeout=2000,
    )
    assert box.text().startswith("Imported big.json, a Djamon fixture: added 1 group, 10 sites, ")
    assert "60,000 checks" in box.text() or "60000 checks" in box.text()
    assert history.check_count() == 60_000
    stall = ticks.longest()
    print(f"import took {took:.1f} s; longest UI stall {stall * 1000:.0f} ms")
    assert took > 1, "too small an import to show anything"
    assert stall < UI_STALL_S, f"the UI thread stalled for {stall * 1000:.0f} ms"
    assert menu_time < UI_STALL_S  # while the import runs (over a second), not after it
    box.close()


def test_a_long_list_of_problems_shows_its_first_lines_and_all_under_details(
    qtbot, make_app, tmp_path
):
    path = tmp_path / "numbered.json"
    big_fixture(path, 100)
    objects = json.loads(path.read_text())
    for n, obj in enumerate(objects[11:]):
        obj["pk"] = n + 1  # a site view's pk is a UUID: each of these is refused
    path.write_text(json.dumps(objects))
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, path)
    box = message_box(qtbot, "Import — djamon-desktop")
    lines = box.informativeText().splitlines()
    assert len(lines) == 31 and lines[-1] == "… and 70 more lines."
    assert len(box.detailedText().splitlines()) == 100
    assert "pk: 100 is not a UUID" in box.detailedText()
    assert queries.list_groups() == []
    box.close()


def test_a_named_pipe_is_refused_in_the_problem_box(qtbot, make_app, tmp_path):
    """The import opens no pipe for reading (it would wait for a writer): the box says why."""
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, fifo)
    box = message_box(qtbot, "Import — djamon-desktop")
    assert box.text() == (
        f"Nothing was imported from {fifo}: it is a named pipe (FIFO), not a regular file;"
        " only a file is imported"
    )
    assert status(dashboard) == "Import failed."
    box.close()


def test_export_asks_before_writing_passwords_of_site_urls(qtbot, make_app, tmp_path, server):
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    url = server.url("/").replace("://", "://bob:s3cret@")
    given = tmp_path / "in.json"
    given.write_text(json.dumps(document(group("G", site("A", url)))))
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, given)
    qtbot.waitUntil(lambda: titles(dashboard) == ["A"])

    out = tmp_path / "out.json"
    press(qtbot, dashboard, Qt.Key.Key_E, CTRL)
    choose_file(qtbot, out)
    box = message_box(qtbot, "Export — djamon-desktop")
    assert box.text() == (
        "In out.json, the URLs of 1 site hold a password (user:password@), and the export"
        " holds them as written: keep the file private."
    )
    assert "s3cret" not in box.text() + box.informativeText()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status(dashboard) == "Export cancelled: nothing was written.")
    assert not out.exists()

    press(qtbot, dashboard, Qt.Key.Key_E, CTRL)
    choose_file(qtbot, out)
    box = message_box(qtbot, "Export — djamon-desktop")
    [export] = [b for b in box.buttons() if b.text() == "Export"]
    qtbot.mouseClick(export, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status(dashboard) == f"Exported to {out}.")
    assert json.loads(out.read_text())["groups"][0]["sites"][0]["url"] == url


def test_an_imported_sites_window_shows_the_last_seen_of_sites_json(qtbot, make_app, run):
    """The fixture's ``last_seen`` (with a fraction of a second) as its window says it, and as
    ``sites --json`` does."""
    app = make_app(start_round=False)
    click_menu(qtbot, app.tray.menu, "Pause monitoring", "Until I resume")
    dashboard = dashboard_shown(qtbot, app)
    press(qtbot, dashboard, Qt.Key.Key_I, CTRL)
    choose_file(qtbot, FIXTURES / "djamon_2013.json")
    qtbot.waitUntil(lambda: "Shop" in titles(dashboard))
    settled(qtbot, app)
    tree = dashboard.tree
    shop = next(
        tree.topLevelItem(g).child(c)
        for g in range(tree.topLevelItemCount())
        for c in range(tree.topLevelItem(g).childCount())
        if tree.topLevelItem(g).child(c).text(0) == "Shop"
    )
    tree.setCurrentItem(shop)
    press(qtbot, dashboard, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: any(w.isVisible() for w in app.windows.sites.values()))
    settled(qtbot, app)
    (window,) = app.windows.sites.values()
    assert window.windowTitle() == "Shop — djamon-desktop"
    listed = {s["title"]: s for s in json.loads(run("sites", "--json").out)}
    assert listed["Shop"]["last_seen"] == "2013-06-03T10:14:00+00:00"
    seen = datetime.fromisoformat(listed["Shop"]["last_seen"])
    assert window.labels["Last seen"].text() == seen.astimezone().strftime("%Y-%m-%d %H:%M:%S")
