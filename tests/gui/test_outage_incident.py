"""Working an outage from its window, the way a person does: a click on Acknowledge, a note
typed and Ctrl+Return, a take-over confirmed in its box; then what the window shows from the
reads thread's next picture, and what the database holds. Others' names and notes are data.

Set DJAMON_SHOTS to a folder to have the tests save screenshots of what they looked at."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from djamon_desktop.core.states import State
from djamon_desktop.cycle import run_round
from djamon_desktop.gui.registry import WindowRegistry
from djamon_desktop.gui.windows.incident_panel import on_it_words
from djamon_desktop.gui.windows.outage import OutageWindow
from djamon_desktop.picture import Reading, Wants
from djamon_desktop.store import incidents, queries, timeline
from djamon_desktop.store.queries import SiteFailure, VantageState

from ..conftest import payments
from .screen import click_into, press, settled, shown, type_into

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def outage(load, server, name, db):
    """An open outage of Payments, opened after three failed checks (strikes 3)."""
    load(payments(server, name, strikes=3))
    server.switch[name] = 500
    for minute in range(3):
        run_round(clock=lambda minute=minute: START + timedelta(minutes=minute))
    found = queries.find_outage("current")
    assert found is not None
    return found


@pytest.fixture
def alice(monkeypatch):
    monkeypatch.setenv("DJAMON_USER", "alice")
    return "alice"


def _now() -> datetime:
    return datetime.now(UTC)


def lines(window: OutageWindow) -> list[str]:
    return [window.timeline.item(n).text() for n in range(window.timeline.count())]


def test_acknowledge_note_take_over_and_unacknowledge(qtbot, make_app, outage, alice, shot):
    app = make_app(start_round=False)
    assert app.person == "alice"
    window = app.windows.show_outage(outage.id)
    settled(qtbot, app)
    qtbot.waitExposed(window)
    panel = window.incident
    assert panel.on_it.text() == "Nobody is on it yet"
    assert panel.ack_button.text() == "&Acknowledge" and panel.ack_button.isVisible()

    # Acknowledge: stored as alice's, shown from the next picture
    qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
    settled(qtbot, app)
    stored = queries.find_outage(str(outage.id))
    assert stored.acknowledged_by == "alice"
    assert panel.on_it.text() == "On it: alice · under a minute"
    assert panel.ack_button.text() == "&Unacknowledge"
    assert lines(window)[-1].endswith("  alice is on it")

    # a note, typed and Ctrl+Return
    type_into(qtbot, panel.note_field, "Restarted the payment pool")
    press(Qt.Key_Return, Qt.ControlModifier)
    settled(qtbot, app)
    notes = timeline.notes_of(timeline.events_of(outage.id))
    assert [(n.by, n.text) for n in notes] == [("alice", "Restarted the payment pool")]
    assert panel.note_field.text() == ""
    assert lines(window)[-1].endswith("  Note by alice: Restarted the payment pool")

    # bob's note, from another desktop: markup in it is text
    incidents.add_note(outage.id, "bob <i>ops</i>", "<b>x</b>", _now())
    app.refresh()
    settled(qtbot, app)
    assert lines(window)[-1].endswith("  Note by bob <i>ops</i>: <b>x</b>")

    # bob takes it over elsewhere: the window offers Take over, confirmed in a box naming him
    incidents.acknowledge(outage.id, "bob", _now(), take_over=True)
    app.refresh()
    settled(qtbot, app)
    assert panel.on_it.text() == "On it: bob · under a minute"
    assert panel.ack_button.text() == "Take &over…"
    shot(window, "outage-acknowledged-with-notes")
    qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
    box = panel.take_over_question
    assert box is not None and box.isVisible()
    assert box.text() == f"bob is on outage {outage.code}. Take it over?"
    cancel = next(b for b in box.buttons() if b.text() == "Cancel")
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    settled(qtbot, app)
    assert queries.find_outage(str(outage.id)).acknowledged_by == "bob"  # nothing changed

    qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
    box = panel.take_over_question
    take = next(b for b in box.buttons() if b.text() == "Take over")
    qtbot.mouseClick(take, Qt.MouseButton.LeftButton)
    settled(qtbot, app)
    assert queries.find_outage(str(outage.id)).acknowledged_by == "alice"
    assert panel.ack_button.text() == "&Unacknowledge"
    words = [line.split("  ", 1)[1] for line in lines(window)]
    assert words[-2:] == ["bob took it over from alice", "alice took it over from bob"]

    # Unacknowledge, by its key (Alt+U): nobody is on it
    window.activateWindow()  # (the take-over box had the focus)
    qtbot.waitUntil(window.isActiveWindow)
    click_into(qtbot, panel.note_field)
    with qtbot.waitSignal(panel.unacknowledge):  # (a button's key clicks it 100 ms later)
        press(Qt.Key_U, Qt.AltModifier)
    settled(qtbot, app)
    assert queries.find_outage(str(outage.id)).acknowledged_by is None
    assert panel.on_it.text() == "Nobody is on it yet"
    assert lines(window)[-1].endswith("  alice took the acknowledgement back: nobody is on it")


def test_refusals_show_under_the_note_field_and_change_nothing(
    qtbot, make_app, outage, alice, server, name
):
    app = make_app(start_round=False)
    window = app.windows.show_outage(outage.id)
    settled(qtbot, app)
    qtbot.waitExposed(window)
    panel = window.incident
    # bob acknowledged it meanwhile; this window still offers Acknowledge
    incidents.acknowledge(outage.id, "bob", _now())
    assert panel.ack_button.text() == "&Acknowledge"
    qtbot.mouseClick(panel.ack_button, Qt.MouseButton.LeftButton)
    settled(qtbot, app)
    assert panel.problem.isVisible()
    assert f"outage {outage.code} is acknowledged by bob" in panel.problem.text()
    assert queries.find_outage(str(outage.id)).acknowledged_by == "bob"
    assert panel.ack_button.text() == "Take &over…"  # the picture read after it

    # a pasted bidirectional override: said here, nothing sent
    type_into(qtbot, panel.note_field, "see ")
    QApplication.clipboard().setText("\u202eevil")
    press(Qt.Key_V, Qt.ControlModifier)
    press(Qt.Key_Return, Qt.ControlModifier)
    settled(qtbot, app)
    assert panel.problem.text().startswith(
        "Not added: the note holds a bidirectional control (U+202E) at character 5"
    )
    assert timeline.notes_of(timeline.events_of(outage.id)) == []
    assert panel.note_field.text() == "see \u202eevil"  # kept, to be mended

    # once the outage is over: no acknowledging, notes still
    server.switch[name] = 200
    run_round()
    app.refresh()
    settled(qtbot, app)
    assert panel.ack_button.isHidden()
    assert panel.on_it.text() == "Was on it: bob"
    type_into(qtbot, panel.note_field, "Post-mortem on Monday", clear=True)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    settled(qtbot, app)
    notes = timeline.notes_of(timeline.events_of(outage.id))
    assert [(n.by, n.text) for n in notes] == [("alice", "Post-mortem on Monday")]
    assert not panel.problem.isVisible()


def test_why_counts_failed_checks_and_team_says_down_from(qtbot, outage, shot):
    failures = queries.outage_failures(outage.id)
    window = OutageWindow(outage.id, me="alice")
    payments_id = outage.sites[0].site_id
    window.show_outage(outage, [], failures, down_from={payments_id: "down from 2 of 3 desktops"})
    shown(qtbot, window)
    text = window.sites.item(0).text()
    assert text.splitlines()[1] == "Down from 2 of 3 desktops"
    # the words come from the count outage_failures gives (every failed check that led here)
    assert f"{failures[0].failed_checks} failed check" in text
    one = replace(failures[0], failed_checks=3)
    window.show_outage(outage, [], [one])
    assert "; 3 failed checks)" in window.sites.item(0).text()
    assert "Down from" not in window.sites.item(0).text()  # none given: a desktop alone

    # the registry's words from the picture's vantage states: a team of three desktops
    picture = Reading(lambda: START + timedelta(minutes=3)).read(Wants())
    seen = START + timedelta(minutes=2)
    states = {
        "alice": VantageState(State.DOWN, 3, seen, seen),
        "bob": VantageState(State.DOWN, 4, seen, seen),
        "carol": VantageState(State.UP, 0, seen, seen),
    }
    picture = replace(picture, vantage_states={payments_id: states})
    assert WindowRegistry._down_from(picture, outage) == {payments_id: "down from 2 of 3 desktops"}
    alone = replace(picture, vantage_states={payments_id: {"alice": states["alice"]}})
    assert WindowRegistry._down_from(alone, outage) == {}


def test_on_it_words():
    at = START
    assert on_it_words("alice", at, at + timedelta(seconds=59), True) == (
        "On it: alice · under a minute"
    )
    assert on_it_words("alice", at, at + timedelta(minutes=4, seconds=50), True) == (
        "On it: alice · 4 minutes"
    )
    assert on_it_words("alice", at, at + timedelta(minutes=63), True) == (
        "On it: alice · 1 hour 3 minutes"
    )
    assert on_it_words(None, None, at, True) == "Nobody is on it yet"
    assert on_it_words("alice", at, at, False) == "Was on it: alice"
    assert on_it_words(None, None, at, False) == "Nobody acknowledged it"


def test_the_window_counts_up_how_long_someone_is_on_it(qtbot, outage):
    from ..conftest import Clock

    clock = Clock(START + timedelta(minutes=10))
    incidents.acknowledge(outage.id, "bob", START + timedelta(minutes=5))
    window = OutageWindow(outage.id, clock=clock, me="alice")
    window.show_outage(queries.find_outage(str(outage.id)), [], [])
    shown(qtbot, window)
    assert window.incident.on_it.text() == "On it: bob · 5 minutes"
    clock.now += timedelta(minutes=2)
    qtbot.waitUntil(lambda: window.incident.on_it.text() == "On it: bob · 7 minutes", timeout=2500)


def test_a_failure_line_without_site(qtbot, outage):
    """A failure whose site can't be matched (renamed since) still shows, without team words."""
    f = SiteFailure("Gone", False, START, None, 500, None, START, 2)
    window = OutageWindow(outage.id)
    window.show_outage(outage, [], [f], down_from={outage.sites[0].site_id: "down from 1 of 2"})
    assert window.sites.item(0).text().startswith("Gone (since ")
    assert "down from" not in window.sites.item(0).text().lower()


def test_a_failure_that_read_the_answer_says_what_it_lacked(qtbot, outage):
    """Why a content or slow failure failed is its detail, the server's words kept as data."""
    lacked = "body lacks '<b>OK</b>' (1,204 bytes read)"
    f = SiteFailure("Health", True, START, "http://h/", 200, "content", START, 3, lacked)
    window = OutageWindow(outage.id)
    window.show_outage(outage, [], [f])
    text = window.sites.item(0).text()
    assert f"Why: content: {lacked} (last failed check " in text
    assert "3 failed checks" in text
