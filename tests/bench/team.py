"""Benchmark: a team of 5 vantages × 1,000 sites on one PostgreSQL on this machine.

A PostgreSQL cluster is started as the test suite starts one (tests/postgres.py: initdb in a
temporary folder, a loopback port, fsync off as in the tests, so the figures are of the app and
not of this machine's disk). The sites are those of tests/bench/round.py (all but 10 answer in
20-300 ms; 10 never answer and are listed last), on a loopback server in its own process. In one
run, side by side:

- one ``check`` process on the data folder's SQLite file (round.py's case), two rounds;
- one ``check`` process on the team database, two rounds;
- five ``check`` processes at the same moment, each its own vantage (``DJAMON_VANTAGE``), on the
  team database, three rounds: each process's wall time against the 5 s floor (no round with
  a hung site can end sooner), and the round's (the last of the five to end);
- the database's size per stored check: PostgreSQL's check table with its key index
  (``pg_total_relation_size``) over its rows, beside SQLite's check B-tree (``dbstat``);
- how long a change stored by one desktop takes to reach another: this process stores a change
  through the store (``engine.writing()``, as every write goes) and a second connection that
  LISTENs as the app's listener does (store/changes.py) receives its notice, recognised by the
  writer's server process; 100 times with the database idle, and again while the five vantages
  run a round (a change then waits for its turn behind the rounds being stored);
- how long storing a round holds the writers' turn (from the turn taken to the commit), in this
  process on a database of its own: ``store.rounds.record_round`` for the same sites (made-up
  answers: all good but the hung sites' timeouts), 15 rounds after a warm-up, five vantages in
  turn, on PostgreSQL and on SQLite;
- a desktop far from its team's database: one ``check`` process through a relay that adds
  150 ms each way (tests/relay.py: 300 ms a round trip), on a database of its own with the same
  sites, two rounds (the first of a new vantage, with the daily purge due; then a later one);
  and the round trips each of those two rounds sends, counted at the client (tests/wire.py) in
  this process (``check`` run by its command line's ``main``), on another such database.

    .venv/bin/python tests/bench/team.py [--sites 1000] [--vantages 5] [--timeout 5]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import select
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests/
import djamon_desktop  # noqa: E402
from tests.bench.round import run, sites_for  # noqa: E402
from tests.postgres import PostgresServer  # noqa: E402
from tests.relay import Relay  # noqa: E402
from tests.servers import ManySitesServer  # noqa: E402
from tests.wire import counting  # noqa: E402

APP = [sys.executable, "-m", "djamon_desktop"]


def import_sites(env: dict[str, str], folder: Path, doc: dict) -> None:
    (folder / "bench.json").write_text(json.dumps(doc))
    run([*APP, "import", str(folder / "bench.json")], env, ok=(0,))


def check_round(env: dict[str, str]) -> tuple:
    """One ``check`` process: (wall s, CPU s, peak MiB, sites answered, sites timed out). A
    machine too busy for all the checks of a round shows as timeouts beyond the hung sites."""
    wall, usage, out = run([*APP, "check", "--json"], env)
    report = json.loads(out)
    if report.get("vantage", env["DJAMON_VANTAGE"]) != env["DJAMON_VANTAGE"]:
        raise SystemExit(f"check stored its round as {report['vantage']!r}")
    results = report["results"]
    ok = sum(r["ok"] for r in results)
    timeouts = sum(r["error"] == "timeout" for r in results)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, ok, timeouts


def vantage_rounds(envs: list[dict[str, str]]) -> list[tuple]:
    """One round by each environment's ``check`` process, all started at once."""
    with ThreadPoolExecutor(len(envs)) as pool:
        return list(pool.map(check_round, envs))


class ChangeClock:
    """Stores changes in this process, as a desktop does, and times their notices' arrival on
    a listening connection of another "desktop"."""

    def __init__(self, url: str) -> None:
        import psycopg2

        from djamon_desktop.store import engine
        from djamon_desktop.store.database import open_database
        from djamon_desktop.store.models import db

        open_database(url)
        self.writer_pid = db.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        self.listen = psycopg2.connect(url, **engine.connect_params(url))
        self.listen.autocommit = True
        self.listen.cursor().execute(f"LISTEN {engine.CHANNEL}")
        self.samples: list[tuple[float, float]] = []  # (write to heard, commit to heard)
        self.n = 0

    def one(self) -> None:
        from djamon_desktop.store.history import meta_set

        self.n += 1
        started = time.perf_counter()
        meta_set("bench_change", str(self.n))
        committed = time.perf_counter()
        deadline = committed + 10
        while True:
            self.listen.poll()
            mine = [n for n in self.listen.notifies if n.pid == self.writer_pid]
            self.listen.notifies.clear()
            if mine:
                heard = time.perf_counter()
                break
            if not select.select([self.listen], [], [], max(0, deadline - time.perf_counter()))[0]:
                raise SystemExit("a change's notice did not come within 10 s")
        self.samples.append((heard - started, heard - committed))

    def take(self) -> list[tuple[float, float]]:
        samples, self.samples = self.samples, []
        return samples

    def close(self) -> None:
        from djamon_desktop.store.database import close_database

        self.listen.close()
        close_database()


def far_rounds(pg: PostgresServer, env: dict[str, str], folder: Path, doc: dict) -> tuple:
    """A desktop 300 ms (a round trip) from its team's database: each ``check`` process's row
    (as :func:`check_round`) for two rounds through the relay, and the round trips of the same
    two rounds counted in this process."""
    import contextlib
    import io

    from djamon_desktop import cli

    url = pg.fresh_database()
    import_sites({**env, "DJAMON_DATABASE_URL": url}, folder, doc)
    with Relay(pg.port, delay=0.15) as relay:
        far = {**env, "DJAMON_DATABASE_URL": relay.url(url), "DJAMON_VANTAGE": "far"}
        rounds = [check_round(far) for _ in range(2)]
    counted = pg.fresh_database()  # its own, so that its first round has the purge due too
    import_sites({**env, "DJAMON_DATABASE_URL": counted}, folder, doc)
    trips = []
    for _ in range(2):
        argv = ["--data-dir", str(folder / "counted"), "--database", counted]
        with counting() as wire, contextlib.redirect_stdout(io.StringIO()):
            code = cli.main([*argv, "--vantage", "counted", "check", "--json"])
        if code not in (0, 1):
            raise SystemExit(f"check (counted) exited {code}")
        trips.append((wire.round_trips, wire.connections))
    return rounds, trips


def turn_held(target: str | Path, rounds: int = 15, vantages: int = 5) -> tuple[list, list]:
    """Store ``rounds`` rounds of every site in the database at ``target`` (after one warm-up
    round a vantage) in this process: (each round's turn, from taken to committed; each whole
    ``record_round``), in seconds. On SQLite the turn is ``engine.writing()``'s block; on
    PostgreSQL (store/team_rounds.py) from the start of the statement that takes it with the
    round's reads to the commit's answer (nothing else waits for the turn here, so taking it is
    immediate; the reads are inside the turn)."""
    import contextlib
    import random
    from datetime import UTC, datetime, timedelta

    from djamon_desktop.alerts.messages import AlertPolicy
    from djamon_desktop.core.probe import ProbeResult
    from djamon_desktop.core.settings_value import Settings
    from djamon_desktop.store import rounds as store_rounds
    from djamon_desktop.store import vantages as store_vantages
    from djamon_desktop.store.database import close_database, open_database
    from djamon_desktop.store.models import db

    held: list[float] = []
    wholes: list[float] = []

    from djamon_desktop.store.connection import Cursor

    class TurnClock(Cursor):
        taken = 0.0

        def execute(self, query, params=None):
            text = str(query)
            if text.startswith("BEGIN;") and "pg_advisory_xact_lock(" in text:
                TurnClock.taken = time.perf_counter()
            done = super().execute(query, params)
            if text.endswith("COMMIT"):
                held.append(time.perf_counter() - TurnClock.taken)
            return done

    open_database(target)
    if isinstance(target, str):
        db.obj.connect_params["cursor_factory"] = TurnClock
        close_database()  # the next statement connects with it
    sites = [row[0] for row in db.execute_sql("SELECT id FROM site ORDER BY position")]
    hung = set(sites[-10:])
    writing = store_rounds.writing

    @contextlib.contextmanager
    def timed(**kwargs):
        with writing(**kwargs):
            taken = time.perf_counter()  # the block starts once the turn is taken
            yield
        held.append(time.perf_counter() - taken)

    store_rounds.writing = timed
    rng = random.Random(12)
    render = AlertPolicy(("email",), notify_recovery=True).texts
    settings = dataclasses.replace(Settings.defaults(), strikes=2, cert_warning_days=0)
    start = datetime.now(UTC).replace(second=0, microsecond=0)
    try:
        for n in range(vantages + rounds):
            store_vantages.use(f"turn-{n % vantages}")
            rows = store_rounds.RoundRows(start + timedelta(minutes=n // vantages), [200])
            for site in sites:
                answer = ProbeResult(200, None, rng.uniform(20, 300))
                rows.add(site, ProbeResult(None, "timeout", 5000.0) if site in hung else answer)
            began = time.perf_counter()
            store_rounds.record_round(rows, settings, render)
            wholes.append(time.perf_counter() - began)
    finally:
        store_rounds.writing = writing
        store_vantages.use(None)
        close_database()
    return held[vantages:], wholes[vantages:]


def spread(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"median {statistics.median(ms):6.1f} ms, p95 {p95:6.1f} ms, max {ms[-1]:6.1f} ms"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--vantages", type=int, default=5)
    parser.add_argument("--hung", type=int, default=10)
    parser.add_argument("--timeout", type=float, default=5.0)
    parser.add_argument("--changes", type=int, default=100)
    args = parser.parse_args()
    count, hung, floor = args.sites, args.hung, args.timeout

    env = {**os.environ}
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        env.pop(name, None)
    for name in ("DJAMON_DATABASE_URL", "DJAMON_VANTAGE", "PGPASSWORD"):
        env.pop(name, None)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as pip installs it (see round.py)
    run([sys.executable, "-m", "compileall", "-q", str(Path(djamon_desktop.__file__).parent)], env)

    server = ManySitesServer().start()
    pg = PostgresServer.create().start()
    folder = Path(tempfile.mkdtemp(prefix="djamon-team-bench-"))
    rows: list[tuple[str, str, list[tuple]]] = []
    sizes: list[str] = []
    try:
        pg_version = pg.sql("SHOW server_version")
        sites = sites_for(server.base, count, hung)
        doc = {
            "format": "djamon-desktop/1",
            "settings": {"sandbox_urls": [f"{server.base}/s/20"], "timeout_seconds": floor},
            "groups": [{"title": "Bench", "sites": sites}],
        }
        # one desktop on SQLite
        alone = {**env, "DJAMON_DATA_DIR": str(folder / "sqlite"), "DJAMON_VANTAGE": "alone"}
        (folder / "sqlite").mkdir()
        import_sites(alone, folder / "sqlite", doc)
        for label in ("round 1", "round 2"):
            rows.append(("SQLite, 1 vantage", label, [check_round(alone)]))
        sqlite_file = folder / "sqlite" / "djamon.sqlite3"
        with sqlite3.connect(sqlite_file) as con:
            size = con.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'check'").fetchone()
            checks = con.execute('SELECT count(*) FROM "check"').fetchone()[0]
        sizes.append(f"SQLite check table: {size[0] / checks:.0f} bytes a check ({checks:,})")

        # one desktop, then the team, on PostgreSQL
        url = pg.fresh_database()
        team = [
            {
                **env,
                "DJAMON_DATA_DIR": str(folder / f"v{n}"),
                "DJAMON_DATABASE_URL": url,
                "DJAMON_VANTAGE": f"vantage-{n}",
            }
            for n in range(1, args.vantages + 1)
        ]
        import_sites(team[0], folder, doc)
        for label in ("round 1", "round 2"):
            rows.append(("PostgreSQL, 1 vantage", label, [check_round(team[0])]))
        clock = ChangeClock(url)
        for _ in range(args.changes):
            clock.one()
        idle = clock.take()
        busy: list[tuple[float, float]] = []
        for n in range(1, 4):
            done = threading.Event()
            results: list[tuple] = []
            failed: list[BaseException] = []

            def team_round(results=results, failed=failed, done=done) -> None:
                try:
                    results.extend(vantage_rounds(team))
                except BaseException as exc:  # SystemExit too: said in the main thread
                    failed.append(exc)
                finally:
                    done.set()

            rounding = threading.Thread(target=team_round)
            rounding.start()
            while not done.is_set():  # changes stored all through the round
                clock.one()
                done.wait(0.05)
            rounding.join()
            if failed:
                raise failed[0]
            busy += clock.take()
            label = f"{args.vantages} at once, round {n}"
            rows.append((f"PostgreSQL, {args.vantages} vantages", label, results))
        clock.close()
        dbname = url.rsplit("/", 1)[1]
        total, heap, checks = pg.sql(
            "SELECT pg_total_relation_size('\"check\"'), pg_relation_size('\"check\"'), "
            'count(*) FROM "check"',
            dbname,
        ).split("|")
        sizes.append(
            f"PostgreSQL check table and its key: {int(total) / int(checks):.0f} bytes a check "
            f"({int(checks):,}; the table alone {int(heap) / int(checks):.0f})"
        )
        # the turn a round holds, each engine on a database of its own with the same sites
        turn_url = pg.fresh_database()
        import_sites({**team[0], "DJAMON_DATABASE_URL": turn_url}, folder, doc)
        turns = [("PostgreSQL", turn_held(turn_url)), ("SQLite", turn_held(sqlite_file))]
        far, trips = far_rounds(pg, team[0], folder, doc)
        rows.append(("PostgreSQL, 300 ms away", "first (new, purge due)", [far[0]]))
        rows.append(("PostgreSQL, 300 ms away", "second", [far[1]]))
        vantages = pg.sql(
            "SELECT CASE WHEN to_regclass('vantage') IS NULL THEN 'no vantage table' "
            "ELSE (SELECT string_agg(name, ', ' ORDER BY name) FROM vantage) END",
            dbname,
        )
    finally:
        server.stop()
        pg.remove()

    load = os.getloadavg()[0]
    print(
        f"{count:,} sites ({hung} hung, listed last), timeout {floor:g} s, {os.cpu_count()} cores, "
        f"PostgreSQL {pg_version} on loopback, load {load:.2f} at the end"
    )
    print(
        f"{'':24} {'':22} {'wall':>7} {'x floor':>8} {'CPU ms/check':>13} {'peak MiB':>9}"
        f" {'timeouts':>9}"
    )
    for what, label, results in rows:
        walls = sorted(r[0] for r in results)
        cpu = statistics.mean(r[1] for r in results) * 1000 / count
        rss = max(r[2] for r in results)
        late = "/".join(str(r[4] - hung) for r in results)  # beyond the hung sites
        wall = walls[-1]
        extra = f"  (first to end {walls[0]:.2f}s)" if len(walls) > 1 else ""
        print(
            f"{what:24} {label:22} {wall:6.2f}s {wall / floor:8.3f} {cpu:13.2f} {rss:9.1f}"
            f" {late:>9}{extra}"
        )
    print(f"(timeouts: checks that timed out besides the {hung} hung sites, each process's)")
    print(f"vantages the team database knows: {vantages}")
    for line in sizes:
        print(line)
    print(f"a change, stored to heard by another connection ({args.changes}, idle):")
    print(f"  from its write's start: {spread([s[0] for s in idle])}")
    print(f"  from its commit:        {spread([s[1] for s in idle])}")
    print(f"the same while {args.vantages} vantages run rounds ({len(busy)} changes):")
    print(f"  from its write's start: {spread([s[0] for s in busy])}")
    print(f"  from its commit:        {spread([s[1] for s in busy])}")
    print(f"storing a {count:,}-site round in this process (15 rounds, 5 vantages in turn):")
    for engine_name, (held, wholes) in turns:
        print(
            f"  {engine_name:10} the turn held: {spread(held)}; the whole store: {spread(wholes)}"
        )
    print(
        f"round trips a check of {count:,} sites sends to PostgreSQL (counted at the client, "
        "connecting not included): "
        + "; ".join(
            f"{label} {n} on {made} connection(s)"
            for label, (n, made) in zip(
                ("first round (a new vantage, the purge due)", "a later round"), trips, strict=True
            )
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
