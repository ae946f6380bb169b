"""``doctor`` run as a person runs it, in its own process: the data folder's mode, the SQLite
file's and a team database's schema (reached, and unreachable with its password as ***), no
display, bad usage (exit 2) and probes that never answer (a keyring waiting on a prompt, a
database server that accepts and then says nothing): failed checks in time, never a hang.
The desktop's own checks (tray host, notification server, GNOME Keyring) are in
tests/e2e/test_doctor.py, on real desktops."""

from __future__ import annotations

import json
import os
import socket
import time
from pathlib import Path

import pytest

from djamon_desktop.store.migrations import LATEST

from ..postgres import PASSWORD

NAMES = ["display", "tray", "notifications", "keyring", "database", "data_folder"]
#: nothing of the machine's own session: no display and no session bus
NO_SESSION = {"DISPLAY": "", "WAYLAND_DISPLAY": "", "DBUS_SESSION_BUS_ADDRESS": "",
              "XDG_RUNTIME_DIR": ""}  # fmt: skip


def doctor(run_process, *args: str, env: dict | None = None):
    result = run_process(*args, "doctor", "--json", env={**NO_SESSION, **(env or {})})
    assert result.err == "", result.err
    found = json.loads(result.out)
    assert [c["name"] for c in found["checks"]] == NAMES
    assert found["ok"] == all(c["ok"] for c in found["checks"])
    for c in found["checks"]:
        assert (c["fix"] is None) == c["ok"], c
        assert c["found"]
    return result.code, {c["name"]: c for c in found["checks"]}


def test_with_no_display_and_no_session_bus_each_missing_thing_says_what_to_do(
    run_process, data_dir
):
    code, checks = doctor(run_process)
    assert code == 1
    assert checks["display"]["ok"] is False
    assert "no DISPLAY or WAYLAND_DISPLAY" in checks["display"]["found"]
    assert "desktop session" in checks["display"]["fix"]
    assert (checks["tray"]["ok"], checks["tray"]["host"]) == (False, None)
    assert "AppIndicator" in checks["tray"]["fix"]
    assert checks["notifications"]["server"] is None
    assert checks["notifications"]["actions"] is False
    # the tests' keyring is keyring's "fail" backend: no OS keyring
    assert checks["keyring"] == {
        "name": "keyring", "ok": False, "found": "no usable OS keyring was found",
        "fix": checks["keyring"]["fix"], "backend": None, "locked": False,
    }  # fmt: skip
    assert "GNOME Keyring" in checks["keyring"]["fix"]
    # nothing made: a data folder not there yet is one the app will make
    assert not data_dir.exists()
    assert checks["data_folder"]["ok"] is True and checks["data_folder"]["mode"] is None
    assert checks["database"] == {
        "name": "database", "ok": True, "fix": None, "reached": False, "schema": None,
        "found": f"no database yet: the app makes {data_dir / 'djamon.sqlite3'} when it first "
        "starts",
    }  # fmt: skip
    text = run_process("doctor", env=NO_SESSION)
    assert text.code == 1 and text.err == ""
    lines = text.out.splitlines()
    assert lines[0].split()[:2] == ["missing", "display"]
    assert lines[1].strip().startswith("→ run djamon-desktop from the desktop session")
    assert lines[-1] == "4 of 6 missing: display, tray, notifications, keyring."


@pytest.mark.parametrize(("mode", "ok"), [(0o700, True), (0o750, True), (0o770, False),
                                          (0o777, False)])  # fmt: skip
def test_the_data_folder_is_not_ok_when_others_can_write_in_it(run_process, data_dir, mode, ok):
    data_dir.mkdir()
    data_dir.chmod(mode)
    code, checks = doctor(run_process)
    folder = checks["data_folder"]
    assert (folder["ok"], folder["path"], folder["mode"]) == (ok, str(data_dir), f"{mode:04o}")
    if not ok:
        assert folder["fix"] == f"chmod 700 {data_dir}"
        assert "can write in it" in folder["found"]
    assert stat_mode(data_dir) == mode  # reported as found, not changed


def stat_mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_data_folder_that_cannot_be_made_is_a_failed_check(run_process, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    code, checks = doctor(run_process, "--data-dir", str(blocker / "data"))
    assert code == 1
    folder = checks["data_folder"]
    assert folder["found"] == (
        f"{blocker / 'data'} can't be made: {blocker} is not a folder you can write in"
    )
    assert "--data-dir" in folder["fix"] and folder["mode"] is None


def test_the_sqlite_file_is_read_with_its_schema_step(run_process, data_dir):
    assert run_process("sites").code == 0  # the first command makes the database
    _code, checks = doctor(run_process)
    database = checks["database"]
    assert (database["ok"], database["reached"], database["schema"]) == (True, True, LATEST)
    assert (
        database["found"]
        == f"SQLite file {data_dir / 'djamon.sqlite3'}, schema {LATEST} (this version's)"
    )
    assert checks["data_folder"]["ok"] is True


def test_a_database_from_a_newer_version_is_missing_with_what_to_do(run_process, data_dir):
    import sqlite3

    assert run_process("sites").code == 0
    with sqlite3.connect(data_dir / "djamon.sqlite3") as conn:
        conn.execute("UPDATE schema_version SET version = ?", (LATEST + 5,))
    conn.close()
    code, checks = doctor(run_process)
    assert code == 1
    database = checks["database"]
    assert (database["ok"], database["reached"], database["schema"]) == (False, True, LATEST + 5)
    assert "newer djamon-desktop" in database["found"] and "install the newer" in database["fix"]


def test_a_team_database_is_reached_and_its_schema_read(run_process, team_url_at_latest):
    _code, checks = doctor(run_process, "--database", team_url_at_latest)
    database = checks["database"]
    assert (database["ok"], database["reached"], database["schema"]) == (True, True, LATEST)
    assert database["found"].startswith("team database postgresql://djamon:***@127.0.0.1:")
    assert PASSWORD not in json.dumps(checks)
    # the environment's choice, as the app would open it
    _code, checks = doctor(run_process, env={"DJAMON_DATABASE_URL": team_url_at_latest})
    assert checks["database"]["reached"] is True


def test_an_unreachable_team_database_is_a_failed_check_exit_1_not_4(run_process):
    url = f"postgresql://djamon:{PASSWORD}@127.0.0.1:1/nowhere"
    code, checks = doctor(run_process, "--database", url)
    assert code == 1
    database = checks["database"]
    assert (database["ok"], database["reached"], database["schema"]) == (False, False, None)
    assert database["found"].startswith(
        "database postgresql://djamon:***@127.0.0.1:1/nowhere can't be reached"
    )
    assert "Settings › Team" in database["fix"]
    text = run_process("--database", url, "doctor", env=NO_SESSION)
    assert text.code == 1
    assert PASSWORD not in text.out + text.err
    assert "postgresql://djamon:***@127.0.0.1:1/nowhere can't be reached" in " ".join(
        text.out.split()
    )


def test_bad_usage_is_exit_2_with_one_line(run_process):
    for args in (["doctor", "--jsn"], ["--database", "nope", "doctor"]):
        result = run_process(*args, env=NO_SESSION)
        assert result.code == 2 and result.out == ""
        assert len(result.err.splitlines()) == 1 and "Traceback" not in result.err


def test_probes_that_never_answer_are_failed_checks_in_time(run_process, tmp_path):
    """A keyring stuck on an unlock prompt (the 15 s rule) and a database server that accepts
    the connection and says nothing (the connect timeout): both said so, doctor done in time."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)  # the kernel completes connections; nobody ever reads or answers
    port = silent.getsockname()[1]
    here = Path(__file__).resolve().parent
    env = {
        "PYTHON_KEYRING_BACKEND": "stuck_keyring.Keyring",
        "PYTHONPATH": os.pathsep.join([os.environ.get("PYTHONPATH", ""), str(here)]),
    }
    started = time.monotonic()
    try:
        code, checks = doctor(
            run_process, "--database", f"postgresql://djamon:{PASSWORD}@127.0.0.1:{port}/x", env=env
        )
    finally:
        silent.close()
    took = time.monotonic() - started
    assert code == 1
    assert took < 40, took
    assert checks["keyring"]["ok"] is False
    assert "did not answer within 15 s" in checks["keyring"]["found"]
    assert "unlock it" in checks["keyring"]["fix"]
    assert checks["database"]["ok"] is False and checks["database"]["reached"] is False
    assert (
        "127.0.0.1" in checks["database"]["found"] and PASSWORD not in checks["database"]["found"]
    )


def test_a_saved_team_choice_that_cannot_be_read_is_the_database_check_failing(
    run_process, data_dir
):
    data_dir.mkdir(mode=0o700)
    (data_dir / "team.json").write_text("{not json")
    code, checks = doctor(run_process)
    assert code == 1
    database = checks["database"]
    assert (database["ok"], database["reached"]) == (False, False)
    assert database["found"].startswith(f"{data_dir / 'team.json'}: not JSON")
    assert database["fix"] == "fix or delete it"
