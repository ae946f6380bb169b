"""Run some tests while CPU burners keep every core busy, to show they don't need timing luck.

    python -m tests.under_load [--burners N] [--runs K] [--nice N] -- PYTEST_ARGS...

A clean run on a shared 2-core machine once failed on a wall-clock bound that held on an idle
one. This starts ``N`` plain busy loops (default: one a core), each its own process so the GIL
can't throttle them, at the niceness given (default 0, as hard as the tests), runs pytest on the
given arguments ``K`` times, and stops the burners it started, by their ids. The exit code is
pytest's worst one; each run's outcome line is printed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

_BURN = "while True: pass"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.under_load")
    parser.add_argument("--burners", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--nice", type=int, default=0)
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    pytest_args = [a for a in args.pytest_args if a != "--"] or ["tests"]
    burners = [
        subprocess.Popen(
            [sys.executable, "-c", _BURN],
            preexec_fn=(lambda: os.nice(args.nice)) if args.nice else None,
        )
        for _ in range(args.burners)
    ]
    worst = 0
    try:
        for run in range(1, args.runs + 1):
            done = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *pytest_args],
                capture_output=True,
                text=True,
            )
            outcome = (done.stdout.strip().splitlines() or [""])[-1]
            print(f"run {run}/{args.runs} under {args.burners} burners: {outcome}")
            if done.returncode:
                print(done.stdout[-6000:], done.stderr[-2000:], sep="\n")
            worst = max(worst, done.returncode)
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()
    return worst


if __name__ == "__main__":
    sys.exit(main())
