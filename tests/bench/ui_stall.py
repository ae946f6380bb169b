"""Benchmark: the tray app's longest UI stall while its team database misbehaves.

The real app runs in its own process on a private desktop (Xvfb, a session bus, a
StatusNotifierItem tray: tests/e2e/desktop.py), its team database on a PostgreSQL cluster
started here as the test suite starts one (tests/postgres.py), reached through a loopback relay
(tests/relay.py); its two sites and its connectivity guard are on a loopback HTTP server. Its
dashboard is open and pinged from outside every 30 ms (``_NET_WM_PING``, tests/uistall.py): a
stall is how long a ping waits for the UI thread to answer it. In one run, side by side, each
on a fresh app (tests/e2e/stalls.py, the same scenarios as tests/e2e/test_never_waits.py):

- a server hang: the cluster's processes SIGSTOPped for 40 s (a user presses Check now 2 s in);
- with ``--relay-hold``, also a connection that stops moving data for 40 s (the relay holds);
- a restart: ``pg_ctl stop`` between rounds, kept down until the tray is grey, started again;
- 300 ms a round trip (150 ms each way at the relay) over two rounds asked for with Check now.

The goal for each is a longest stall of 100 ms or less; also shown: how long the tray took to
turn grey saying "database unreachable" (goal 15 s) and to show the real state once the
database answered again (goal 5 s).

    .venv/bin/python tests/bench/ui_stall.py [--hang 40] [--delay 0.15] [--rounds 2] [--relay-hold]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests/
from tests.e2e.desktop import missing_tools  # noqa: E402
from tests.e2e.stalls import (  # noqa: E402
    BACK_WITHIN,
    GREY_WITHIN,
    STALL_LIMIT,
    Outcome,
    Rig,
    hang,
    restart,
    slow_rounds,
)
from tests.postgres import PostgresServer  # noqa: E402
from tests.servers import MisbehavingServer  # noqa: E402


def scenario(cluster, http, folder: Path, delay: float, run) -> tuple[Outcome, int | None]:
    """``run(rig)`` on a fresh app; its outcome and the app's exit code once asked to quit."""
    rig = Rig(cluster, http, folder, delay=delay)
    try:
        rig.start()
        outcome = run(rig)
    except AssertionError as exc:  # the app never got going (no green tray, no dashboard)
        outcome = Outcome(folder.name, failures=[str(exc)], stalls="not measured")
        outcome.longest_stall = float("nan")
    finally:
        code, _ = rig.close()
    return outcome, code


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    if seconds != seconds:  # nan
        return "—"
    return f"{1000 * seconds:.0f} ms"


def s(seconds: float | None, expected: bool) -> str:
    if seconds is None:
        return "never" if expected else "—"
    return f"{seconds:.1f} s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hang", type=float, default=40.0, help="seconds the server is hung")
    parser.add_argument("--delay", type=float, default=0.15, help="seconds each way, slow case")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--relay-hold", action="store_true", help="also a relay that holds")
    args = parser.parse_args()
    missing = missing_tools("sni")
    if missing:
        raise SystemExit(f"no test desktop here: missing {', '.join(missing)}")

    # (title, relay delay each way, what is done, whether the tray must grey and come back)
    cases = [
        (
            f"server hang ({args.hang:g} s SIGSTOP)",
            0.0,
            lambda r: hang(r, "sigstop", args.hang),
            True,
        )
    ]
    if args.relay_hold:
        cases.append(
            (f"relay holds ({args.hang:g} s)", 0.0, lambda r: hang(r, "relay", args.hang), True)
        )
    cases += [
        ("server restart", 0.0, restart, True),
        (
            f"{2000 * args.delay:.0f} ms round trip, {args.rounds} rounds",
            args.delay,
            lambda r: slow_rounds(r, args.rounds),
            False,
        ),
    ]

    started = time.monotonic()
    cluster = PostgresServer.create().start()
    http = MisbehavingServer().start()
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="djamon-ui-stall-") as tmp:
            for n, (title, delay, run, grey) in enumerate(cases):
                print(f"… {title}", file=sys.stderr, flush=True)
                outcome, code = scenario(cluster, http, Path(tmp) / f"case-{n}", delay, run)
                results.append((title, outcome, code, grey))
    finally:
        http.stop()
        cluster.remove()

    goal = f"≤ {1000 * STALL_LIMIT:.0f} ms"
    print(f"\nLongest UI stall (_NET_WM_PING answered by the dashboard), goal {goal} each")
    head = f"{'':36} {'longest stall':>14} {'grey after':>11} {'real again':>11}  verdict"
    print(head)
    print("-" * len(head))
    for title, outcome, _code, grey in results:
        ok = not outcome.problems(grey)
        print(
            f"{title:36} {ms(outcome.longest_stall):>14} {s(outcome.grey_after, grey):>11} "
            f"{s(outcome.back_after, grey):>11}  {'ok' if ok else 'MISSED'}"
        )
    print(f"(grey: goal {GREY_WITHIN:g} s from the hang; real again: goal {BACK_WITHIN:g} s)\n")
    for title, outcome, code, grey in results:
        print(f"{title}: {outcome.stalls}")
        details = [f"{k} {v}" for k, v in outcome.extra.items()]
        if outcome.unanswered_reads:
            details.append(f"{outcome.unanswered_reads} tray readings unanswered within 1 s")
        details.append("the app quit cleanly" if code == 0 else f"the app's exit: {code}")
        print("    " + "; ".join(details))
        for problem in outcome.problems(grey):
            print(f"    MISSED: {problem}")
    print(f"\n(the whole run took {time.monotonic() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
