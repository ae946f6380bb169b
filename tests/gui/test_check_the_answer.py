"""The site editor's "Check the answer" part and its Try it, the site window's detail of a
failed check, and the tray's words for sites a round could not start: used the way a person
does (keys typed into the fields, Alt+T, Ctrl+S), against a real loopback server.

Set DJAMON_SHOTS to a folder to have the tests save screenshots of what they looked at."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from djamon_desktop.core.expect import Expect, from_stored
from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.core.rounds import SiteOutcome
from djamon_desktop.core.states import State
from djamon_desktop.cycle import CycleReport
from djamon_desktop.gui.windows.editors import SiteEditor
from djamon_desktop.gui.windows.expect_fields import TRYING, from_fields, json_value
from djamon_desktop.gui.windows.site import SiteWindow
from djamon_desktop.store import editing, queries
from djamon_desktop.store.models import Site

from ..conftest import document, group, site
from .screen import UI_STALL_S, UiTicks, click_into, press, settled, shown, type_into

WAIT_MS = 15000  # a try's answer on a loaded machine (the check's own deadline is 5 s)


def editor_for(qtbot, url: str, saved: list | None = None, **checks) -> SiteEditor:
    def save(group_title, fields):
        editing.save_site(group_title, fields)
        if saved is not None:
            saved.append(fields)

    editor = shown(qtbot, SiteEditor([], save, **checks))
    type_into(qtbot, editor.title, "Health")
    type_into(qtbot, editor.url, url)
    return editor


def alt_t(qtbot, editor: SiteEditor) -> None:
    """Alt+T, as typed; a mnemonic clicks its button as a shown click (after ~100 ms): waited
    for."""
    with qtbot.waitSignal(editor.expect.try_button.clicked, timeout=5000):
        QTest.keyClick(QApplication.focusWidget() or editor, Qt.Key_T, Qt.AltModifier)


def answer_of(qtbot, editor: SiteEditor) -> str:
    qtbot.waitUntil(lambda: editor.expect.answer.text() not in ("", TRYING), timeout=WAIT_MS)
    return editor.expect.answer.text()


# -- the fields as typed ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [('"ok"', "ok"), ("ok", "ok"), ("true", True), ("3", 3), ("null", None), ('"3"', "3")],
)
def test_a_json_value_is_taken_as_json_and_a_bare_word_as_text(typed, value):
    assert json_value(typed) == (value, None)


def test_what_looks_like_json_but_is_not_is_a_problem():
    for typed in ('"ok', '{"a": 1', "[1, 2"):
        equals, problem = json_value(typed)
        assert problem is not None and problem.startswith("is not JSON ("), typed
    out, found = from_fields("", "", "status.db", '{"a": 1', "", "")
    assert [place for place, _ in found] == ["expect.json.equals"]
    assert out == {"json": {"path": "status.db"}}  # (expect_problems: equals is missing)


def test_empty_fields_expect_nothing_and_zero_ms_is_off():
    assert from_fields("", "", "", "", "0", "") == ({}, [])
    assert from_fields("OK", "", "", "", "1,500", "200, 204") == (
        {"text": "OK", "max_ms": 1500, "codes": [200, 204]},
        [],
    )


# -- Try it ----------------------------------------------------------------------------------


def test_alt_t_tries_the_url_once_and_says_up_with_the_code_and_time(qtbot, db, server, name):
    """The button shows it is trying and takes no second click; the answer comes from a real
    check of the server (one request), on another thread: the window keeps answering."""
    url = server.url(f"/slow/1500?try={name}")
    editor = editor_for(qtbot, url)
    ticks = UiTicks()
    ticks.start()
    alt_t(qtbot, editor)
    button = editor.expect.try_button
    assert not button.isEnabled() and button.text() == TRYING
    assert editor.expect.answer.text() == TRYING
    qtbot.mouseClick(button, Qt.LeftButton)  # disabled: nothing queued
    QTest.keyClick(QApplication.focusWidget(), Qt.Key_T, Qt.AltModifier)
    qtbot.wait(300)
    editor.try_it()  # nor a call while one runs
    answer = answer_of(qtbot, editor)
    ticks.stop()
    assert answer.startswith("Up: 200 in ") and answer.endswith(" ms"), answer
    assert ticks.longest() < UI_STALL_S  # the 1.5 s answer was waited for elsewhere
    assert button.isEnabled() and button.text() == "&Try it"
    assert [s.target for s in server.seen].count(f"/slow/1500?try={name}") == 1


def test_try_it_uses_the_codes_as_typed_not_yet_saved(qtbot, db, server, shot):
    editor = editor_for(qtbot, server.url("/status/503"), good_codes=(200, 301))
    qtbot.mouseClick(editor.expect.try_button, Qt.LeftButton)
    answer = answer_of(qtbot, editor)
    assert answer.startswith("Down: 503 in ") and answer.endswith("(good codes: 200, 301)")
    type_into(qtbot, editor.expect.codes, "200, 503")
    alt_t(qtbot, editor)
    assert answer_of(qtbot, editor).startswith("Up: 503 in ")
    shot(editor, "editor-try-it-up")
    assert queries.list_sites(3) == []  # tried, not saved


def test_try_it_says_a_refused_connection_in_words(qtbot, db):
    from ..servers import closed_port

    editor = editor_for(qtbot, f"http://127.0.0.1:{closed_port()}/")
    alt_t(qtbot, editor)
    assert answer_of(qtbot, editor).startswith("connection")


def test_try_it_shows_what_the_body_lacked(qtbot, db, server, shot):
    editor = editor_for(qtbot, server.url("/status/200"))
    type_into(qtbot, editor.expect.text, "OK")
    alt_t(qtbot, editor)
    answer = answer_of(qtbot, editor)
    shot(editor, "editor-try-it-content")
    assert answer.startswith("content: body lacks 'OK'"), answer


def test_try_it_with_a_bad_condition_tries_nothing_and_says_where(qtbot, db, server, name):
    editor = editor_for(qtbot, server.url(f"/status/200?bad={name}"))
    type_into(qtbot, editor.expect.json_path, "status..db")
    type_into(qtbot, editor.expect.json_value, "ok")
    alt_t(qtbot, editor)
    error = editor.errors.labels["expect.json.path"]
    assert error.isVisible() and "empty segment" in error.text()
    assert editor.expect.answer.text() == "Not tried: fix the problems shown above first."
    assert editor.expect.try_button.isEnabled()
    assert not any(s.target.endswith(name) for s in server.seen)


# -- saving ----------------------------------------------------------------------------------


def test_a_bad_path_shows_under_its_field_and_save_is_refused_until_fixed(qtbot, db, server, shot):
    saved: list = []
    editor = editor_for(qtbot, server.url("/status/200"), saved, timeout=5)
    type_into(qtbot, editor.expect.text, "All good")
    type_into(qtbot, editor.expect.json_path, "status..db")
    type_into(qtbot, editor.expect.json_value, '"ok"')
    type_into(qtbot, editor.expect.max_ms, "9000")
    press(Qt.Key_S, Qt.ControlModifier)
    path_error = editor.errors.labels["expect.json.path"]
    ms_error = editor.errors.labels["expect.max_ms"]
    assert path_error.isVisible() and "'status..db' has an empty segment" in path_error.text()
    assert ms_error.isVisible() and "9000 is outside 1-5000" in ms_error.text()
    assert path_error.textFormat() == Qt.TextFormat.PlainText
    assert editor.isVisible() and saved == [] and queries.list_sites(3) == []
    shot(editor, "editor-check-the-answer-refused")

    click_into(qtbot, editor.expect.json_path)
    press(Qt.Key_End)
    for _ in range(len("..db")):
        press(Qt.Key_Backspace)
    assert not path_error.isVisible()  # changed: its error goes at once
    type_into(qtbot, editor.expect.json_path, ".db")
    type_into(qtbot, editor.expect.max_ms, "800", clear=True)
    press(Qt.Key_S, Qt.ControlModifier)
    assert not editor.isVisible() and len(saved) == 1

    [info] = queries.list_sites(3)
    stored = from_stored(Site.get_by_id(info.site_id).expect)
    assert stored == Expect(
        text="All good", json_path=("status", "db"), json_equals="ok", max_ms=800
    )

    # opened again, the fields hold what was saved; emptied, nothing is expected any more
    again = shown(
        qtbot,
        SiteEditor(
            queries.list_groups(), _resave(info.site_id), dataclasses.replace(info, expect=stored)
        ),
    )
    assert again.expect.text.text() == "All good"
    assert again.expect.json_path.text() == "status.db"
    assert again.expect.json_value.text() == '"ok"'
    assert again.expect.max_ms.text() == "800"
    shot(again, "editor-check-the-answer")
    for field in (again.expect.text, again.expect.json_path, again.expect.json_value):
        type_into(qtbot, field, "", clear=True)
    type_into(qtbot, again.expect.max_ms, "0", clear=True)
    press(Qt.Key_S, Qt.ControlModifier)
    assert not again.isVisible()
    assert Site.get_by_id(info.site_id).expect is None


def _resave(site_id: int):
    def save(group_title, fields):
        editing.save_site(group_title, fields, site_id)

    return save


def test_saving_stores_expect_and_refuses_a_bad_one_naming_its_place(database_target, data_dir):
    """On both engines: what the editor hands the store (an ``expect`` value) is kept as the
    import would keep it; a bad one is refused with its place, and nothing is written."""
    from djamon_desktop.core.problems import DocumentRefused
    from djamon_desktop.paths import ensure_data_dir
    from djamon_desktop.store.database import close_database, open_database

    ensure_data_dir(data_dir)
    open_database(database_target)
    try:
        with pytest.raises(DocumentRefused) as refused:
            editing.save_site("G", {"title": "A", "url": "http://x/", "expect": {"max_ms": 0}})
        assert refused.value.problems == [
            "expect.max_ms: 0 is outside 1-5000 (milliseconds, at most the timeout)"
        ]
        assert queries.list_sites(3) == []
        value = {"json": {"path": "items.0.ok", "equals": True}, "codes": [200, 204]}
        site_id = editing.save_site("G", {"title": "A", "url": "http://x/", "expect": value})
        assert from_stored(Site.get_by_id(site_id).expect).to_json() == value
        editing.save_site("G", {"expect": {}}, site_id)
        assert Site.get_by_id(site_id).expect is None
    finally:
        close_database()


# -- the site window -------------------------------------------------------------------------


@dataclasses.dataclass
class Checked:
    """A check as the reader hands it (its ``detail`` once the history rows carry it)."""

    time: datetime
    status_code: int | None
    error: str | None
    elapsed_ms: float
    detail: str | None = None


def test_the_site_window_shows_what_a_failed_check_saw(qtbot, db, server, shot):
    editing.save_site(
        "G", {"title": "Health", "url": server.url("/"), "expect": {"text": "OK", "max_ms": 900}}
    )
    [info] = queries.list_sites(3)
    info = dataclasses.replace(info, expect=Expect(text="OK", max_ms=900))
    now = datetime.now(UTC)
    lacks = "body lacks 'OK' (1,204 bytes read) <b>not bold</b>"  # data: never markup
    checks = [
        Checked(now, 200, "content", 41.0, lacks),
        Checked(now, 200, None, 12.0, "ignored: the check was good"),
        Checked(now, None, "timeout", 5000.0),
    ]
    window = shown(qtbot, SiteWindow(info.site_id))
    window.show_site(info, checks)
    cells = [[window.table.item(r, c).text() for c in range(4)] for r in range(3)]
    assert [row[1] for row in cells] == ["content", "200", "timeout"]
    assert [row[3] for row in cells] == [lacks, "", ""]
    assert window.labels["Answer must"].text() == "contains 'OK'; within 900 ms"
    shot(window, "site-window-detail")


# -- the tray when the machine was too busy ----------------------------------------------------


def test_the_tray_and_dashboard_say_how_many_sites_were_not_checked(qtbot, make_app, load, server):
    load(document(group("G", site("A", server.url("/status/200")), site("B", server.url("/")))))
    app = make_app()
    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    sites = app.picture.sites
    busy = ProbeResult(None, "busy", 0.0, "this machine could not start the check in time")
    now = datetime.now(UTC)
    report = CycleReport(
        started_at=now,
        finished_at=now,
        connectivity=True,
        outcomes=[SiteOutcome(s, busy, False, 0, State.UP) for s in sites],
    )
    app.poller.round_finished.emit(report, [])  # as the round's thread hands it over
    settled(qtbot, app)
    words = "2 sites not checked (this machine was too busy)"
    assert f"djamon-desktop: All 2 sites up; {words}" in app.tray.icon.toolTip()
    assert words in dashboard.status_line.label.toolTip()

    with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
        app.check_now()
    settled(qtbot, app)
    assert "djamon-desktop: All 2 sites up" in app.tray.icon.toolTip()
    assert "not checked" not in app.tray.icon.toolTip()  # the next round started them all
