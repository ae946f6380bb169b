"""Telling other desktops that something changed: on a team's PostgreSQL every committed write
notifies (``engine.writing``) and a ``changes.Listener`` on a connection of its own hears it;
on SQLite the file's data_version moves. Real servers only: the suite's PostgreSQL, and a
loopback socket that accepts and never answers for a database that has gone quiet."""

from __future__ import annotations

import os
import socket
import sqlite3
import time
from datetime import UTC, datetime

import pytest

from djamon_desktop.store import changes, editing, maintenance
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.engine import DatabaseUnreachable, connect_params, writing
from djamon_desktop.store.history import meta_set
from djamon_desktop.store.models import SiteGroup
from djamon_desktop.store.settings import save_settings

from ..postgres import PASSWORD


@pytest.fixture
def team(team_url):
    open_database(team_url)
    yield team_url
    close_database()


@pytest.fixture
def listening(team):
    found = changes.listener()
    assert found.connect()
    yield found
    found.close()


def heard_within(listener, seconds: float) -> tuple[int, float]:
    start = time.monotonic()
    count = listener.wait(seconds)
    return count, time.monotonic() - start


def test_a_committed_change_reaches_a_listener_on_another_connection_within_a_second(listening):
    started = time.monotonic()
    editing.save_site("Shop", {"title": "Cart", "url": "http://127.0.0.1:9/cart"})
    count, _ = heard_within(listening, 5)
    took = time.monotonic() - started
    assert count == 1
    print(f"from the write's start to the notice heard: {1000 * took:.1f} ms")
    # at once, not at the app's next 2 s look: the rest is slack for a loaded machine
    assert took < 1.5


def test_a_rolled_back_transaction_tells_nobody(listening):
    with pytest.raises(RuntimeError), writing():
        meta_set("note", "half done")
        raise RuntimeError("the round failed midway")
    assert listening.wait(1.0) == 0
    meta_set("note", "done")  # the same write committed is heard: the listener does listen
    assert listening.wait(5) == 1


def test_a_write_transaction_that_changed_nothing_tells_nobody(listening):
    assert maintenance.resume_everything() is False  # a DELETE that matched no row
    editing.delete_site(12345)
    assert listening.wait(1.0) == 0


def test_many_writes_in_one_transaction_are_one_notice(listening):
    with writing():
        group = editing.save_group("Shop")  # itself a writing() inside this one
        for n in range(20):
            editing.save_site("Shop", {"title": f"Page {n}", "url": f"http://127.0.0.1:9/{n}"})
        maintenance.pause_site(1, None)
    assert group
    assert listening.wait(5) == 1
    assert listening.wait(0.5) == 0


@pytest.mark.parametrize(
    "change, heard",
    [
        (lambda: editing.save_group("Blog"), 1),
        (lambda: editing.delete_group(SiteGroup.get(title="Old").id), 1),
        (lambda: maintenance.pause_everything(None), 1),
        (lambda: save_settings({"strikes": 3}), 1),
        (lambda: editing.set_extra_information(1, "no such outage: nothing changes"), 0),
    ],
    ids=["group added", "group deleted", "monitoring paused", "settings saved", "nothing"],
)
def test_each_kind_of_write_notifies(listening, change, heard):
    editing.save_group("Old")
    assert listening.wait(5) == 1
    change()
    assert listening.wait(5 if heard else 1.0) == heard


def test_another_process_s_commit_is_heard(listening, team, data_dir):
    """The command line in a process of its own, as another desktop would be."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir), "pause"],
        env={**os.environ, "DJAMON_DATABASE_URL": team},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert listening.wait(2) == 1


def test_a_waiting_listener_is_woken_at_once(team):
    wake_r, wake_w = os.pipe()
    try:
        found = changes.listener(wake_r)
        assert found.connect()
        os.write(wake_w, b"x")
        count, waited = heard_within(found, None)
        # at once, not never (no timeout given): the bound is slack for a loaded machine
        assert count == 0 and waited < 1.0
        found.close()
    finally:
        os.close(wake_r)
        os.close(wake_w)


@pytest.fixture
def silent_server():
    """A loopback port that accepts connections and never says a word."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    yield f"postgresql://djamon:{PASSWORD}@127.0.0.1:{sock.getsockname()[1]}/team"
    sock.close()


def test_a_database_that_does_not_answer_is_given_up_on_time(silent_server):
    found = changes.Listener(silent_server, connect_params(silent_server))
    start = time.monotonic()
    with pytest.raises(DatabaseUnreachable) as caught:
        found.connect(timeout=1.0)
    assert 0.9 < time.monotonic() - start < 3  # the timeout plus slack for a loaded machine
    assert "no answer within 1 s" in caught.value.message
    assert PASSWORD not in caught.value.message and "***" in caught.value.message


def test_connecting_is_cut_short_when_woken(silent_server):
    wake_r, wake_w = os.pipe()
    try:
        found = changes.Listener(silent_server, connect_params(silent_server), wake_r)
        os.write(wake_w, b"x")
        start = time.monotonic()
        assert found.connect(timeout=30) is False
        # at once, not at the 30 s timeout: the bound is slack for a loaded machine
        assert time.monotonic() - start < 2
        found.close()
    finally:
        os.close(wake_r)
        os.close(wake_w)


def test_a_refused_connection_is_unreachable_with_the_password_hidden():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # closed again: nothing listens there
    url = f"postgresql://djamon:{PASSWORD}@127.0.0.1:{port}/team"
    with pytest.raises(DatabaseUnreachable) as caught:
        changes.Listener(url, connect_params(url)).connect()
    assert caught.value.exit_code == 4
    assert PASSWORD not in caught.value.message and "***" in caught.value.message


def test_a_listener_whose_connection_the_server_ended_says_so_and_listens_again(
    listening, pg_server, team
):
    pid = listening.backend_pid
    named = pg_server.sql(f"SELECT application_name FROM pg_stat_activity WHERE pid = {pid}")
    assert named == "djamon-desktop listener"  # as an administrator sees it
    assert pg_server.sql(f"SELECT pg_terminate_backend({pid})") == "t"
    with pytest.raises(DatabaseUnreachable) as caught:
        listening.wait(5)
    assert PASSWORD not in caught.value.message
    assert listening.connect()
    assert listening.backend_pid != pid
    meta_set("note", "after the reconnect")
    assert listening.wait(5) == 1


def test_sqlite_data_version_moves_when_another_connection_commits(data_dir):
    from djamon_desktop.paths import database_path, ensure_data_dir

    ensure_data_dir(data_dir)
    path = database_path(data_dir)
    open_database(path)
    try:
        before = changes.data_version()
        meta_set("own", "write")  # this connection's own commits do not move it
        assert changes.data_version() == before
        with sqlite3.connect(path) as other:
            other.execute(
                "INSERT INTO meta (key, value) VALUES ('other', ?)", (str(datetime.now(UTC)),)
            )
        other.close()
        assert changes.data_version() != before
    finally:
        close_database()
