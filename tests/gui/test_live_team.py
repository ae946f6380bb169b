"""The app on a team's PostgreSQL shows what other desktops store within 5 seconds: the
database's change notices (LISTEN/NOTIFY) reach a thread of the app's own, which asks the UI
thread for one refresh. Other desktops are real processes (``import``, ``check``) with a
vantage name of their own; faults are the real server's: the listener's connection ended by
the server, new connections refused, a server that accepts and never answers."""

from __future__ import annotations

import json
import threading
import time

import pytest

from djamon_desktop.gui.icons import COLOURS
from djamon_desktop.gui.watch import DEBOUNCE_S, RETRY_MAX_S, DatabaseWatch
from djamon_desktop.store import editing
from djamon_desktop.store.engine import connect_params
from djamon_desktop.store.models import db as store_db
from djamon_desktop.store.team_database import TeamDatabase

from ..conftest import document, group, payments, site
from ..postgres import PASSWORD
from .conftest import near, pixel_colour
from .screen import UI_STALL_S, UiTicks, settled, site_rows, titles

OTHER = {"DJAMON_VANTAGE": "laptop-2"}


@pytest.fixture
def db(team_db):
    """Every App here is on the test's own team database."""
    return team_db


def is_state(app, state) -> bool:
    return near(pixel_colour(app.tray.icon.icon()), COLOURS[state].getRgb()[:3])


def listening(qtbot, app) -> None:
    """The app hears the database, and the refresh its listener asks for on connecting (a
    queued signal that may still be on its way on a busy machine) has been emitted: a change
    counted from now on is one the test made."""
    qtbot.waitUntil(app.watch.settled, timeout=5000)


def shown_after(qtbot, condition, timeout_s: float = 5) -> float:
    """Seconds until ``condition`` holds (the event loop turning meanwhile); fails after
    ``timeout_s``."""
    start = time.monotonic()
    qtbot.waitUntil(condition, timeout=int(timeout_s * 1000))
    return time.monotonic() - start


def changes_counted(app) -> list[float]:
    seen: list[float] = []
    app.watch.changed.connect(lambda: seen.append(time.monotonic()))
    return seen


def test_a_site_another_desktop_imports_shows_within_5_seconds(
    qtbot, make_app, tmp_path, server, run_process
):
    app = make_app(start_round=False)
    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    listening(qtbot, app)
    before = app.tray.icon.toolTip()
    path = tmp_path / "other.json"
    path.write_text(json.dumps(document(group("Remote", site("Added", server.url("/"))))))
    assert run_process("import", str(path), env=OTHER).code == 0
    took = shown_after(qtbot, lambda: titles(dashboard) == ["Added"])
    print(f"a site imported by another desktop shown {1000 * took:.0f} ms after it ended")
    assert app.tray.icon.toolTip() != before


def test_another_desktop_s_round_turns_the_tray_within_5_seconds(
    qtbot, make_app, load, server, name, run_process
):
    load(payments(server, name, blog=False, strikes=1, schedule=["0 3 1 1 *"]))
    app = make_app()  # this desktop's own round: all up
    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    listening(qtbot, app)
    assert is_state(app, "up")

    server.switch[name] = 500
    assert run_process("check", env=OTHER).code == 1
    down = shown_after(qtbot, lambda: is_state(app, "down"))
    assert "Payments down since " in app.tray.icon.toolTip()
    assert site_rows(dashboard)[0]["State"] == "down"

    server.switch[name] = 200
    assert run_process("check", env=OTHER).code == 0
    up = shown_after(qtbot, lambda: is_state(app, "up"))
    assert app.tray.icon.toolTip() == "djamon-desktop: Payments is up (the only active site)"
    print(f"another desktop's round shown: red {1000 * down:.0f} ms, green {1000 * up:.0f} ms")


def test_a_burst_of_changes_is_a_few_refreshes(qtbot, make_app, team_url):
    """200 commits within a second from another connection: a handful of refreshes, the last
    one after the last commit."""
    import psycopg2

    app = make_app(start_round=False)
    listening(qtbot, app)
    seen = changes_counted(app)
    other = psycopg2.connect(team_url)
    other.autocommit = True
    finished: list[float] = []

    def burst() -> None:
        with other.cursor() as cursor:
            for _ in range(200):
                cursor.execute("SELECT pg_notify('djamon_desktop', '')")
                time.sleep(0.004)
        finished.append(time.monotonic())

    writer = threading.Thread(target=burst)
    started = time.monotonic()
    writer.start()
    qtbot.waitUntil(lambda: bool(finished), timeout=10000)
    writer.join()
    other.close()
    qtbot.wait(int(3 * DEBOUNCE_S * 1000))
    spent = finished[0] - started
    # merged: no more refreshes than debounce periods the burst lasted, by its own measure
    assert 2 <= len(seen) <= spent / DEBOUNCE_S + 3, (len(seen), spent)
    assert seen[-1] >= finished[0] - DEBOUNCE_S  # the burst's end was read
    print(f"200 notices in {spent:.2f} s: {len(seen)} refreshes")


def test_a_change_made_while_not_listening_is_shown_when_listening_again(
    qtbot, make_app, pg_server, team_url
):
    """The server ends the listener's connection and refuses new ones for a while; a site added
    meanwhile shows once it listens again; the UI keeps turning and nothing spins."""
    app = make_app(start_round=False)
    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    listening(qtbot, app)
    dbname = team_url.rsplit("/", 1)[1]
    seen = changes_counted(app)
    ticks = UiTicks()
    ticks.start()
    pg_server.sql(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS false")
    try:
        assert pg_server.sql(f"SELECT pg_terminate_backend({app.watch.listener.backend_pid})")
        qtbot.waitUntil(lambda: not app.watch.listening.is_set(), timeout=5000)
        editing.save_site("Remote", {"title": "Added meanwhile", "url": "http://127.0.0.1:9/"})
        cpu = time.process_time()
        qtbot.wait(3000)  # reconnecting is refused: tries 0.5, 1, 2 s apart
        assert time.process_time() - cpu < 1.0  # waiting, not spinning
        assert titles(dashboard) == [] and not app.watch.listening.is_set()
    finally:
        pg_server.sql(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS true")
    back = shown_after(qtbot, lambda: titles(dashboard) == ["Added meanwhile"], RETRY_MAX_S + 5)
    ticks.stop()
    assert app.watch.listening.is_set()
    assert len(seen) == 1  # one refresh on the way back
    assert ticks.longest() < UI_STALL_S
    print(f"shown {1000 * back:.0f} ms after connections were allowed again")


def test_the_app_quits_at_once_while_the_database_does_not_answer(qtbot):
    """A server that accepts and never answers: the listener is stuck connecting, and stopping
    it takes no connect timeout."""
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    url = f"postgresql://djamon:{PASSWORD}@127.0.0.1:{silent.getsockname()[1]}/team"
    store_db.initialize(TeamDatabase(url, **connect_params(url)))  # as a start found it down
    watch = DatabaseWatch()
    try:
        watch.start()
        qtbot.wait(500)
        assert not watch.listening.is_set()
        started = time.monotonic()
        watch.stop()
        # at once, not after a connect timeout (10 s): the bound is slack for a loaded machine
        assert time.monotonic() - started < 2
        assert not [t for t in threading.enumerate() if t.name == "djamon-listen"]
    finally:
        watch.stop()
        store_db.initialize(None)
        silent.close()


def test_disposing_the_app_ends_the_listener(qtbot, make_app):
    app = make_app(start_round=False)
    listening(qtbot, app)
    thread = app.watch._thread
    app.poller.stop()
    app.dispose()
    assert thread is not None and not thread.is_alive()
