"""The command line starts fast: --version and --help load no database, network, keyring or Qt
code and none of the command modules; each command in the grammar has the function that runs it;
a database error (told apart from a bug without peewee imported up front) is one line and exit 2."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest

from djamon_desktop.cli import command
from djamon_desktop.cli.parser import build_parser
from djamon_desktop.paths import DB_NAME

from ..conftest import document, group, site

URL = "http://127.0.0.1:9/"
HEAVY = ("peewee", "requests", "PySide6", "keyring", "tweepy", "asyncio", "logging.handlers")


def imported(*args: str) -> set[str]:
    """Every module the program imports, run in its own process, for ``args``."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "djamon_desktop", *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return {
        line.rsplit("|", 1)[1].strip()
        for line in proc.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }


@pytest.mark.parametrize("args", [["--version"], ["--help"], ["schedule", "--help"]])
def test_version_and_help_load_nothing_heavy(args):
    modules = imported(*args)
    assert "djamon_desktop.cli.parser" in modules  # the trace is read right
    assert not {m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY}
    assert not {
        m
        for m in modules
        if m.startswith(("djamon_desktop.store", "djamon_desktop.gui", "djamon_desktop.alerts"))
    }
    assert "djamon_desktop.cli.check" not in modules


def test_a_lookup_loads_no_qt_keyring_or_x_client():
    modules = imported("schedule", "--count", "1")
    assert "peewee" in modules  # the settings come from the database
    assert not {m for m in modules if m.split(".")[0] in ("PySide6", "keyring", "tweepy")}


def test_every_command_in_the_grammar_runs_a_function():
    parser = build_parser()
    (commands,) = [a for a in parser._actions if a.dest == "command"]
    assert (
        len(commands.choices) == 21
    )  # pause, resume, copy-database, ack, unack, note, recheck, doctor, report among them
    for name in commands.choices:
        assert callable(command(name)), name
        assert command(name).__name__ == "cmd_" + name.replace("-", "_")


def test_a_damaged_database_is_one_line_and_exit_2(run, data_dir, tmp_path):
    assert run("sites").code == 0  # the database exists, migrated
    with sqlite3.connect(data_dir / DB_NAME) as db:
        (page,) = db.execute("SELECT rootpage FROM sqlite_master WHERE name = 'site'").fetchone()
        (size,) = db.execute("PRAGMA page_size").fetchone()
    db.close()
    with (data_dir / DB_NAME).open("r+b") as file:
        file.seek((page - 1) * size)
        file.write(b"\xff" * size)  # the site table's first page, not a page any more
    (tmp_path / "doc.json").write_text(json.dumps(document(group("G", site("A", URL)))))
    result = run("import", str(tmp_path / "doc.json"))
    assert result.code == 2
    assert result.err.startswith("djamon-desktop: the database is damaged or not a djamon-desktop")
    assert len(result.err.splitlines()) == 1
