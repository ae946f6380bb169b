"""Benchmark: whole `djamon-desktop check` processes against the timeout's floor, beside curl.

For each size (1,000, 4,000 and 10,000 sites by default) the sites are imported into a fresh
data folder: all but 10 answer in 20-300 ms, 10 never answer and are listed last. The sites are
spread over many servers (ports of one test server process, 50 sites a port by default), as a
real round meets them: a thousand sites on one port would measure the test server, and a
polite round holds back checks to one server. Then three rounds run, each a whole process timed
from its start to its exit:

- round 1, the first after the import (checks start in list order, the hung sites last);
- round 2 (the slowest of round 1 start first);
- curl, the same URLs in list order: ``curl -Z --parallel-immediate --parallel-max N -I -m T``
  (N: the sites, at most ``--curl-max``).

The GET+text rows (1,000 sites by default, ``--text-sizes``) do the same with sites whose
``expect`` asks for a text at the end of a 20 KiB body (``--body``), so every check is a GET that
reads the whole body; curl GETs them too (without looking at the text). The server counts the
GETs it answers: a row whose checks were not GETs (a build whose import does not know ``expect``
yet) says so.

A round in which a site that answers is not reported ok says so (``FAILED: 12 timeout``):
such a round is a monitor reporting its own trouble as the sites'. Printed for each: the wall
time as a ratio of the timeout (no round with a hung site can end before it), the CPU per
check (user and system, the whole process and the processes it started) and the peak memory
(of the largest of them).

    .venv/bin/python tests/bench/round.py [--sizes 1000,4000,10000] [--text-sizes 1000]
        [--hung 10] [--timeout 5] [--per-port 50] [--body 20480] [--curl-max 1000] [--load 0]

``--load N`` keeps N more processes busy on the machine during the rounds (a loaded machine).

The server runs in its own process so that it competes with the checker only as a real
server would.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests/
import djamon_desktop  # noqa: E402
from tests.servers import MANY_SITES_TEXT, ManySitesServer  # noqa: E402

Row = tuple[float, float, float]  # wall seconds, CPU seconds, peak MiB


#: GNU time, to read a process's peak memory: a process this one starts inherits its peak
#: (Linux keeps the peak of the memory an exec replaces), so it is asked of a small starter
GNU_TIME = "/usr/bin/time" if os.path.exists("/usr/bin/time") else None


def run(
    argv: list[str], env: dict[str, str], ok: tuple[int, ...] = (0, 1)
) -> tuple[float, float, float, bytes]:
    """Run a process to its exit: wall seconds, CPU seconds, peak MiB, its standard output.
    On Linux the usage wait4 gives covers the processes it waited for too (the checks a round
    spreads over processes): their CPU is added, and the peak memory is the largest one's."""
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r") as peak:
        if GNU_TIME:
            argv = [GNU_TIME, "-q", "-f", "%M", "-o", peak.name, *argv]
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
        said = peak.read().split()
    kib = int(said[-1]) if said and said[-1].isdigit() else usage.ru_maxrss
    return wall, usage.ru_utime + usage.ru_stime, kib / 1024, out


def sites_for(
    bases: list[str], count: int, hung: int, per_port: int, expect: dict | None = None
) -> list[dict]:
    """``count`` sites, ``per_port`` to a server (the hung ones last, on the last servers)."""
    rng = random.Random(2013)
    sites = [
        {"title": f"site {n}", "url": f"{bases[n // per_port]}/s/{rng.randint(20, 300)}"}
        for n in range(count - hung)
    ] + [
        {"title": f"hung {n}", "url": f"{bases[(count - hung + n) // per_port]}/hang/{n}"}
        for n in range(hung)
    ]
    if expect:
        for s in sites:
            s["expect"] = expect
    return sites


def check_round(env: dict[str, str], count: int, hung: int) -> tuple[Row, str]:
    """One round; the row, and what went wrong beyond the hung sites' timeouts ("": nothing)."""
    wall, cpu, peak, out = run([sys.executable, "-m", "djamon_desktop", "check", "--json"], env)
    results = json.loads(out)["results"]
    ok = sum(r["ok"] for r in results)
    wrong = Counter(str(r["error"]) for r in results if not r["ok"])
    wrong["timeout"] -= hung
    if ok + sum(wrong.values()) != count - hung or wrong["timeout"] < 0:
        raise SystemExit(f"{count} sites: {ok} ok and {dict(wrong)} for {count - hung} answering")
    said = ", ".join(f"{n} {kind}" for kind, n in sorted(wrong.items()) if n)
    return (wall, cpu, peak), said


def curl_round(
    curl: str,
    urls: list[str],
    timeout: float,
    tmp: Path,
    env: dict[str, str],
    most: int,
    head: bool,
) -> Row:
    config = tmp / "curl.conf"
    config.write_text("".join(f'url = "{u}"\noutput = "/dev/null"\n' for u in urls))
    argv = [curl, "-s", "-Z", "--parallel-immediate", "--parallel-max", str(min(len(urls), most))]
    argv += ["-I"] if head else []
    argv += ["-m", f"{timeout:g}", "-K", str(config)]
    wall, cpu, peak, _ = run(argv, env, ok=(0, 28))  # 28: some transfer timed out
    return wall, cpu, peak


def import_sites(env: dict[str, str], tmp: Path, sandbox: str, timeout: float, sites: list) -> bool:
    """Import ``sites`` into the data folder ``tmp``; False when import refuses them."""
    doc = {
        "format": "djamon-desktop/1",
        "settings": {"sandbox_urls": [sandbox], "timeout_seconds": timeout, "strikes": 3},
        "groups": [{"title": "Bench", "sites": sites}],
    }
    (tmp / "bench.json").write_text(json.dumps(doc))
    argv = [sys.executable, "-m", "djamon_desktop", "import", str(tmp / "bench.json")]
    return subprocess.run(argv, env=env, capture_output=True).returncode == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,4000,10000")
    parser.add_argument("--text-sizes", default="1000")
    parser.add_argument("--hung", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--per-port", type=int, default=50)
    parser.add_argument("--body", type=int, default=20 * 1024)
    parser.add_argument("--curl-max", type=int, default=1000)
    parser.add_argument(
        "--load", type=int, default=0, help="processes that keep a core busy during the rounds"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    text_sizes = [int(s) for s in args.text_sizes.split(",") if s]
    curl = shutil.which("curl")

    ports = math.ceil(max(sizes + text_sizes) / args.per_port)
    server = ManySitesServer(ports=ports, body=args.body).start()
    env = {**os.environ}
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        env.pop(name, None)
    # The app as pip installs it: its modules byte-compiled once (pip compiles a wheel's at
    # install), not compiled again by every process because the shell said not to cache them.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    run([sys.executable, "-m", "compileall", "-q", str(Path(djamon_desktop.__file__).parent)], env)
    rows: list[tuple[int, str, Row]] = []
    notes: list[str] = []
    plan = [(n, False) for n in sizes] + [(n, True) for n in text_sizes]
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.load)]
    try:
        startup, _, _, _ = run([sys.executable, "-c", "import djamon_desktop.cli"], env)
        for count, text in plan:
            expect = {"text": MANY_SITES_TEXT} if text else None
            kind = "GET+text" if text else "HEAD"
            sites = sites_for(server.bases, count, args.hung, args.per_port, expect)
            with tempfile.TemporaryDirectory() as folder:
                tmp = Path(folder)
                env["DJAMON_DATA_DIR"] = str(tmp)
                sandbox = f"{server.base}/s/20"
                if not import_sites(env, tmp, sandbox, args.timeout, sites):
                    if not text:
                        raise SystemExit(f"{count} sites: import refused them")
                    notes.append(f"{count} {kind}: import refused expect; the sites went as HEADs")
                    for s in sites:
                        del s["expect"]
                    import_sites(env, tmp, sandbox, args.timeout, sites)
                for label in ("round 1 (after import)", "round 2"):
                    gets = server.gets
                    row, wrong = check_round(env, count, args.hung)
                    if text and server.gets - gets < count - args.hung:
                        label += " (HEADs)"
                    if wrong:
                        label += f" FAILED: {wrong}"
                    rows.append((count, f"{kind} {label}", row))
                if curl:
                    urls = [s["url"] for s in sites]
                    row = curl_round(curl, urls, args.timeout, tmp, env, args.curl_max, not text)
                    rows.append((count, f"{kind} curl -Z", row))
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
        server.stop()

    floor = args.timeout
    load = os.getloadavg()[0]
    print(
        f"{args.hung} hung sites listed last, {args.per_port} sites a server (port), "
        f"timeout {floor:g} s, {os.cpu_count()} cores, load {load:.2f} after the last round"
        + (f" ({args.load} busy processes beside)" if args.load else "")
    )
    print(f"importing the command line: {startup:.2f} s (the whole process)")
    print(f"GET+text: a {args.body}-byte body, the text at its end; curl at most {args.curl_max}")
    for note in notes:
        print(note)
    if not curl:
        print("curl: not on this machine, no reference rounds")
    print(f"{'sites':>6} {'':40} {'wall':>7} {'x floor':>8} {'CPU ms/check':>13} {'peak MiB':>9}")
    for count, label, (wall, cpu, rss) in rows:
        print(
            f"{count:6d} {label:40} {wall:6.2f}s {wall / floor:8.3f} "
            f"{cpu * 1000 / count:13.2f} {rss:9.1f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
