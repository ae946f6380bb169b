"""A round soon after the machine wakes, and new sites checked at once.

Waking: a private system bus (dbus-daemon with a configuration of its own) with a stand-in
logind on it (``tests.logind``); the App reads ``DBUS_SYSTEM_BUS_ADDRESS``. New sites: added in
the site editor or imported from File › Import, the way a person does. The App's clock is held
(``Clock``): the schedule's next round never comes due, so every round a test sees came from
waking or from the new sites. The sites are on a loopback server that notes each request."""

from __future__ import annotations

import json
import re
import time
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from djamon_desktop.core.states import State
from djamon_desktop.gui.windows.editors import SiteEditor

from ..conftest import Clock, document, group, payments, site
from ..logind import Logind, start_system_bus
from ..processes import stop_all
from .screen import choose_file, dashboard_shown, press, settled, tip_text, titles, type_into

T = datetime(2026, 12, 7, 9, 0, 7).astimezone()  # 09:00:07: the next round is at 09:05
WITHIN_S = 5  # the promise: a round within 5 s of waking


@pytest.fixture
def logind(tmp_path, monkeypatch):
    procs = []
    address = start_system_bus(procs, tmp_path)
    standin = Logind(procs, address)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", address)
    yield standin
    standin.close()
    stop_all(procs, 5)


def requests_to(server, ending: str) -> int:
    """How many requests the server saw for the URL ending so (``?NAME-shop``: a site's),
    less the cache buster a check adds (``cb=``)."""
    return sum(re.sub(r"[?&]cb=[^&]*$", "", s.target).endswith(ending) for s in server.seen)


def rounds_of(app) -> list[float]:
    """When each round the app starts from now on started (time.monotonic())."""
    started: list[float] = []
    app.poller.round_started.connect(lambda: started.append(time.monotonic()))
    return started


def test_a_round_comes_within_5_s_of_waking(qtbot, make_app, load, server, name, logind):
    load(payments(server, name))
    app = make_app(clock=Clock(T))  # its first round has run; the next is never due
    qtbot.waitUntil(lambda: app.waking.watch.is_listening, timeout=10000)
    seen = requests_to(server, f"/switch/{name}")
    started = rounds_of(app)

    logind.say("sleep")  # going to sleep: nothing to do
    with qtbot.assertNotEmitted(app.poller.round_started, wait=1500):
        pass
    woke = time.monotonic()
    logind.say("wake")
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000) as done:
        pass
    assert started and started[0] - woke < WITHIN_S, f"{started[0] - woke:.1f} s after waking"
    assert {o.site.title for o in done.args[0].outcomes} == {"Payments", "Blog"}  # a whole one
    assert requests_to(server, f"/switch/{name}") > seen
    with qtbot.assertNotEmitted(app.poller.round_started, wait=2000):
        pass  # one round, not a burst
    assert len(started) == 1


def test_after_waking_with_no_connection_yet_another_round_comes_soon(
    qtbot, make_app, load, server, name, logind
):
    """Wi-Fi not back yet: the round on waking blames nothing (the sandbox did not answer);
    the next comes ``again_ms`` later, not at the schedule's next round, and finds it back."""
    sandbox = f"{name}-sandbox"
    load(payments(server, name, sandbox_urls=[server.url(f"/switch/{sandbox}")]))
    app = make_app(clock=Clock(T))
    app.waking.again_ms = 2000
    qtbot.waitUntil(lambda: app.waking.watch.is_listening, timeout=10000)
    server.switch[sandbox] = 503
    logind.say("wake")
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000) as done:
        pass
    assert done.args[0].connectivity is False and done.args[0].outcomes == []
    server.switch[sandbox] = 200
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000) as done:
        pass
    assert done.args[0].connectivity is True
    assert {o.site.title for o in done.args[0].outcomes} == {"Payments", "Blog"}
    with qtbot.assertNotEmitted(app.poller.round_started, wait=3000):
        pass  # the connection is back: the schedule's rounds again


def test_waking_while_paused_runs_no_round(qtbot, make_app, load, server, name, logind):
    load(payments(server, name))
    app = make_app(clock=Clock(T))
    qtbot.waitUntil(lambda: app.waking.watch.is_listening, timeout=10000)
    app.pause(None)
    logind.say("wake")
    with qtbot.assertNotEmitted(app.poller.round_started, wait=3000):
        pass


def test_without_a_system_bus_the_app_starts_and_the_clock_jump_brings_one_round(
    qtbot, make_app, load, server, name, tmp_path, monkeypatch
):
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path}/no-such-bus")
    load(payments(server, name))
    clock = Clock(T)
    app = make_app(clock=clock)
    thread = app.waking.watch._thread
    qtbot.waitUntil(lambda: not thread.is_alive(), timeout=10000)  # gave up, silently
    assert not app.waking.watch.is_listening
    started = rounds_of(app)
    clock.now = T + timedelta(hours=9)  # the machine slept the night
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
        app.poller._timer.start(0)  # Qt's timer goes off after the sleep, as it does
    with qtbot.assertNotEmitted(app.poller.round_started, wait=1000):
        pass
    assert len(started) == 1  # one round, however many were missed


def test_a_site_added_in_the_editor_is_checked_at_once(qtbot, make_app, load, server, name, shot):
    load(document(group("Production", site("Blog", server.url(f"/status/200?{name}-blog")))))
    app = make_app(clock=Clock(T))
    dashboard = dashboard_shown(qtbot, app)
    assert app.tray.overview.state == State.UP
    started = rounds_of(app)

    press(Qt.Key_N, Qt.ControlModifier)  # Sites › Add site…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), SiteEditor))
    editor = QApplication.activeModalWidget()
    type_into(qtbot, editor.title, "Shop")
    type_into(qtbot, editor.url, server.url(f"/slow/2500?{name}-shop"))  # 2.5 s to answer
    saved = time.monotonic()
    press(Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: requests_to(server, f"?{name}-shop") > 0, timeout=WITHIN_S * 1000)
    assert time.monotonic() - saved < WITHIN_S
    # while its first check runs: not green, and said in words
    qtbot.waitUntil(lambda: "Shop" in titles(dashboard))
    assert app.tray.overview.state == State.IDLE
    assert app.tray.icon.toolTip() == "djamon-desktop: 1 site waiting for its first check"
    assert tip_text(dashboard.status_line.label.toolTip()) == "1 site waiting for its first check"
    shot(dashboard, "waiting-for-its-first-check")

    with qtbot.waitSignal(app.poller.round_finished, timeout=15000) as done:
        pass
    assert [o.site.title for o in done.args[0].outcomes] == ["Shop"]  # a small round
    settled(qtbot, app)
    qtbot.waitUntil(lambda: app.tray.overview.state == State.UP)
    assert app.tray.icon.toolTip() == "djamon-desktop: All 2 sites up"
    assert len(started) == 1
    assert requests_to(server, f"?{name}-blog") == 1  # the others wait for the schedule


def test_200_imported_sites_are_checked_at_once_in_one_small_round(
    qtbot, make_app, load, server, name, tmp_path, shot
):
    load(document(group("Production", site("Blog", server.url(f"/status/200?{name}-blog")))))
    app = make_app(clock=Clock(T))
    dashboard = dashboard_shown(qtbot, app)
    started = rounds_of(app)
    shown: list[str] = []
    app.shown.connect(lambda: shown.append(app.tray.icon.toolTip()))
    sites = [site(f"Site {n:03}", server.url(f"/status/200?{name}-n{n}")) for n in range(200)]
    path = tmp_path / "many.json"
    path.write_text(json.dumps(document(group("Imported", *sites))))

    press(Qt.Key_I, Qt.ControlModifier)  # File › Import…
    choose_file(qtbot, path)
    qtbot.waitUntil(lambda: len(started) == 1, timeout=WITHIN_S * 1000)
    with qtbot.waitSignal(app.poller.round_finished, timeout=60000) as done:
        pass
    assert len(done.args[0].outcomes) == 200  # just the new ones, all in one small round
    assert all(requests_to(server, f"?{name}-n{n}") for n in range(200))
    assert requests_to(server, f"?{name}-blog") == 1
    assert "djamon-desktop: 200 sites waiting for their first check" in shown
    settled(qtbot, app)
    qtbot.waitUntil(lambda: app.tray.icon.toolTip() == "djamon-desktop: All 201 sites up")
    with qtbot.assertNotEmitted(app.poller.round_started, wait=1000):
        pass
    assert len(started) == 1
    shot(dashboard, "imported-200-checked")


def test_a_site_another_process_imports_is_checked_at_once(
    qtbot, make_app, load, server, name, tmp_path, run_process
):
    """Seen through the database watch: the command line's import, in a process of its own."""
    load(document(group("Production", site("Blog", server.url(f"/status/200?{name}-blog")))))
    app = make_app(clock=Clock(T))
    started = rounds_of(app)
    path = tmp_path / "more.json"
    path.write_text(json.dumps(document(group("More", site("Wiki", server.url(f"/?{name}-wiki"))))))
    result = run_process("import", str(path))
    assert result.code == 0, result.err
    imported = time.monotonic()
    qtbot.waitUntil(lambda: requests_to(server, f"?{name}-wiki") > 0, timeout=WITHIN_S * 1000)
    assert time.monotonic() - imported < WITHIN_S
    qtbot.waitUntil(lambda: app.tray.icon.toolTip() == "djamon-desktop: All 2 sites up")
    assert len(started) == 1 and requests_to(server, f"?{name}-blog") == 1
