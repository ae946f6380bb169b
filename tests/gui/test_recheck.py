"""Recheck on one desktop (SQLite): the app running here answers ``recheck SITE`` run in a
terminal (a process of its own) within seconds, with a round stored, and the site window's
Recheck everywhere, clicked, shows this desktop's answer. Checks go to a loopback server."""

from __future__ import annotations

import subprocess
import sys
import time

from PySide6.QtCore import Qt

from djamon_desktop.store import editing, queries, vantages
from djamon_desktop.store.models import Check

from ..conftest import Run, payments
from .screen import settled


def recheck_process(data_dir, *args: str) -> subprocess.Popen:
    """``recheck`` in a terminal: a process of its own, so this one's event loop (the app's)
    keeps turning while it waits."""
    return subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir), "recheck", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def ended(qtbot, proc: subprocess.Popen, timeout_s: float = 30) -> Run:
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=int(timeout_s * 1000))
    out, err = proc.communicate()
    return Run(proc.returncode, out, err)


def payments_id() -> int:
    return next(s.site_id for s in queries.list_sites(2) if s.title == "Payments")


def test_the_running_app_answers_recheck_from_a_terminal_within_seconds(
    qtbot, make_app, load, server, name, data_dir
):
    load(payments(server, name, blog=False, schedule=["0 3 1 1 *"]))
    app = make_app()
    settled(qtbot, app)
    me = vantages.current()
    site_id = payments_id()
    stored = Check.select().where(Check.site == site_id).count()

    started = time.monotonic()
    got = ended(qtbot, recheck_process(data_dir, "Production/Payments", "--json"))
    took = time.monotonic() - started
    assert got.code == 0, got.err
    answer = got.json()
    assert answer["site_id"] == site_id and answer["no_answer"] == []
    assert list(answer["results"]) == [me]
    result = answer["results"][me]
    assert (result["ok"], result["status_code"], result["error"]) == (True, 200, None)
    assert result["elapsed_ms"] >= 0
    assert Check.select().where(Check.site == site_id).count() == stored + 1  # a round
    assert took < 10, took
    print(f"answered in {1000 * took:.0f} ms (the process's start included)")

    server.switch[name] = 500
    got = ended(qtbot, recheck_process(data_dir, str(site_id)))
    assert got.code == 1, got.err
    line = got.out.strip()
    assert line.startswith(f"{me}: down, HTTP 500 in ") and line.endswith(" ms"), line


def test_recheck_everywhere_in_the_site_window_shows_this_desktop_s_answer(
    qtbot, make_app, load, server, name
):
    load(payments(server, name, blog=False, schedule=["0 3 1 1 *"]))
    app = make_app()
    window = app.windows.show_site(payments_id())
    settled(qtbot, app)
    box = window.recheck
    assert box.answers.text() == ""
    me = vantages.current()
    server.switch[name] = 502
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: f"{me}: down, HTTP 502 in " in box.answers.text(), timeout=10000)
    lines = box.answers.text().splitlines()
    assert lines[0].startswith("Recheck asked ") and len(lines) == 2, lines
    assert box.button.isEnabled()
    # the round it answered with is stored and shown: the window's last check says 502
    qtbot.waitUntil(lambda: window.table.item(0, 1).text() == "502", timeout=5000)
    assert box.answers.textFormat() == Qt.TextFormat.PlainText  # names are others' text

    editing.set_active(payments_id(), False)  # (as another process would)
    qtbot.mouseClick(box.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: box.answers.text().startswith("Not rechecked: "), timeout=5000)
    assert box.answers.text().endswith("is inactive; activate it to recheck it")
    assert box.button.isEnabled()


def test_an_app_is_a_live_app_vantage_from_its_start_even_before_a_round(qtbot, make_app):
    from djamon_desktop.core.clock import utc_now
    from djamon_desktop.store import rechecks

    assert rechecks.live_app_vantages(utc_now()) == []
    app = make_app(start_round=False)
    qtbot.waitUntil(lambda: rechecks.live_app_vantages(utc_now()) == [vantages.current()])
    assert not app.poller._busy  # no round ran: the start marked it


def test_the_heartbeat_marks_the_app_at_its_start_then_only_when_no_round_stored_for_5_minutes():
    from datetime import UTC, datetime, timedelta

    from djamon_desktop.rechecking import Heartbeat

    t0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
    sent: list[datetime] = []
    beats = Heartbeat()
    beats.beat(t0)  # no way to send yet: nothing
    beats.send = sent.append
    for minutes in (0, 1, 4.9, 5, 6):
        beats.beat(t0 + timedelta(minutes=minutes))
    assert sent == [t0, t0 + timedelta(minutes=5)]
    beats.stored(t0 + timedelta(minutes=8))  # a round stored: it marked the app itself
    beats.beat(t0 + timedelta(minutes=12))
    beats.beat(t0 + timedelta(minutes=13))
    assert sent[2:] == [t0 + timedelta(minutes=13)]
