"""Benchmark: one `djamon-desktop check` over 1,000 loopback sites against the 5 s floor.

990 sites answer in 20-300 ms, 10 never answer and are listed last. The floor is the timeout
itself: no round with a hung site can end before it. The script runs the whole `check`
process twice in one go (the first round starts sites in list order; the second starts the
slowest of the first round first) and prints, side by side, each round's wall time as a ratio
of the floor, the CPU it used per check, its peak memory, and the bare interpreter start-up.

    .venv/bin/python tests/bench/round.py [--sites 1000] [--hung 10] [--timeout 5]

The server runs in its own process so that it competes with the checker only as a real
server would.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests/
from tests.servers import ManySitesServer  # noqa: E402


def timed(argv: list[str]) -> tuple[float, resource.struct_rusage]:
    started = time.perf_counter()
    proc = subprocess.Popen(argv)
    _, _, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--hung", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()

    server = ManySitesServer().start()
    base = server.base
    rng = random.Random(2013)
    answering = args.sites - args.hung
    sites = [
        {"title": f"site {n}", "url": f"{base}/s/{rng.randint(20, 300)}"} for n in range(answering)
    ] + [{"title": f"hung {n}", "url": f"{base}/hang/{n}"} for n in range(args.hung)]
    doc = {
        "format": "djamon-desktop/1",
        "settings": {
            "sandbox_urls": [f"{base}/s/20"],
            "timeout_seconds": args.timeout,
            "strikes": 3,
        },
        "groups": [{"title": "Bench", "sites": sites}],
    }
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DJAMON_DATA_DIR": tmp}
        for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY"):
            env.pop(name, None)
        doc_path = Path(tmp) / "bench.json"
        doc_path.write_text(json.dumps(doc))
        subprocess.run(
            [sys.executable, "-m", "djamon_desktop", "import", str(doc_path)],
            env=env,
            check=True,
            capture_output=True,
        )
        startup, _ = timed([sys.executable, "-c", "import djamon_desktop.cli"])
        rows = []
        for label in ("round 1 (list order)", "round 2 (slowest first)"):
            started = time.perf_counter()
            proc = subprocess.Popen(
                [sys.executable, "-m", "djamon_desktop", "check", "--json"],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                env=env,
            )
            out = proc.stdout.read()
            err = proc.stderr.read()
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - started
            report = json.loads(out)
            results = report["results"]
            ok = sum(r["ok"] for r in results)
            timeouts = sum(r["error"] == "timeout" for r in results)
            if ok != answering or timeouts != args.hung:
                print(f"{label}: unexpected results: {ok} ok, {timeouts} timeouts\n{err.decode()}")
                return 1
            cpu = usage.ru_utime + usage.ru_stime
            rows.append((label, wall, cpu, usage.ru_maxrss / 1024))
    server.stop()

    floor = args.timeout
    print(
        f"{args.sites} sites ({args.hung} hung, listed last), timeout {floor:g} s, "
        f"{os.cpu_count()} cores"
    )
    print(f"{'':26} {'wall':>8} {'x floor':>8} {'CPU ms/check':>13} {'peak MiB':>9}")
    print(f"{'interpreter start-up':26} {startup:8.2f}s {startup / floor:8.3f}")
    for label, wall, cpu, rss in rows:
        print(
            f"{label:26} {wall:8.2f}s {wall / floor:8.3f} {cpu * 1000 / args.sites:13.2f} "
            f"{rss:9.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
