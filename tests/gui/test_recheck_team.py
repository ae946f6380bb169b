"""Recheck on a team's PostgreSQL with two app vantages: this process's app and another
desktop's app in a process of its own (``laptop-2``), plus ``recheck`` from a terminal. Both
answer within 15 s; a stopped app (SIGSTOP: alive, answering nothing) is listed in
``no_answer`` with exit 1; one that quit is asked no more."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from djamon_desktop.core.clock import utc_now
from djamon_desktop.store import rechecks, vantages

from ..conftest import payments
from .screen import settled
from .test_recheck import ended, recheck_process

OTHER = "laptop-2"


@pytest.fixture
def db(team_db):
    """Every App here is on the test's own team database."""
    return team_db


@pytest.fixture
def other_app(tmp_path):
    """Another desktop's app: a process of its own, its own data folder and vantage name."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path / "home2")}
    env["DJAMON_VANTAGE"] = OTHER
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "XDG_RUNTIME_DIR"):
        env.pop(name, None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(tmp_path / "other")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield proc
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGCONT)
        proc.kill()
    proc.communicate(timeout=30)


def live(qtbot, names: list[str], timeout_s: float = 30) -> None:
    qtbot.waitUntil(
        lambda: rechecks.live_app_vantages(utc_now()) == names, timeout=int(timeout_s * 1000)
    )


def test_two_apps_answer_a_stopped_one_is_named_a_quit_one_is_not_asked(
    qtbot, make_app, load, server, name, data_dir, tmp_path, other_app
):
    load(payments(server, name, blog=False, schedule=["0 3 1 1 *"]))
    app = make_app()
    settled(qtbot, app)
    me = vantages.current()
    both = sorted([me, OTHER])
    live(qtbot, both)  # the other app started (its start, then its first round)
    terminal = tmp_path / "terminal"

    started = time.monotonic()
    got = ended(qtbot, recheck_process(terminal, "Production/Payments", "--json"))
    took = time.monotonic() - started
    assert got.code == 0, got.err
    answer = got.json()
    assert sorted(answer["results"]) == both and answer["no_answer"] == []
    assert all(r["ok"] and r["status_code"] == 200 for r in answer["results"].values())
    assert took < 15, took
    print(f"both desktops answered in {1000 * took:.0f} ms (the process's start included)")

    os.kill(other_app.pid, signal.SIGSTOP)  # alive, still a live app vantage, answering nothing
    got = ended(qtbot, recheck_process(terminal, "Production/Payments"), timeout_s=40)
    assert got.code == 1, got.err
    lines = got.out.strip().splitlines()
    assert lines[both.index(OTHER)] == f"{OTHER}: no answer within 15 s"
    assert lines[both.index(me)].startswith(f"{me}: up, HTTP 200 in ")

    os.kill(other_app.pid, signal.SIGCONT)
    other_app.terminate()  # it quits: no live app vantage any more
    assert other_app.wait(timeout=30) == 0, other_app.stderr.read()
    assert rechecks.live_app_vantages(utc_now()) == [me]
    got = ended(qtbot, recheck_process(terminal, "Production/Payments", "--json"))
    assert got.code == 0, got.err
    assert list(got.json()["results"]) == [me] and got.json()["no_answer"] == []
