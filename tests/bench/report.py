"""Benchmark: the uptime report of a month of 100 sites checked once a minute (4.32 M checks),
on SQLite and on a PostgreSQL this script starts, against the issue's 2 s and 200 MiB.

    .venv-test/bin/python tests/bench/report.py [--sites 100] [--days N] [--runs 5]
        [--raw-days 90] [--no-postgres] [--keep DIR [--reuse]]

It fills each database directly (history.py's way): 100 sites in 5 groups, the raw checks of
the span's last ``--raw-days`` days (a real database keeps 90) at one a minute, the hour
summaries of the whole span (each good answer's whole-ms time in ``good_ms``: 40-400 ms, jittered
by site, with a tail of slow ones), outages (a site's own, a whole group's at once, one crossing
the span's start, one still open), maintenance windows (a group's, some sites'), pauses
(timed, inactive, of everything, one with no end) and three sites added mid-span; checks leave
out the minutes a site was quiet, as rounds do. The span is the last calendar month (local
time, Europe/London), or ``--days`` local days up to its end (``--days 365``: a year).

Then, several runs each, the median, side by side for the two engines: ``store.reports.report``
and each writer (csv, html, pdf) in this process, against the 2 s budget and against a floor
(the span's hour summaries read by one SELECT and nothing else); the whole ``djamon-desktop
report ... --format pdf --output F`` process against 2 s and against a process that opens the
database, runs that one SELECT and exits; and that process's peak memory (max RSS) against
200 MiB and against ``djamon-desktop --version``'s.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests/
from tests.bench.round import run  # noqa: E402

ZONE_NAME = "Europe/London"
ZONE = ZoneInfo(ZONE_NAME)
MIN = 60_000
HOUR = 3_600_000
BUDGET_S, BUDGET_MIB = 2.0, 200.0
APP = [sys.executable, "-m", "djamon_desktop"]
HOURS_SQL = """SELECT site_id, hour, checks, good, good_elapsed_sum, good_ms FROM check_hour
                WHERE hour >= {p} AND hour < {p}"""


def span_for(days: int | None, today: date):
    """The report's span and its command-line words: last month, or ``days`` days to its end."""
    from djamon_desktop.core.report_model import days_span, month_span

    last = today.replace(day=1) - timedelta(days=1)
    if days is None:
        return month_span(last.year, last.month, ZONE), ["--month", f"{last:%Y-%m}"]
    first = last - timedelta(days=days - 1)
    return days_span(first, last, ZONE), ["--from", first.isoformat(), "--to", last.isoformat()]


# -- the history ------------------------------------------------------------------------------


def fill(span, sites: int, groups: int, raw_days: int, seed: int = 22) -> dict[str, int]:
    """Fill the open (empty) database with a history over ``span``; what it holds, counted."""
    from djamon_desktop.core.clock import from_ms, to_ms
    from djamon_desktop.core.maintenance import Window
    from djamon_desktop.core.report_counting import maintenance_intervals
    from djamon_desktop.store import bulk, editing
    from djamon_desktop.store.engine import marks
    from djamon_desktop.store.history import whole_ms
    from djamon_desktop.store.models import Outage, OutageSite, PauseSpan, Site, SiteGroup, db

    rng = random.Random(seed)
    lo, hi = to_ms(span.start), to_ms(span.end)
    length = hi - lo

    def at(share: float) -> int:  # a whole minute that far into the span
        return lo + int(length * share) // MIN * MIN

    group_windows = {1 % groups: [{"schedule": "0 3 * * 0", "minutes": 60}]}
    for g in range(groups):
        editing.save_group(f"Group {g + 1}", maintenance=group_windows.get(g))
    added = max(1, sites // 30)  # the last ones were added mid-span
    since_of = []
    for n in range(sites):
        site_id = editing.save_site(
            f"Group {n % groups + 1}", {"title": f"Site {n + 1}", "url": f"https://s{n}.example/"}
        )
        since = at(0.3) + 12 * MIN * n if n >= sites - added else lo - 200 * 24 * HOUR
        windows = '[{"schedule": "30 2 * * *", "minutes": 15}]' if n % 10 == 5 else "[]"
        since_of.append(since)
        Site.update(monitored_since=from_ms(since), maintenance=windows).where(
            Site.id == site_id
        ).execute()
    rows = list(Site.select().order_by(Site.id))
    ids = [s.id for s in rows]

    pauses = [
        (ids[7 % sites], at(0.13), at(0.13) + 36 * HOUR, "pause"),
        (ids[13 % sites], at(0.65), at(0.72), "inactive"),
        (None, at(0.5) + 10 * HOUR, at(0.5) + 10 * HOUR + 30 * MIN, "pause"),
        (ids[21 % sites], hi - 24 * HOUR, None, "pause"),
    ]
    for site_id, start, until, why in pauses:
        PauseSpan.create(
            site=site_id, start=from_ms(start), until=until and from_ms(until), why=why
        )

    # outages: (site index, start, end or None), a group's all at once as one outage
    own: list[list[tuple[int, int | None]]] = [[] for _ in ids]
    made: list[list[tuple[int, int, int | None]]] = []  # each outage's (site, start, end)

    def free(n: int, start: int, end: int | None) -> bool:
        stop = hi if end is None else end
        return all(stop <= a or (b is not None and b <= start) for a, b in own[n])

    def add(parts: list[tuple[int, int, int | None]]) -> None:
        parts = [p for p in parts if free(*p)]
        if parts:
            made.append(parts)
            for n, start, end in parts:
                own[n].append((start, end))

    add([(0, lo - 2 * HOUR, lo + HOUR)])  # across the span's start
    add([(1 % sites, hi - 3 * HOUR, None)])  # still open
    months = max(1, round(length / (30 * 24 * HOUR)))
    for g in range(groups):
        for _ in range(months):
            start = lo + rng.randrange(length // MIN) * MIN
            end = start + rng.randint(10, 60) * MIN
            members = range(g, sites, groups)
            add([(n, start + rng.randint(0, 2) * MIN * (n != g), end) for n in members])
    for n in range(sites):
        for _ in range(rng.choice([0, 1, 1, 2, 2, 3]) * months):
            start = lo + rng.randrange(length // MIN) * MIN
            add([(n, start, start + int(math.exp(rng.uniform(1.1, 5.5)) + 1) * MIN)])
    for number, parts in enumerate(made):
        begin = min(p[1] for p in parts)
        ends = [p[2] for p in parts]
        end = None if None in ends else max(ends)
        outage = Outage.create(
            code=f"B{number:05d}",
            start_time=from_ms(begin),
            end_time=end and from_ms(end),
            seconds_down=end and (end - begin) // 1000,
        )
        for n, start, _end in parts:
            OutageSite.create(
                outage=outage, site=ids[n], title=rows[n].title, primary=start == begin,
                start_time=from_ms(start),
            )  # fmt: skip

    # checks, a minute at a time (the span starts on a whole hour in UTC: London's midnight);
    # the raw ones only for the last raw_days
    raw_from = max(lo, hi - raw_days * 24 * HOUR)
    minutes = length // MIN
    counted = {"checks": 0, "hours": 0, "outages": len(made), "pauses": len(pauses)}
    check_sql = 'INSERT INTO "check" (id, site_id, time, status_code, error, elapsed_ms) VALUES '
    hour_sql = (
        "INSERT INTO check_hour (site_id, hour, checks, good, good_elapsed_sum, "
        "good_elapsed_max, good_ms) VALUES "
    )
    checks: list[tuple] = []
    hours: list[tuple] = []

    def flush() -> None:
        with db.atomic():
            bulk.executemany(f"{check_sql} ({marks(6)})", checks)
            bulk.executemany(f"{hour_sql} ({marks(7)})", hours)
        counted["checks"] += len(checks)
        counted["hours"] += len(hours)
        checks.clear()
        hours.clear()

    group_windows_of = {g.id: g.maintenance for g in SiteGroup.select()}
    for n, site in enumerate(rows):
        state = bytearray(minutes)  # each minute's check: 0 made, 1 quiet (none), 2 down

        def mark(a: int, b: int, what: int, state=state) -> None:
            first = max(0, -(-(a - lo) // MIN))
            past = min(minutes, max(0, -(-(b - lo) // MIN)))
            if past > first:
                state[first:past] = bytes([what]) * (past - first)

        for a, b in own[n]:
            mark(a, hi if b is None else b, 2)
        mark(lo, since_of[n], 1)  # then the quiet times: no check then, down or not
        raw_windows = json.loads(site.maintenance) + json.loads(group_windows_of[site.group_id])
        windows = tuple(Window(w["schedule"], w["minutes"]) for w in raw_windows)
        for a, b in maintenance_intervals(windows, lo, hi, ZONE):
            mark(a, b, 1)
        for site_id, a, b, _why in pauses:
            if site_id in (None, site.id):
                mark(a, hi if b is None else b, 1)
        base = rng.uniform(40, 250)
        for h in range(minutes // 60 + (minutes % 60 > 0)):
            good_ms, total, peak, count = [], 0.0, 0.0, 0
            hour_start = lo + h * HOUR
            for m in range(h * 60, min(minutes, h * 60 + 60)):
                what = state[m]
                if what == 1:
                    continue
                count += 1
                when = lo + m * MIN + rng.randrange(1000)
                if what == 2 or rng.random() < 0.001:
                    status, error, elapsed = None, "timeout", 5000.0
                else:
                    elapsed = base * math.exp(rng.gauss(0, 0.25))
                    if rng.random() < 0.01:
                        elapsed *= rng.uniform(3, 12)
                    status, error, elapsed = 200, None, round(min(elapsed, 4900.0), 1)
                    good_ms.append(whole_ms(elapsed))
                    total += elapsed
                    peak = max(peak, elapsed)
                if when >= raw_from:
                    checks.append((rng.randbytes(16), site.id, when, status, error, elapsed))
            if count:
                text = " ".join(good_ms)
                hours.append((site.id, hour_start // HOUR, count, len(good_ms), total, peak, text))
            if len(checks) >= 100_000:
                flush()
    flush()
    return counted


# -- the measures -----------------------------------------------------------------------------


def timed(fn, runs: int) -> list[float]:
    """Seconds each of ``runs`` calls took."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return times


def in_process(span, runs: int) -> dict[str, list[float] | None]:
    """The report and its writers in this process, on the open database; and the floor."""
    from djamon_desktop.core.report_counting import hours_between
    from djamon_desktop.store import reports
    from djamon_desktop.store.engine import marks
    from djamon_desktop.store.models import db

    now = datetime.now(UTC)
    sql = HOURS_SQL.format(p=marks())
    bounds = hours_between(span.start, span.end)
    out: dict[str, list[float] | None] = {
        "floor": timed(lambda: db.execute_sql(sql, bounds).fetchall(), runs)
    }
    made = []
    out["report"] = timed(lambda: made.append(reports.report(span, now, ZONE, ZONE_NAME)), runs)
    for name, module, function in WRITERS:
        try:
            write = getattr(__import__(f"djamon_desktop.core.{module}", fromlist=["x"]), function)
        except ImportError:
            out[name] = None
            continue
        out[name] = timed(lambda write=write: write(made[-1]), runs)
    return out


WRITERS = [("csv", "report_csv", "csv_text"), ("html", "report_html", "html_text"),
           ("pdf", "report_pdf", "pdf_bytes")]  # fmt: skip


def has_report_command() -> bool:
    try:
        import djamon_desktop.cli.report  # noqa: F401
    except ImportError:
        return False
    return True


def processes(env: dict[str, str], words: list[str], span, folder: Path, runs: int) -> dict:
    """Whole processes: (wall s, peak MiB) of each run."""
    from djamon_desktop.core.report_counting import hours_between

    first, past = hours_between(span.start, span.end)
    floor = [sys.executable, __file__, "--floor", str(first), str(past)]
    out = {
        "floor process": [run(floor, env, ok=(0,)) for _ in range(runs)],
        "--version": [run([*APP, "--version"], env, ok=(0,)) for _ in range(runs)],
        "report process": None,
    }
    if has_report_command():
        pdf = folder / "report.pdf"
        argv = [*APP, "report", *words, "--format", "pdf", "--output", str(pdf)]
        out["report process"] = [run(argv, env, ok=(0,)) for _ in range(runs)]
        if not pdf.read_bytes().startswith(b"%PDF-"):
            raise SystemExit(f"{pdf} is not a PDF")
    return {k: v and [(r[0], r[2]) for r in v] for k, v in out.items()}


def floor_process(first: int, past: int) -> int:
    """The floor's process: open the database as the command line does, one SELECT, exit."""
    from djamon_desktop import paths
    from djamon_desktop.store.database import open_database
    from djamon_desktop.store.engine import marks
    from djamon_desktop.store.models import db

    url = os.environ.get("DJAMON_DATABASE_URL")
    open_database(url or paths.database_path(paths.resolve_data_dir()))
    rows = db.execute_sql(HOURS_SQL.format(p=marks()), (first, past)).fetchall()
    return 0 if rows is not None else 1


# -- one engine, then the table ---------------------------------------------------------------


def engine_run(target, env, args, span, words, folder: Path, settle=None) -> dict:
    """Fill the database at ``target`` (unless ``--reuse``), then measure; ``settle()`` after
    the fill leaves the server nothing to catch up on while the times are taken."""
    from djamon_desktop.store.database import close_database, open_database
    from djamon_desktop.store.models import db

    open_database(target)
    if args.reuse:
        counted = {"checks": db.execute_sql('SELECT count(*) FROM "check"').fetchone()[0]}
        counted["hours"] = db.execute_sql("SELECT count(*) FROM check_hour").fetchone()[0]
    else:
        started = time.perf_counter()
        counted = fill(span, args.sites, args.groups, args.raw_days)
        counted["fill s"] = time.perf_counter() - started
        if not isinstance(target, str):
            db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        if settle is not None:
            settle()
    try:
        measured = in_process(span, args.runs)
    finally:
        close_database()
    measured.update(processes(env, words, span, folder, args.runs))
    measured["counted"] = counted
    return measured


def median(values) -> float:
    return statistics.median(values)


def shown_ms(seconds: float) -> str:
    ms = seconds * 1000
    return f"{ms:.0f} ms" if ms >= 10 else f"{ms:.1f} ms"


def table(results: dict[str, dict]) -> list[str]:
    """The figures, each engine's three columns side by side."""
    engines = list(results)
    width = 46

    def line(label: str, cells: list[tuple[str, str, str]]) -> str:
        return f"{label:{width}}" + "".join(f"{a:>11}{b:>10}{c:>12}" for a, b, c in cells)

    out = [f"{'':{width}}" + "".join(f"{e[:33]:>33}" for e in engines)]
    out.append(line("", [("median", "x 2 s", "x floor")] * len(engines)))
    rows = [("floor: one SELECT of the span's hour rows", "floor")]
    rows += [("store.reports.report()", "report")]
    rows += [(f"{m}.{f}()", n) for n, m, f in WRITERS]
    for label, key in rows:
        cells = []
        for e in engines:
            times = results[e][key]
            if times is None:
                cells.append(("-", "", "(not here)"))
                continue
            m, floor = median(times), median(results[e]["floor"])
            cells.append((shown_ms(m), f"{m / BUDGET_S:.3f}", f"{m / floor:.2f}"))
        out.append(line(label, cells))
    processes = [
        ("process: open, one SELECT, exit (floor)", "floor process"),
        ("process: report --format pdf --output F", "report process"),
        ("process: --version", "--version"),
    ]
    for label, key in processes:
        cells = []
        for e in engines:
            runs = results[e][key]
            if runs is None:
                cells.append(("-", "", "(no command)"))
                continue
            m = median(r[0] for r in runs)
            floor = median(r[0] for r in results[e]["floor process"])
            cells.append((shown_ms(m), f"{m / BUDGET_S:.3f}", f"{m / floor:.2f}"))
        out.append(line(label, cells))
    out.append(line("", [("peak RSS", "x 200 MiB", "x --version")] * len(engines)))
    for label, key in processes:
        cells = []
        for e in engines:
            runs = results[e][key]
            if runs is None:
                cells.append(("-", "", "(no command)"))
                continue
            peak, base = max(r[1] for r in runs), max(r[1] for r in results[e]["--version"])
            cells.append((f"{peak:.1f} MiB", f"{peak / BUDGET_MIB:.3f}", f"{peak / base:.2f}"))
        out.append(line(label, cells))
    return out


def measure(args, env: dict[str, str], span, words: list[str], folder: Path) -> tuple[dict, int]:
    """Each engine's figures (SQLite's file in ``folder``, then a PostgreSQL started here),
    and the SQLite file's size."""
    sqlite_file = folder / "djamon.sqlite3"
    if sqlite_file.exists() and not args.reuse:
        for old in folder.glob("djamon.sqlite3*"):
            old.unlink()
    results = {}
    alone = {**env, "DJAMON_DATA_DIR": str(folder)}
    results["SQLite"] = engine_run(sqlite_file, alone, args, span, words, folder)
    size = sqlite_file.stat().st_size
    if not args.no_postgres:
        from tests.postgres import PostgresServer

        pg = PostgresServer.create().start()
        try:
            url = pg.fresh_database()
            team = {**env, "DJAMON_DATA_DIR": str(folder / "pg"), "DJAMON_DATABASE_URL": url}
            # what autovacuum would do after 4 million rows, done before the clock starts
            vacuum = lambda: pg.sql("VACUUM ANALYZE", url.rsplit("/", 1)[1])  # noqa: E731
            results["PostgreSQL " + pg.sql("SHOW server_version").split()[0]] = engine_run(
                url, team, args, span, words, folder, vacuum
            )
        finally:
            pg.remove()
    return results, size


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--groups", type=int, default=5)
    parser.add_argument("--days", type=int, help="this many days to last month's end")
    parser.add_argument("--raw-days", type=int, default=90, help="raw checks kept (days)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--keep", help="build the SQLite database in this folder and keep it")
    parser.add_argument("--reuse", action="store_true", help="use --keep's database as it is")
    parser.add_argument("--floor", nargs=2, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        return floor_process(*args.floor)
    if args.reuse and not args.keep:
        parser.error("--reuse needs --keep")
    span, words = span_for(args.days, datetime.now(ZONE).date())
    env = {**os.environ, "TZ": ZONE_NAME}
    for name in ("DJAMON_DATABASE_URL", "DJAMON_VANTAGE", "PGPASSWORD", "PYTHONDONTWRITEBYTECODE"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(Path(__file__).resolve().parents[2]), *filter(None, [env.get("PYTHONPATH")])]
    )
    folder = Path(args.keep or tempfile.mkdtemp(prefix="djamon-report-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        results, size = measure(args, env, span, words, folder)
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{args.sites} sites in {args.groups} groups, {span.title} ({span.first_day} to "
        f"{span.last_day}, {ZONE_NAME}), {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )
    for engine, result in results.items():
        c = result["counted"]
        filled = f", filled in {c['fill s']:.0f} s" if "fill s" in c else ""
        print(f"  {engine}: {c['checks']:,} raw checks, {c['hours']:,} hour rows{filled}")
    print(f"  SQLite file {size / 2**20:,.0f} MiB; medians of {args.runs} runs")
    for line in table(results):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
