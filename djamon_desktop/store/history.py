"""Check history: the per-hour summary kept beside raw checks, the counts and response-time
figures read from it, a site window's history (its uptime counted by :mod:`.uptime`, by the
report's rules), and the ``meta`` marks (the last purge, a pause of everything). The purge of
old raw checks is store/purge.py."""

from __future__ import annotations

import math
from collections.abc import Container, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from ..core.clock import from_ms, to_ms
from . import uptime
from .bulk import Staged, executemany
from .engine import marks, writing
from .models import db
from .uptime import Uptime

HOUR_MS = 3_600_000
#: hour summaries outlive raw checks at least this long (13 months and a few days), so a report
#: of the same month a year before still has its checks and response times
SUMMARY_MIN_DAYS = 400


def hour_of(when: datetime) -> int:
    return to_ms(when) // HOUR_MS


#: site id, hour, good (0/1), elapsed sum, max, the good answers' times (whole ms, spaced)
HourRow = tuple[int, int, int, float, float, str]


def hour_row(
    site_id: int,
    when: datetime,
    status: int | None,
    error: str | None,
    elapsed: float,
    good: Container[int | None],
) -> HourRow:
    """One check's share of its hour in the summary (``good`` is the set of good codes). Pure,
    so a round can work it out while slower checks still wait. A check with neither error nor
    code is a ``tcp://`` site's that connected: good (as ProbeResult.is_good judges it).
    A good answer's time is also kept to the whole millisecond (half up): the report's
    percentiles are nearest-rank over every time, so the hour keeps them all."""
    ok = error is None and (status is None or status in good)
    if not ok:
        return (site_id, hour_of(when), 0, 0.0, 0.0, "")
    return (site_id, hour_of(when), 1, elapsed, elapsed, whole_ms(elapsed))


def whole_ms(elapsed: float) -> str:
    """A time as the hour summary keeps it: whole milliseconds, a half rounded up."""
    return str(math.floor(elapsed + 0.5))


#: the hour summary's upsert, around its rows (``VALUES`` of one, or a ``SELECT`` of many)
HOUR_INSERT = """INSERT INTO check_hour (site_id, hour, checks, good, good_elapsed_sum,
                                        good_elapsed_max, good_ms)"""
HOUR_CONFLICT = """ON CONFLICT (site_id, hour) DO UPDATE SET
                     checks = check_hour.checks + excluded.checks,
                     good = check_hour.good + excluded.good,
                     good_elapsed_sum = check_hour.good_elapsed_sum + excluded.good_elapsed_sum,
                     good_elapsed_max = CASE WHEN excluded.good_elapsed_max
                                                 > check_hour.good_elapsed_max
                                            THEN excluded.good_elapsed_max
                                            ELSE check_hour.good_elapsed_max END,
                     good_ms = CASE WHEN excluded.good_ms = '' THEN check_hour.good_ms
                                    WHEN check_hour.good_ms IS NULL OR check_hour.good_ms = ''
                                    THEN excluded.good_ms
                                    ELSE check_hour.good_ms || ' ' || excluded.good_ms END"""


def _hour_upsert() -> str:
    """The hour summary's upsert of one row, with the open database's placeholders."""
    return f"{HOUR_INSERT} VALUES ({marks(7)}) {HOUR_CONFLICT}"


def add_hour_rows(rows: Sequence[HourRow]) -> None:
    """Fold checks' shares into the hour summary. Call inside the transaction that stores them."""
    executemany(_hour_upsert(), _by_hour(rows))


def staged_hour_rows(rows: Sequence[HourRow]) -> Staged:
    """A round's shares of the hour summary, to be handed over before its write turn
    (``engine.writing(staged=...)``) and folded in inside it (``.insert(site_ids)``)."""
    return Staged(_hour_upsert(), _by_hour(rows))


def _by_hour(rows: Sequence[HourRow]) -> list[tuple]:
    """The shares added up per site and hour, so the summary's upsert meets each of its rows
    once (a statement of many rows on PostgreSQL may not update a row twice)."""
    hours: dict[tuple[int, int], list] = {}
    for site_id, hour, good, elapsed, peak, times in rows:
        have = hours.get((site_id, hour))
        if have is None:
            hours[site_id, hour] = [1, good, elapsed, peak, [times] if times else []]
        else:
            have[0] += 1
            have[1] += good
            have[2] += elapsed
            have[3] = max(have[3], peak)
            if times:
                have[4].append(times)
    return [
        (site_id, hour, n, good, elapsed, peak, " ".join(times))
        for (site_id, hour), (n, good, elapsed, peak, times) in hours.items()
    ]


def add_to_hours(
    checks: Iterable[tuple[int, datetime, int | None, str | None, float]],
    good_codes: Sequence[int],
) -> None:
    """Fold checks (site id, time, status, error, elapsed ms) into the hour summary.
    Call inside the transaction that stores them."""
    good = set(good_codes)
    add_hour_rows([hour_row(*check, good) for check in checks])


@dataclass(frozen=True)
class HourCounts:
    """A site's checks over some hours, and how many were good answers (the hour summary's
    counts; its uptime is counted otherwise: :mod:`.uptime`)."""

    good: int
    checks: int


def hour_counts(
    now: datetime, hours: int, site_ids: Sequence[int] | None = None
) -> dict[int, HourCounts]:
    """Each site's good/total checks over the last ``hours`` whole hours, this one included."""
    since = hour_of(now) - hours + 1
    sql = f"SELECT site_id, sum(good), sum(checks) FROM check_hour WHERE hour >= {marks()}"
    args: list = [since]
    if site_ids is not None:
        sql += f" AND site_id IN ({marks(len(site_ids))})"
        args += list(site_ids)
    rows = db.execute_sql(sql + " GROUP BY site_id", args).fetchall()
    return {site_id: HourCounts(int(good), int(total)) for site_id, good, total in rows}


@dataclass(frozen=True)
class HourPoint:
    start: datetime
    checks: int
    good: int
    average_ms: float | None  # of good answers
    max_ms: float | None


def hourly(site_id: int, now: datetime, hours: int) -> list[HourPoint]:
    """One point per hour for the last ``hours`` hours (hours with no check are left out)."""
    since = hour_of(now) - hours + 1
    p = marks()
    rows = db.execute_sql(
        f"""SELECT hour, checks, good, good_elapsed_sum, good_elapsed_max FROM check_hour
           WHERE site_id = {p} AND hour >= {p} ORDER BY hour""",
        (site_id, since),
    ).fetchall()
    return [
        HourPoint(
            from_ms(hour * HOUR_MS),
            checks,
            good,
            (total / good) if good else None,
            peak if good else None,
        )
        for hour, checks, good, total, peak in rows
    ]


def check_count() -> int:
    return db.execute_sql('SELECT count(*) FROM "check"').fetchone()[0]


def meta_get(key: str) -> str | None:
    row = db.execute_sql(f"SELECT value FROM meta WHERE key = {marks()}", (key,)).fetchone()
    return row[0] if row else None


def meta_upsert() -> str:
    """A ``meta`` row's upsert, with the open database's placeholders."""
    return (
        f"INSERT INTO meta (key, value) VALUES ({marks(2)})"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )


def meta_set(key: str, value: str) -> None:
    with writing():
        db.execute_sql(meta_upsert(), (key, value))


@dataclass(frozen=True)
class SiteHistory:
    day: Uptime
    week: Uptime
    month: Uptime
    last_day: list[HourPoint]
    last_week: list[HourPoint]


def site_history(site_id: int, now: datetime) -> SiteHistory:
    """A site's window: its uptime over the last 24 hours, 7 and 30 days (the report's rules,
    :mod:`.uptime`), and its hours of the last week and day for the charts."""
    found = uptime.spans_of(now, (uptime.DAY, uptime.WEEK, uptime.MONTH), [site_id])
    day, week, month = (found[span].get(site_id, uptime.NOT_MONITORED) for span in found)
    points = hourly(site_id, now, 24 * 7)
    day_start = hour_of(now) - 23
    return SiteHistory(
        day=day,
        week=week,
        month=month,
        last_day=[p for p in points if hour_of(p.start) >= day_start],
        last_week=points,
    )
