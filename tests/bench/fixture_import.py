"""Benchmark: importing a Djamon fixture of a million checks (190 MB), its peak memory (the
whole process's max RSS) and its time, beside the same import by another source tree (the
code before streaming, say) when one is given.

    .venv/bin/python tests/bench/fixture_import.py [--checks 1000000] [--previous SRC]

SRC is the root of another checkout (``git worktree add /tmp/before COMMIT``); each import runs
in a process of its own, into a new data folder.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.djamon_fixture import write_fixture  # noqa: E402

#: run the command line, then print the process's peak RSS in KiB
PEAK = (
    "import resource, sys\n"
    "from djamon_desktop import cli\n"
    "code = cli.main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    "sys.exit(code)\n"
)


def measure(source: Path, fixture: Path, folder: Path) -> tuple[float, float, str]:
    """Seconds, peak MiB and the summary line of one import by the code in ``source``."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", PEAK, "--data-dir", str(folder), "import", str(fixture)],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(source), "PATH": "/usr/bin:/bin"},
        cwd=source,
    )
    took = time.perf_counter() - started
    if proc.returncode != 0:
        return took, float("nan"), f"exit {proc.returncode}: {proc.stderr.strip()[-200:]}"
    lines = proc.stdout.strip().splitlines()
    return took, int(lines[-1]) / 1024, lines[0][-90:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=1_000_000)
    parser.add_argument("--previous", type=Path, help="another source tree to measure beside")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="djamon-fixture-") as tmp:
        fixture = write_fixture(Path(tmp) / "fixture.json", args.checks)
        size = fixture.stat().st_size / 1e6
        print(f"fixture: {args.checks:,} checks, 100 sites, {size:.0f} MB")
        runs = [("this tree", ROOT)] + ([("previous", args.previous)] if args.previous else [])
        for name, source in runs:
            took, peak, said = measure(source, fixture, Path(tmp) / name.replace(" ", "-"))
            print(f"{name:>10}: {took:6.1f} s, peak RSS {peak:7.0f} MiB  ({said})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
