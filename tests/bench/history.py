"""Benchmark: a year of checks for 100 sites at the default schedule (and two outages a day,
each of 5 sites for 15 minutes), then the queries the dashboard and a site window make, and a
purge at the default retention.

    .venv/bin/python tests/bench/history.py [--sites 100] [--days 365] [--keep DIR]

It fills the database directly (the same tables a round writes: raw checks and the hourly
summary), then times each query as the app runs it, several times, and prints the median.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from djamon_desktop.core.schedule import Schedule  # noqa: E402
from djamon_desktop.core.settings import default_settings  # noqa: E402
from djamon_desktop.store import editing, history, purge, queries, uptime  # noqa: E402
from djamon_desktop.store.database import close_database, open_database  # noqa: E402
from djamon_desktop.store.models import db  # noqa: E402

DEFAULT_SETTINGS = default_settings()


def timed(fn, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def add_outages(site_ids: list[int], start: datetime, now: datetime, rng: random.Random) -> int:
    """Two outages a day, each of 5 sites for 15 minutes: what the uptime counts."""
    rows, links = [], []
    at = start
    while at < now:
        for _ in range(2):
            begin = at + timedelta(minutes=rng.randrange(0, 24 * 60 - 15))
            ms = int(begin.timestamp() * 1000)
            rows.append((len(rows) + 1, f"B{len(rows):07d}", ms, ms + 15 * 60_000))
            for site_id in rng.sample(site_ids, min(5, len(site_ids))):
                links.append((len(rows), site_id, ms))
        at += timedelta(days=1)
    with db.atomic():
        db.cursor().executemany(
            "INSERT INTO outage (id, code, start_time, end_time) VALUES (?, ?, ?, ?)", rows
        )
        db.cursor().executemany(
            "INSERT INTO outage_site (outage_id, site_id, title, start_time)"
            " VALUES (?, ?, 'site', ?)",
            links,
        )
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=100)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--keep", help="build the database in this folder and keep it")
    args = parser.parse_args()
    folder = Path(args.keep or tempfile.mkdtemp(prefix="djamon-history-"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "djamon.sqlite3"
    if path.exists():
        path.unlink()
    open_database(path)
    for g in range(10):
        editing.save_group(f"Group {g}")
    for n in range(args.sites):
        editing.save_site(
            f"Group {n % 10}", {"title": f"Site {n}", "url": f"https://s{n}.example/"}
        )
    site_ids = [s.site_id for s in queries.list_sites(3)]

    now = datetime.now(UTC).replace(second=0, microsecond=0)
    start = now - timedelta(days=args.days)
    instants: list[datetime] = []
    schedule = Schedule(DEFAULT_SETTINGS["schedule"], ZoneInfo("Europe/London"))
    for t in schedule.iter_after(start):
        if t > now:
            break
        instants.append(t.astimezone(UTC))
    rng = random.Random(2013)
    started = time.perf_counter()
    total = 0
    good = set(DEFAULT_SETTINGS["good_codes"])
    for batch_start in range(0, len(instants), 2000):
        batch = instants[batch_start : batch_start + 2000]
        rows, folded = [], []
        for when in batch:
            ms = int(when.timestamp() * 1000)
            for site_id in site_ids:
                failed = rng.random() < 0.002
                status, error = (None, "timeout") if failed else (200, None)
                elapsed = 5000.0 if failed else round(40 + rng.random() * 200, 1)
                rows.append((uuid.uuid4().bytes, site_id, ms, status, error, elapsed))
                folded.append((site_id, when, status, error, elapsed))
        with db.atomic():
            db.cursor().executemany(
                'INSERT INTO "check" (id, site_id, time, status_code, error, elapsed_ms) '
                "VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            history.add_to_hours(folded, list(good))
        total += len(rows)
    fill_s = time.perf_counter() - started
    outages = add_outages(site_ids, start, now, rng)
    # monitored from the history's start, as a site with a year of checks is
    db.execute_sql("UPDATE site SET monitored_since = ?", (int(start.timestamp() * 1000),))
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    hours_rows = db.execute_sql("SELECT count(*) FROM check_hour").fetchone()[0]

    strikes = 3
    dashboard_ms = timed(lambda: (queries.list_sites(strikes), uptime.uptimes(now)))
    uptime_ms = timed(lambda: uptime.uptimes(now))
    site_ms = timed(
        lambda: (history.site_history(site_ids[0], now), queries.recent_checks(site_ids[0]))
    )
    raw_month_ms = timed(
        lambda: db.execute_sql(
            'SELECT count(*), sum(status_code = 200) FROM "check" WHERE site_id = ? AND time >= ?',
            (site_ids[0], int((now - timedelta(days=30)).timestamp() * 1000)),
        ).fetchone(),
        runs=3,
    )
    purge_started = time.perf_counter()
    removed = purge.purge(DEFAULT_SETTINGS["retention_days"], now)
    purge_s = time.perf_counter() - purge_started
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    kept = history.check_count()
    close_database()
    import sqlite3

    with sqlite3.connect(path) as con:
        con.execute("VACUUM")
    con.close()
    after = path.stat().st_size

    print(f"{args.sites} sites x {len(instants)} rounds ({args.days} days, default schedule)")
    print(f"  filled {total:,} checks in {fill_s:.0f} s; {hours_rows:,} hour rows")
    print(f"  {outages:,} outages")
    print(f"  database {size / 2**20:,.0f} MiB = {size / total:.0f} bytes per stored check")
    print(
        f"  dashboard queries (sites + 24 h uptime of all): {dashboard_ms:.1f} ms"
        f" (of which the uptime, by the report's rules: {uptime_ms:.1f} ms)"
    )
    print(f"  site window queries (uptime 24h/7d/30d, charts, last 10): {site_ms:.1f} ms")
    print(f"  for comparison, 30-day uptime of one site from raw checks: {raw_month_ms:.0f} ms")
    print(
        f"  purge at {DEFAULT_SETTINGS['retention_days']} days: removed {removed:,} in "
        f"{purge_s:.0f} s ({removed / max(purge_s, 1e-9):,.0f} per s); {kept:,} kept"
    )
    print(f"  after the purge and VACUUM: {after / 2**20:,.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
