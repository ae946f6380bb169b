"""Benchmark: whole `djamon-desktop check` processes against the timeout's floor, beside curl.

For each size (250, 1,000 and 4,000 sites by default) the sites are imported into a fresh data
folder: all but 10 answer in 20-300 ms, 10 never answer and are listed last. Then three rounds
run, each a whole process timed from its start to its exit:

- round 1, the first after the import (checks start in list order, the hung sites last);
- round 2 (the slowest of round 1 start first);
- curl, the same URLs in list order: ``curl -Z --parallel-immediate --parallel-max N -I -m T``.

Printed for each: the wall time as a ratio of the timeout (no round with a hung site can end
before it), the CPU per check (user and system, the whole process) and the peak memory.

    .venv/bin/python tests/bench/round.py [--sizes 250,1000,4000] [--hung 10] [--timeout 5]

The server runs in its own process so that it competes with the checker only as a real
server would.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests/
import djamon_desktop  # noqa: E402
from tests.servers import ManySitesServer  # noqa: E402


def run(
    argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0, 1)
) -> tuple[float, resource.struct_rusage, bytes]:
    """Run a process to its exit: wall seconds, its resource usage, its standard output."""
    with tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=err, env=env)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
        proc.stdout.close()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in ok:
            err.seek(0)
            raise SystemExit(f"{argv[:4]} ... exited {proc.returncode}\n{err.read().decode()}")
    return wall, usage, out


def sites_for(base: str, count: int, hung: int) -> list[dict]:
    rng = random.Random(2013)
    return [
        {"title": f"site {n}", "url": f"{base}/s/{rng.randint(20, 300)}"}
        for n in range(count - hung)
    ] + [{"title": f"hung {n}", "url": f"{base}/hang/{n}"} for n in range(hung)]


def check_round(env: dict[str, str], count: int, hung: int) -> tuple[float, float, float]:
    wall, usage, out = run([sys.executable, "-m", "djamon_desktop", "check", "--json"], env)
    results = json.loads(out)["results"]
    ok = sum(r["ok"] for r in results)
    timeouts = sum(r["error"] == "timeout" for r in results)
    if ok != count - hung or timeouts != hung:
        raise SystemExit(f"{count} sites: unexpected results: {ok} ok, {timeouts} timeouts")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def curl_round(
    curl: str, urls: list[str], timeout: float, tmp: Path, env: dict[str, str]
) -> tuple[float, float, float]:
    config = tmp / "curl.conf"
    config.write_text("".join(f'url = "{u}"\noutput = "/dev/null"\n' for u in urls))
    argv = [curl, "-s", "-Z", "--parallel-immediate", "--parallel-max", str(len(urls))]
    argv += ["-I", "-m", f"{timeout:g}", "-K", str(config)]
    wall, usage, _ = run(argv, env, ok=(0, 28))  # 28: some transfer timed out
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="250,1000,4000")
    parser.add_argument("--hung", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    curl = shutil.which("curl")

    server = ManySitesServer().start()
    env = {**os.environ}
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        env.pop(name, None)
    # The app as pip installs it: its modules byte-compiled once (pip compiles a wheel's at
    # install), not compiled again by every process because the shell said not to cache them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run([sys.executable, "-m", "compileall", "-q", str(Path(djamon_desktop.__file__).parent)], env)
    rows: list[tuple[int, str, tuple[float, float, float]]] = []
    try:
        startup, _, _ = run([sys.executable, "-c", "import djamon_desktop.cli"], env)
        for count in sizes:
            sites = sites_for(server.base, count, args.hung)
            with tempfile.TemporaryDirectory() as folder:
                tmp = Path(folder)
                env["DJAMON_DATA_DIR"] = str(tmp)
                doc = {
                    "format": "djamon-desktop/1",
                    "settings": {
                        "sandbox_urls": [f"{server.base}/s/20"],
                        "timeout_seconds": args.timeout,
                        "strikes": 3,
                    },
                    "groups": [{"title": "Bench", "sites": sites}],
                }
                (tmp / "bench.json").write_text(json.dumps(doc))
                run(
                    [sys.executable, "-m", "djamon_desktop", "import", str(tmp / "bench.json")], env
                )
                rows.append((count, "round 1 (after import)", check_round(env, count, args.hung)))
                rows.append((count, "round 2", check_round(env, count, args.hung)))
                if curl:
                    urls = [s["url"] for s in sites]
                    rows.append((count, "curl -Z", curl_round(curl, urls, args.timeout, tmp, env)))
    finally:
        server.stop()

    floor = args.timeout
    load = os.getloadavg()[0]
    print(
        f"{args.hung} hung sites listed last, timeout {floor:g} s, {os.cpu_count()} cores, "
        f"load {load:.2f} before the last round"
    )
    print(f"importing the command line: {startup:.2f} s (the whole process)")
    if not curl:
        print("curl: not on this machine, no reference rounds")
    print(f"{'sites':>6} {'':24} {'wall':>7} {'x floor':>8} {'CPU ms/check':>13} {'peak MiB':>9}")
    for count, label, (wall, cpu, rss) in rows:
        print(
            f"{count:6d} {label:24} {wall:6.2f}s {wall / floor:8.3f} "
            f"{cpu * 1000 / count:13.2f} {rss:9.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
