"""The PostgreSQL driver is loaded only for a team database: a ``check`` on the data folder's
SQLite file imports no psycopg2 (peewee would import it at its own import), while a ``check`` on
a team URL loads it and works fully. Each in a process of its own, as a user runs it."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = """
import json, sys
from djamon_desktop.cli import main
code = main(["--data-dir", sys.argv[1], "check"])
loaded = sorted(m for m in sys.modules if sys.modules[m] is not None)
print(json.dumps({"code": code, "modules": loaded}))
"""


def check_modules(data_dir, env: dict[str, str]) -> set[str]:
    """The modules loaded at the end of a ``check`` run in a new process (which succeeded)."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, str(data_dir)],
        capture_output=True, text=True, timeout=120, env={**os.environ, **env},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    found = json.loads(proc.stdout.strip().splitlines()[-1])
    assert found["code"] == 0, proc.stderr[-2000:]
    return set(found["modules"])


def test_a_check_on_sqlite_loads_no_postgresql_driver(tmp_path, monkeypatch):
    monkeypatch.delenv("DJAMON_DATABASE_URL", raising=False)
    modules = check_modules(tmp_path / "data", {})
    assert "peewee" in modules and "djamon_desktop.store.database" in modules  # read right
    assert not {m for m in modules if m.split(".")[0] in ("psycopg2", "psycopg")}
    assert "djamon_desktop.store.connection" not in modules


def test_a_check_on_a_team_url_loads_it(tmp_path, team_url):
    modules = check_modules(tmp_path / "data", {"DJAMON_DATABASE_URL": team_url})
    assert {"psycopg2", "psycopg2.extensions", "djamon_desktop.store.connection"} <= modules
