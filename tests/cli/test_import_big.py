"""A large Djamon fixture: its import takes memory that does not grow with its checks, and a
round that meets it (``check`` in another process, on the same data folder) waits its turn and
stores its round, never failing with "database is locked"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from ..conftest import document, group, site
from ..djamon_fixture import write_fixture

#: imports one file and prints the process's peak RSS (KiB) as its last line
PEAK = (
    "import resource, sys\n"
    "from djamon_desktop import cli\n"
    "code = cli.main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def peak_rss_kib(tmp_path: Path, checks: int) -> int:
    fixture = write_fixture(tmp_path / f"f{checks}.json", checks)
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            PEAK,
            "--data-dir",
            str(tmp_path / f"d{checks}"),
            "import",
            str(fixture),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    assert f"added 10 groups, 100 sites, {checks} checks" in proc.stdout
    return int(proc.stdout.split()[-1])


def test_peak_memory_does_not_grow_with_the_checks(tmp_path):
    """Four times the checks (14 MB of file more) take less than 12 MiB more at the peak; read
    whole, as before, each check took about 2 KiB (60,000 more: 120 MiB)."""
    small = peak_rss_kib(tmp_path, 20_000)
    large = peak_rss_kib(tmp_path, 80_000)
    print(f"peak RSS: 20,000 checks {small / 1024:.0f} MiB, 80,000 {large / 1024:.0f} MiB")
    assert large - small < 12 * 1024, (small, large)


def test_a_check_during_a_large_import_stores_its_round(run, server, data_dir, tmp_path):
    up = server.url("/")
    assert run("import", _document(tmp_path, up)).code == 0
    fixture = write_fixture(tmp_path / "big.json", 300_000, url=up)
    importing = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "djamon_desktop",
            "--data-dir",
            str(data_dir),
            "import",
            str(fixture),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for_checks(data_dir / "djamon.sqlite3", importing)
        check = subprocess.run(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir), "check"],
            capture_output=True,
            text=True,
            timeout=120,
        )
        still_importing = importing.poll() is None
        out, err = importing.communicate(timeout=300)
    finally:
        importing.kill()
    assert "locked" not in check.stderr
    assert check.returncode == 0, check.stderr  # every site answered 200
    assert still_importing, "the import ended before the round: too small to meet it"
    assert importing.returncode == 0, err
    assert "added 10 groups, 100 sites, 300000 checks" in out
    with sqlite3.connect(data_dir / "djamon.sqlite3") as db:
        rounds = db.execute('SELECT count(*) FROM "check" WHERE time > 1600000000000').fetchone()
        total = db.execute('SELECT count(*) FROM "check"').fetchone()
    assert rounds == (101,)  # the round's: the imported sites and the one of the document
    assert total == (300_101,)


def _document(tmp_path: Path, url: str) -> str:
    path = tmp_path / "doc.json"
    doc = document(group("Own", site("Own site", url)), retention_days=36500)
    path.write_text(__import__("json").dumps(doc))
    return str(path)


def _wait_for_checks(database: Path, importing: subprocess.Popen) -> None:
    """Until the import is storing its checks (its first batches are in)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert importing.poll() is None, importing.communicate()
        try:
            with sqlite3.connect(database, timeout=5) as db:
                if db.execute('SELECT count(*) FROM "check"').fetchone()[0] >= 20_000:
                    return
        except sqlite3.OperationalError:
            pass
        time.sleep(0.2)
    raise AssertionError("the import stored no checks within 120 s")
