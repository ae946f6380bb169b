"""The data folder is private whatever the umask: real commands run with umask 000, then the
modes on disk are read. The default folder is 0700 (an older, looser one is tightened, and the
log says so); a folder the user names keeps its mode; every file written is 0600."""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from djamon_desktop.cli.logfile import setup_logging
from djamon_desktop.paths import DB_NAME

from ..conftest import document, group, site

# what a data folder holds while a reader has the database open, each file private
WHILE_READ = {
    "logs": 0o700,
    "logs/djamon-desktop.log": 0o600,
    DB_NAME: 0o600,
    f"{DB_NAME}-shm": 0o600,
    f"{DB_NAME}-wal": 0o600,
}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def modes(folder: Path) -> dict[str, int]:
    """Every file and folder below ``folder`` (relative name -> mode)."""
    return {str(p.relative_to(folder)): mode(p) for p in sorted(folder.rglob("*"))}


@pytest.fixture
def program(monkeypatch, tmp_path):
    """The program in its own process with umask 000 (anything not made private would be
    world-readable and writable)."""

    def call(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [sys.executable, "-m", "djamon_desktop", *args],
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            umask=0o000,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
        return result

    return call


@pytest.fixture
def default_dir(monkeypatch, tmp_path) -> Path:
    """No --data-dir and no DJAMON_DATA_DIR: the platform's folder, under a home of the test's."""
    monkeypatch.delenv("DJAMON_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    return tmp_path / "xdg-data" / "djamon-desktop"


def sites_file(tmp_path: Path, server) -> str:
    path = tmp_path / "sites.json"
    path.write_text(json.dumps(document(group("G", site("A", server.url("/status/200"))))))
    return str(path)


def check_while_a_reader_holds_the_wal(program, data_dir: Path) -> dict[str, int]:
    """A `check` while another connection is open, so the WAL and SHM files stay to be looked at."""
    reader = sqlite3.connect(data_dir / DB_NAME)
    try:
        reader.execute("SELECT count(*) FROM sqlite_master").fetchone()
        program("check")
        assert (data_dir / f"{DB_NAME}-wal").exists() and (data_dir / f"{DB_NAME}-shm").exists()
        found = modes(data_dir)
    finally:
        reader.close()
    return found


def test_the_default_folder_and_everything_in_it_are_private(
    program, default_dir, server, tmp_path
):
    program("import", sites_file(tmp_path, server))
    found = check_while_a_reader_holds_the_wal(program, default_dir)
    assert mode(default_dir) == 0o700
    assert found == WHILE_READ
    assert mode(default_dir.parent) == 0o777  # only the app's own folder is its business


def test_a_folder_the_user_names_keeps_its_mode_and_its_files_are_private(
    program, server, tmp_path
):
    named = tmp_path / "shared"
    named.mkdir()
    named.chmod(0o775)
    program("--data-dir", str(named), "import", sites_file(tmp_path, server))
    found = check_while_a_reader_holds_the_wal(
        lambda *a: program("--data-dir", str(named), *a), named
    )
    assert mode(named) == 0o775
    assert found == WHILE_READ
    # and one the program creates itself (DJAMON_DATA_DIR) gets the umask's mode, as mkdir does
    fresh = tmp_path / "made" / "here"
    program("sites", env={"DJAMON_DATA_DIR": str(fresh)})
    assert mode(fresh) == 0o777
    assert modes(fresh) == {"logs": 0o700, "logs/djamon-desktop.log": 0o600, DB_NAME: 0o600}


def test_an_older_loose_default_folder_is_tightened_once_and_the_log_says_so(program, default_dir):
    program("sites")
    # as an older version left it under umask 022
    default_dir.chmod(0o755)
    (default_dir / "logs").chmod(0o755)
    (default_dir / DB_NAME).chmod(0o644)
    (default_dir / "logs" / "djamon-desktop.log").chmod(0o644)
    (default_dir / "logs" / "djamon-desktop.log.1").write_text("an older log\n")
    (default_dir / "logs" / "djamon-desktop.log.1").chmod(0o644)

    program("sites")
    assert mode(default_dir) == 0o700
    assert modes(default_dir) == {
        "logs": 0o700,
        "logs/djamon-desktop.log": 0o600,
        "logs/djamon-desktop.log.1": 0o600,
        DB_NAME: 0o600,
    }
    log = (default_dir / "logs" / "djamon-desktop.log").read_text()
    said = [line.split(": ", 1)[1] for line in log.splitlines() if "made it private" in line]
    assert said == [
        f"{default_dir} was readable by others (0755); made it private (0700)",
        f"{default_dir / 'logs'} was readable by others (0755); made it private (0700)",
        f"{default_dir / DB_NAME} was readable by others (0644); made it private (0600)",
        f"{default_dir / 'logs' / 'djamon-desktop.log'} was readable by others (0644); "
        "made it private (0600)",
        f"{default_dir / 'logs' / 'djamon-desktop.log.1'} was readable by others (0644); "
        "made it private (0600)",
    ]
    program("sites")
    again = (default_dir / "logs" / "djamon-desktop.log").read_text()
    assert again.count("made it private") == len(said)


def test_the_backup_taken_before_migrating_is_private(program, data_dir, monkeypatch):
    from djamon_desktop.store import database

    with monkeypatch.context() as patch:  # a database as the first release wrote it
        patch.setattr(database, "STEPS", database.STEPS[:1])
        patch.setattr(database, "LATEST", 1)
        data_dir.mkdir()
        database.open_database(data_dir / DB_NAME)
        database.close_database()
    (data_dir / DB_NAME).chmod(0o644)

    program("sites")
    assert mode(data_dir / f"{DB_NAME}.schema1.bak") == 0o600
    assert mode(data_dir / DB_NAME) == 0o600


def test_rotated_logs_stay_private(tmp_path):
    """The log rolls over at 1 MB; each new file is opened private, whatever the umask."""
    (tmp_path / "logs").mkdir()
    old = os.umask(0o000)
    try:
        setup_logging(tmp_path)
        for n in range(5):
            logging.getLogger("djamon-desktop").warning("line %d %s", n, "x" * 600_000)
    finally:
        os.umask(old)
        root = logging.getLogger()
        for handler in [h for h in root.handlers if getattr(h, "_djamon", False)]:
            root.removeHandler(handler)
            handler.close()
    assert modes(tmp_path / "logs") == {
        "djamon-desktop.log": 0o600,
        "djamon-desktop.log.1": 0o600,
        "djamon-desktop.log.2": 0o600,
        "djamon-desktop.log.3": 0o600,
    }
