"""``doctor`` on real desktops (tests/e2e/desktop.py), run as a process with the desktop's
environment: trayer's XEmbed tray, xfce4-panel's StatusNotifierItem host, and no tray with no
notification server; dunst's name and capabilities; GNOME Keyring unlocked and locked (asked
without a prompt). The text each prints is the README's."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..alerts.gnome_keyring import GnomeKeyring
from ..alerts.gnome_keyring import missing_tools as keyring_missing
from ..bare_bus import start_bare_bus
from .desktop import Desktop, missing_tools

ROOT = Path(__file__).resolve().parents[2]


def needs(mode: str):
    missing = missing_tools(mode)
    return pytest.mark.skipif(
        bool(missing),
        reason=f"no {mode} test desktop here (missing {', '.join(missing)}; .ci/setup installs it)",
    )


def doctor(env: dict[str, str], data_dir: Path, *args: str) -> subprocess.CompletedProcess:
    """The program from this checkout, in its own process, with ``env`` as its environment."""
    path = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir), "doctor", *args],
        env={**env, "PYTHONPATH": path},
        capture_output=True,
        text=True,
        timeout=120,
    )


def checks_of(done: subprocess.CompletedProcess) -> dict[str, dict]:
    assert done.stderr == "", done.stderr
    found = json.loads(done.stdout)
    assert found["ok"] == (done.returncode == 0)
    return {c["name"]: c for c in found["checks"]}


@pytest.fixture
def data_dir(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    return folder


def with_file_keyring(desktop: Desktop) -> dict[str, str]:
    """The desktop's environment with a keyring chosen on purpose (keyrings.alt's file), so
    that every check but the desktop's own can pass."""
    return {**desktop.env, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}


@needs("xembed")
def test_an_xembed_tray_and_dunst_with_actions(data_dir, tmp_path):
    desktop = Desktop("xembed").start()
    try:
        done = doctor(with_file_keyring(desktop), data_dir, "--json")
        checks = checks_of(done)
        assert done.returncode == 0, done.stdout
        assert checks["display"]["found"] == f"X display {desktop.env['DISPLAY']}"
        assert (checks["tray"]["ok"], checks["tray"]["host"]) == (True, "xembed")
        assert "_NET_SYSTEM_TRAY_S0" in checks["tray"]["found"]
        notifications = checks["notifications"]
        assert (notifications["server"], notifications["actions"]) == ("dunst", True)
        assert notifications["markup"] is False  # dunst as started here reads no markup
        assert checks["data_folder"]["mode"] == "0700"
        text = doctor(with_file_keyring(desktop), data_dir)
        print(text.stdout)
        assert text.returncode == 0
        assert text.stdout.splitlines()[-1].startswith("All 6 checks passed")
        # the tray host goes away (a panel crashed): doctor says so
        desktop.stop_tray_host()
        gone = checks_of(doctor(with_file_keyring(desktop), data_dir, "--json"))
        assert (gone["tray"]["ok"], gone["tray"]["host"]) == (False, None)
    finally:
        desktop.close()


@needs("sni")
def test_a_status_notifier_host(data_dir):
    desktop = Desktop("sni", markup=True).start()
    try:
        done = doctor(with_file_keyring(desktop), data_dir, "--json")
        checks = checks_of(done)
        assert done.returncode == 0, done.stdout
        assert (checks["tray"]["ok"], checks["tray"]["host"]) == (True, "sni")
        assert "StatusNotifierItem host" in checks["tray"]["found"]
        assert checks["notifications"]["markup"] is True  # dunst with markup = full
        print(doctor(with_file_keyring(desktop), data_dir).stdout)
    finally:
        desktop.close()


@needs("none")
def test_no_tray_and_no_notification_server_are_missing_with_what_to_do(data_dir, tmp_path):
    desktop = Desktop("none", notifications=False).start()
    # a session bus that starts nothing on demand: on the desktop's own, dunst's D-Bus
    # activation file would start it at the first message (doctor then says "started on demand")
    env = {
        **with_file_keyring(desktop),
        "DBUS_SESSION_BUS_ADDRESS": start_bare_bus(desktop.procs, tmp_path),
    }
    try:
        done = doctor(env, data_dir, "--json")
        checks = checks_of(done)
        assert done.returncode == 1
        assert [n for n, c in checks.items() if not c["ok"]] == ["tray", "notifications"], checks
        assert checks["tray"]["host"] is None and "AppIndicator" in checks["tray"]["fix"]
        notifications = checks["notifications"]
        assert notifications["found"] == "no notification server on the session bus"
        assert (notifications["server"], notifications["actions"]) == (None, False)
        assert "dunst" in notifications["fix"]
        text = doctor(env, data_dir)
        print(text.stdout)
        assert text.returncode == 1
        assert text.stdout.splitlines()[-1] == "2 of 6 missing: tray, notifications."
        assert "→ GNOME: install and turn on the AppIndicator extension" in text.stdout
    finally:
        desktop.close()


@pytest.mark.skipif(bool(keyring_missing()), reason="needs gnome-keyring and dbus-daemon")
def test_gnome_keyring_unlocked_then_locked_without_a_prompt(tmp_path, data_dir):
    pytest.importorskip("secretstorage", reason="keyring's Secret Service backend needs it")
    gnome = GnomeKeyring(tmp_path / "home").start(unlock=True)
    try:
        # a secret stored makes the login keyring the default one
        stored = subprocess.run(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir), "secret", "set",
             "smtp_password"],
            input="mail-password", env={**gnome.full_env(), "PYTHONPATH": str(ROOT)},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert stored.returncode == 0, stored.stderr
        keyring = checks_of(doctor(gnome.full_env(), data_dir, "--json"))["keyring"]
        assert keyring == {
            "name": "keyring", "ok": True, "fix": None, "backend": "SecretService Keyring",
            "locked": False, "found": "SecretService Keyring: the default keyring is unlocked",
        }  # fmt: skip
        gnome.stop_daemon()
        gnome.start_daemon(unlock=False)  # locked now, and no display for a prompt
        started = time.monotonic()
        done = doctor(gnome.full_env(), data_dir, "--json")
        assert time.monotonic() - started < 15
        keyring = checks_of(done)["keyring"]
        assert done.returncode == 1
        assert (keyring["ok"], keyring["locked"]) == (False, True)
        assert keyring["found"] == "SecretService Keyring: the default keyring is locked"
        assert keyring["fix"].startswith("unlock it (GNOME: the Passwords and Keys app")
        print(doctor(gnome.full_env(), data_dir).stdout)
    finally:
        gnome.stop()
