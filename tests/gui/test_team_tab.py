"""The Settings window's Team tab, used as a person does: a URL typed in, Test connection pressed
against the suite's real PostgreSQL, Save; what the tab shows, what lands in team.json (never the
password) and in the keyring; the choice used at the next start."""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from djamon_desktop import secrets, team
from djamon_desktop.core import settings as table
from djamon_desktop.gui.windows.settings import SettingsWindow
from djamon_desktop.password_binding import DATABASE_ELSEWHERE
from djamon_desktop.store import team_url as urls
from djamon_desktop.store.settings import load_settings, save_settings

from ..postgres import PASSWORD
from .screen import UI_STALL_S, UiTicks, press, shown, type_into


@pytest.fixture
def team_tab(qtbot, db, monkeypatch):
    """``team_tab()``: Settings open at the Team tab on the test's data folder (as the app
    makes it), done reading the keyring; the window is ``tab.window``."""
    monkeypatch.setattr(team, "in_use", team.InUse())
    monkeypatch.delenv(team.ENV_DATABASE, raising=False)

    def make(restart=None):
        window = SettingsWindow(save_settings, data_dir=db, restart=restart)
        window.show_settings(load_settings())
        shown(qtbot, window)
        qtbot.waitUntil(lambda: not window.keyring_pending())
        window.tabs.setCurrentWidget(window.pages["Team"])
        qtbot.waitUntil(window.team.url.isVisible)
        window.team.window = window
        return window.team

    return make


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.LeftButton)


def test_test_connection_reaches_the_team_database(qtbot, team_tab, team_url, keyring, shot):
    tab = team_tab()
    type_into(qtbot, tab.url, team_url)
    click(qtbot, tab.test_button)
    # the password left the URL for the Password field as soon as the URL was left
    assert PASSWORD not in tab.url.text() and tab.url.text() == team_url.replace(f":{PASSWORD}", "")
    assert tab.password.text() == PASSWORD
    assert tab.busy.isVisible() and not tab.test_button.isEnabled()
    qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=15000)
    assert not tab.busy.isVisible()
    result = tab.test_result.text()
    assert result.startswith("Reached PostgreSQL "), result
    assert "as djamon; no djamon-desktop tables yet" in result
    assert PASSWORD not in result
    shot(tab.window, "team-tab-reached")


def test_a_wrong_password_is_the_reason_shown_with_stars(qtbot, team_tab, team_url, keyring, shot):
    tab = team_tab()
    type_into(qtbot, tab.url, team_url.replace(PASSWORD, "Wr0ng-pw"))
    click(qtbot, tab.test_button)
    qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=15000)
    result = tab.test_result.text()
    assert "password authentication failed" in result, result
    assert result.startswith('Not reached: "127.0.0.1", port ')  # the URL is in its field
    assert "Wr0ng-pw" not in result and "Wr0ng-pw" not in tab.url.text()
    shot(tab.window, "team-tab-refused")


def test_a_url_without_password_uses_the_password_field(qtbot, team_tab, team_url, keyring):
    tab = team_tab()
    type_into(qtbot, tab.url, team_url.replace(f":{PASSWORD}", ""))
    click(qtbot, tab.test_button)
    qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=15000)
    assert "asks for a password and none was found" in tab.test_result.text()
    type_into(qtbot, tab.password, PASSWORD)
    click(qtbot, tab.test_button)
    qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=15000)
    assert tab.test_result.text().startswith("Reached PostgreSQL "), tab.test_result.text()


def test_a_silent_server_keeps_the_window_answering(qtbot, team_tab):
    """A server that accepts and never answers: the test waits out its connect timeout on its
    own thread while the window goes on."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        port = silent.getsockname()[1]
        tab = team_tab()
        type_into(qtbot, tab.url, f"postgresql://djamon@127.0.0.1:{port}/x?connect_timeout=2")
        ticks = UiTicks()
        ticks.start()
        started = time.monotonic()
        click(qtbot, tab.test_button)
        assert tab.busy.isVisible()
        qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=15000)
        ticks.stop()
    assert time.monotonic() - started > 1.5  # it did wait out (most of) its 2 s timeout
    assert ticks.longest() < UI_STALL_S, ticks.longest()
    assert "timeout expired" in tab.test_result.text(), tab.test_result.text()


def test_save_keeps_the_url_without_password_and_the_password_in_the_keyring(
    qtbot, team_tab, team_url, keyring, caplog
):
    tab = team_tab(restart=lambda: None)
    type_into(qtbot, tab.url, team_url)
    type_into(qtbot, tab.vantage, "lab-1")
    press(Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: not tab.window.keyring_pending())
    path = team.choice_path(tab.data_dir)
    without = team_url.replace(f":{PASSWORD}", "")
    assert json.loads(path.read_text()) == {"database": without, "vantage": "lab-1"}
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert secrets.get("database_password") == PASSWORD
    assert "Stored in the keyring: database_password" in tab.window.note.text()
    assert PASSWORD not in caplog.text
    # this run still uses its own database: the tab says the choice is for the next start
    assert "The choice below is used from the next start." in tab.in_use.text()
    assert tab.restart_button.isVisible()
    assert not tab.window.has_unsaved_edits()
    # the next start picks it (no option, no environment variable)
    assert team.database_target(None, tab.data_dir) == without
    assert team.vantage_name(None, tab.data_dir) == "lab-1"


def test_an_empty_url_is_this_desktops_own_database(qtbot, team_tab, data_dir):
    team.save_choice(data_dir, team.TeamChoice("postgresql://a@db.example.com/team", "lab-1"))
    tab = team_tab()
    assert tab.url.text() == "postgresql://a@db.example.com/team"
    type_into(qtbot, tab.url, "", clear=True)
    type_into(qtbot, tab.vantage, "", clear=True)
    click(qtbot, tab.test_button)
    assert tab.test_result.text() == f"This desktop's own database: {data_dir / 'djamon.sqlite3'}."
    press(Qt.Key_S, Qt.ControlModifier)
    assert not team.choice_path(data_dir).exists()
    assert tab.in_use.text() == f"This desktop's own database ({data_dir / 'djamon.sqlite3'})."
    assert not tab.restart_button.isVisible()


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        ("url", "mysql://db.example.com/team", "use postgresql://USER@HOST:PORT/DBNAME"),
        ("url", "postgresql://anna:S3cret@db.example.com:99999/team", "Port out of range"),
        ("url", "postgresql://anna@db.example.com", "name the database (…/DBNAME)"),
        ("vantage", "x" * 41, "use 1 to 40 characters on one line"),
    ],
)
def test_a_bad_choice_is_shown_beside_its_field_and_nothing_is_saved(
    qtbot, team_tab, data_dir, field, typed, error
):
    tab = team_tab()
    type_into(qtbot, getattr(tab, field), typed)
    press(Qt.Key_S, Qt.ControlModifier)
    key = team_tab_key(field)
    assert error in tab.errors.text(key), tab.errors.text(key)
    assert "S3cret" not in tab.errors.text(key)
    assert tab.errors.labels[key].isVisible()
    assert tab.window.note.text() == "Nothing was saved: see the fields marked."
    assert not team.choice_path(data_dir).exists()


def team_tab_key(field: str) -> str:
    from djamon_desktop.gui.windows.team_tab import URL_KEY, VANTAGE_KEY

    return {"url": URL_KEY, "vantage": VANTAGE_KEY}[field]


def test_the_team_settings_are_on_the_team_tab(qtbot, team_tab):
    tab = team_tab()
    page = tab.window.pages["Team"]
    team_settings = [s.key for s in table.SETTINGS if s.section == "Team"]
    assert "confirmations" in team_settings
    for key in team_settings:
        assert page.isAncestorOf(tab.window.fields[key])
    type_into(qtbot, tab.window.fields["confirmations"], "2", clear=True)
    press(Qt.Key_S, Qt.ControlModifier)
    assert load_settings().confirmations == 2


def test_a_database_chosen_by_the_environment_is_said_so(
    qtbot, team_tab, team_url, data_dir, monkeypatch
):
    from djamon_desktop.store.database import open_database

    monkeypatch.setenv(team.ENV_DATABASE, team_url)
    open_database(team.database_target(None, data_dir))
    tab = team_tab(restart=lambda: None)
    shown_url = team_url.replace(f":{PASSWORD}", "")  # as in team.json: no password
    assert tab.in_use.text() == (
        f"The team database {shown_url} — chosen by DJAMON_DATABASE_URL, which wins over the "
        "choice below."
    )
    assert not tab.restart_button.isVisible()


# The app as `djamon-desktop --data-dir DIR` runs it, and a person who, once it is up, opens
# Settings, types the team URL (the script's last argument), saves and presses Restart now.
RESTARTING_APP = """
import gc, os, sys
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from djamon_desktop.cli import main
from djamon_desktop.gui.app import App

url = sys.argv.pop()
qapp = QApplication(["djamon-desktop"])

def person():
    [app] = [o for o in gc.get_objects() if isinstance(o, App)]
    settings = app.windows.show_settings()
    settings.tabs.setCurrentWidget(settings.pages["Team"])
    settings.team.url.setText(url)
    QTest.mouseClick(settings.save_button, Qt.LeftButton)

    def restart_once_stored():
        if settings.keyring_pending():
            QTimer.singleShot(50, restart_once_stored)
            return
        print("restarting", os.getpid(), flush=True)
        QTest.mouseClick(settings.team.restart_button, Qt.LeftButton)

    restart_once_stored()

QTimer.singleShot(500, person)
sys.exit(main(sys.argv[1:]))
"""


def test_restart_now_starts_again_on_the_saved_database(tmp_path, data_dir, team_url, keyring):
    """The whole way: an app on its own database saves a team URL and presses Restart now; the
    same process (same pid) comes back connected to the team database."""
    script = tmp_path / "restarting_app.py"
    script.write_text(textwrap.dedent(RESTARTING_APP))
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "DJAMON_VANTAGE": "restarted"}
    env.pop(team.ENV_DATABASE, None)
    process = subprocess.Popen(
        [sys.executable, str(script), "--data-dir", str(data_dir), team_url],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(process.stdout), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 30
        while not any(line.startswith("restarting") for line in lines):
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines)
            time.sleep(0.1)
        [pid] = [line.split()[1] for line in lines if line.startswith("restarting")]
        assert int(pid) == process.pid
        # connected to the team database, and its event loop running (SIGTERM handled)
        while not (app_connections(team_url) and answers_show(data_dir)):
            assert process.poll() is None, "".join(lines)
            assert time.monotonic() < deadline, "".join(lines) + log_text(data_dir)
            time.sleep(0.2)
        assert json.loads(team.choice_path(data_dir).read_text())["database"] == team_url.replace(
            f":{PASSWORD}", ""
        )
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        reader.join(10)
        process.stdout.close()
    out = "".join(lines)
    assert process.returncode == 0, out
    assert PASSWORD not in out
    assert PASSWORD not in log_text(data_dir)


def app_connections(url: str) -> int:
    """How many connections djamon-desktop has open to the database at ``url``."""
    import psycopg2

    connection = psycopg2.connect(url)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND application_name = 'djamon-desktop'"
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def log_text(data_dir) -> str:
    return "".join(p.read_text() for p in sorted((data_dir / "logs").glob("*.log*")))


def answers_show(data_dir) -> bool:
    """Whether the app running for ``data_dir`` answers a second launch's "show" (its event
    loop runs)."""
    from djamon_desktop.instance import ask_to_show

    return ask_to_show(data_dir, timeout=2) == "shown"


def in_red(label) -> bool:
    """Whether the label's text shows in red (a warning), whatever the palette's shade of it."""
    colour = label.palette().color(label.foregroundRole())
    return colour.red() > 2 * max(colour.green(), colour.blue(), 20)


def test_the_tab_says_what_protects_the_url_typed(qtbot, team_tab, shot):
    """Typed key by key, each URL's protection shows under it as plain text: TLS verified and
    SCRAM for a name, nothing needed for loopback, unencrypted for a URL's own sslmode=disable
    (in red), the CA file of ?sslrootcert=; the password typed never shows there."""
    tab = team_tab()
    assert tab.protection.text() == "This desktop's own database: nothing travels."
    type_into(qtbot, tab.url, "postgresql://anna:Pw-1@db.team.example/team")
    words = tab.protection.text()
    assert words == (
        "TLS, certificate verified against the system's authorities; password only via SCRAM."
    )
    assert tab.protection.isVisible() and not in_red(tab.protection)
    shot(tab.window, "team-tab-protection-tls")
    press(Qt.Key_End)
    QTest.keyClicks(tab.url, "?sslmode=disable")
    assert tab.protection.text() == "sslmode=disable: the password and data travel unencrypted."
    assert in_red(tab.protection)
    shot(tab.window, "team-tab-protection-disable")
    type_into(qtbot, tab.url, "postgresql://anna@127.0.0.1:5432/team", clear=True)
    assert tab.protection.text().startswith("Loopback: no TLS needed")
    type_into(qtbot, tab.url, "postgresql://anna@db/team?sslrootcert=/x/<b>ca</b>.pem", clear=True)
    assert tab.protection.text() == (
        "TLS, certificate verified against the authorities in /x/<b>ca</b>.pem; "
        "password only via SCRAM."
    )
    assert tab.protection.textFormat() == Qt.TextFormat.PlainText
    shot(tab.window, "team-tab-protection-own-ca")
    for password_url in ("postgresql://anna@db/team?sslpassword=Pw-2", "postgresql://a:Pw-3@db"):
        type_into(qtbot, tab.url, password_url, clear=True)
        assert "Pw-" not in tab.protection.text()


def test_the_password_saved_is_bound_to_the_url_and_tested_with_it_only_there(
    qtbot, team_tab, team_url, pg_server, keyring
):
    """The keyring's password goes to the database it was saved with, not to another one
    (there the same password would log in: it is not sent)."""
    tab = team_tab(restart=lambda: None)
    type_into(qtbot, tab.url, team_url)  # its password moves to the Password field
    press(Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: not tab.window.keyring_pending(), timeout=5000)
    value, bound = secrets.get_bound("database_password")
    assert value == PASSWORD
    assert json.loads(bound or "null") == urls.server_of(team_url)

    other = pg_server.fresh_database().replace(f":{PASSWORD}@", "@")
    try:
        type_into(qtbot, tab.url, other, clear=True)  # no password typed: the keyring's is not
        click(qtbot, tab.test_button)  # sent to another database
        qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=15000)
        assert tab.test_result.text() == (
            "Not reached: it asks for a password, and the keyring's is not sent: "
            f"{DATABASE_ELSEWHERE}"
        )
        type_into(qtbot, tab.url, team_url.replace(f":{PASSWORD}@", "@"), clear=True)
        click(qtbot, tab.test_button)  # the database it was set for: sent
        qtbot.waitUntil(lambda: tab.test_button.isEnabled(), timeout=15000)
        assert tab.test_result.text().startswith("Reached PostgreSQL "), tab.test_result.text()
    finally:
        pg_server.drop_database(other)
