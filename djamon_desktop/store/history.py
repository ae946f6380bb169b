"""Check history: the per-hour summary kept beside raw checks, uptime and response-time
figures read from it, and the purge of old raw checks in small batches.

On a team's PostgreSQL one purge runs at a time, whatever number of desktops share it (a session
advisory lock, let go when the purge ends or its connection goes). The command line's ``purge``
waits for one running (then removes what is left: the user asked for it); the app's daily purge
skips the day instead (another desktop is doing that very work, and the round that called it
should not wait)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Container, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..core.clock import from_ms, to_ms
from .bulk import Staged, executemany
from .engine import PURGE_LOCK, is_team, marks, take_lock, writing
from .models import db

HOUR_MS = 3_600_000
PURGE_BATCH = 5000
#: hour summaries outlive raw checks at least this long, so 30-day uptime survives a purge
SUMMARY_MIN_DAYS = 31


def hour_of(when: datetime) -> int:
    return to_ms(when) // HOUR_MS


HourRow = tuple[int, int, int, float, float]  # site id, hour, good (0/1), elapsed sum, max


def hour_row(
    site_id: int,
    when: datetime,
    status: int | None,
    error: str | None,
    elapsed: float,
    good: Container[int | None],
) -> HourRow:
    """One check's share of its hour in the summary (``good`` is the set of good codes). Pure,
    so a round can work it out while slower checks still wait."""
    ok = error is None and status in good
    return (site_id, hour_of(when), int(ok), elapsed if ok else 0.0, elapsed if ok else 0.0)


#: the hour summary's upsert, around its rows (``VALUES`` of one, or a ``SELECT`` of many)
HOUR_INSERT = """INSERT INTO check_hour (site_id, hour, checks, good, good_elapsed_sum,
                                        good_elapsed_max)"""
HOUR_CONFLICT = """ON CONFLICT (site_id, hour) DO UPDATE SET
                     checks = check_hour.checks + excluded.checks,
                     good = check_hour.good + excluded.good,
                     good_elapsed_sum = check_hour.good_elapsed_sum + excluded.good_elapsed_sum,
                     good_elapsed_max = CASE WHEN excluded.good_elapsed_max
                                                 > check_hour.good_elapsed_max
                                            THEN excluded.good_elapsed_max
                                            ELSE check_hour.good_elapsed_max END"""


def _hour_upsert() -> str:
    """The hour summary's upsert of one row, with the open database's placeholders."""
    return f"{HOUR_INSERT} VALUES ({marks(6)}) {HOUR_CONFLICT}"


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
    for site_id, hour, good, elapsed, peak in rows:
        have = hours.get((site_id, hour))
        if have is None:
            hours[site_id, hour] = [1, good, elapsed, peak]
        else:
            have[0] += 1
            have[1] += good
            have[2] += elapsed
            have[3] = max(have[3], peak)
    return [(site_id, hour, *sums) for (site_id, hour), sums in hours.items()]


def add_to_hours(
    checks: Iterable[tuple[int, datetime, int | None, str | None, float]],
    good_codes: Sequence[int],
) -> None:
    """Fold checks (site id, time, status, error, elapsed ms) into the hour summary.
    Call inside the transaction that stores them."""
    good = set(good_codes)
    add_hour_rows([hour_row(*check, good) for check in checks])


@dataclass(frozen=True)
class Uptime:
    good: int
    checks: int

    @property
    def percent(self) -> float | None:
        return None if self.checks == 0 else 100.0 * self.good / self.checks

    def text(self) -> str:
        p = self.percent
        if p is None:
            return "-"
        return "100%" if self.good == self.checks else f"{min(p, 99.99):.2f}%"


def uptimes(now: datetime, hours: int, site_ids: Sequence[int] | None = None) -> dict[int, Uptime]:
    """Each site's good/total checks over the last ``hours`` whole hours, this one included."""
    since = hour_of(now) - hours + 1
    sql = f"SELECT site_id, sum(good), sum(checks) FROM check_hour WHERE hour >= {marks()}"
    args: list = [since]
    if site_ids is not None:
        sql += f" AND site_id IN ({marks(len(site_ids))})"
        args += list(site_ids)
    rows = db.execute_sql(sql + " GROUP BY site_id", args).fetchall()
    return {site_id: Uptime(int(good), int(total)) for site_id, good, total in rows}


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


def purge(
    older_than_days: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Delete raw checks older than the cutoff, a batch per transaction (so other writers get
    their turn); hour summaries go only past max(days, 31). Outages are never touched. On a
    team database it waits for another desktop's purge to end first."""
    with _one_purge(wait=True):
        return _purge(older_than_days, now, progress)


@contextlib.contextmanager
def _one_purge(wait: bool) -> Iterator[bool]:
    """The team database's turn to purge (always True on SQLite): ``wait`` for it, or be told
    at once (False) that another desktop is purging."""
    if not is_team():
        yield True
        return
    if wait:
        take_lock(PURGE_LOCK, session=True)  # however long the other purge takes
    elif not db.execute_sql("SELECT pg_try_advisory_lock(%s)", (PURGE_LOCK,)).fetchone()[0]:
        yield False
        return
    try:
        yield True
    finally:
        db.execute_sql("SELECT pg_advisory_unlock(%s)", (PURGE_LOCK,))


def _limits(older_than_days: int, now: datetime) -> tuple[int, int]:
    """The purge's cutoffs: checks before this (ms), hour summaries before this hour."""
    cutoff_ms = to_ms(now - timedelta(days=older_than_days))
    keep_days = max(older_than_days, SUMMARY_MIN_DAYS)
    return cutoff_ms, hour_of(now - timedelta(days=keep_days))


def _purge(
    older_than_days: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
    mark: str | None = None,
) -> int:
    """Remove the checks (and hour summaries) past their time; with ``mark``, then set the
    ``last_purge`` mark to it."""
    cutoff_ms, oldest_hour = _limits(older_than_days, now)
    if is_team():
        return _purge_team(cutoff_ms, oldest_hour, progress, mark)
    removed = 0
    p = marks()
    # every check belongs to a site (deleting a site deletes its checks)
    site_ids = [row[0] for row in db.execute_sql("SELECT id FROM site")]
    for site_id in site_ids:

        def one_batch(site_id: int = site_id) -> int:
            with writing():
                return db.execute_sql(
                    f"""DELETE FROM "check" WHERE (site_id, time, id) IN
                       (SELECT site_id, time, id FROM "check"
                        WHERE site_id = {p} AND time < {p} LIMIT {p})""",
                    (site_id, cutoff_ms, PURGE_BATCH),
                ).rowcount

        removed = _in_batches(one_batch, removed, progress)
    with writing():
        db.execute_sql(f"DELETE FROM check_hour WHERE hour < {p}", (oldest_hour,))
    if mark is not None:
        meta_set("last_purge", mark)
    return removed


def _in_batches(
    one_batch: Callable[[], int], removed: int, progress: Callable[[int], None] | None
) -> int:
    """Run ``one_batch`` (it deletes at most PURGE_BATCH checks and says how many) until one
    deletes fewer; ``removed`` the count so far, told to ``progress`` after each batch that
    removed some. The new count."""
    while True:
        count = one_batch()
        removed += count
        if count and progress is not None:
            progress(removed)
        if count < PURGE_BATCH:
            return removed


#: a batch of old checks on PostgreSQL: along each site's key range (the check table's only
#: index), every site at once, at most PURGE_BATCH in all
_TEAM_BATCH = """DELETE FROM "check" WHERE (site_id, time, id) IN
    (SELECT c.site_id, c.time, c.id FROM site CROSS JOIN LATERAL
        (SELECT site_id, time, id FROM "check" WHERE site_id = site.id AND time < %s LIMIT %s) c
     LIMIT %s)"""


def _purge_team(
    cutoff_ms: int,
    oldest_hour: int,
    progress: Callable[[int], None] | None = None,
    mark: str | None = None,
    release: bool = False,
) -> int:
    """The purge on a team's PostgreSQL: a statement a batch of every site's old checks, each
    its own transaction (no writers' turn: what it deletes is what no rule reads), so a round
    between two batches waits for none; one round trip when there is little to remove, whatever
    the number of sites (a ``check`` far from its database runs the daily purge too)."""
    cursor = db.cursor()

    def one_batch() -> int:
        cursor.execute(_TEAM_BATCH, (cutoff_ms, PURGE_BATCH, PURGE_BATCH))
        return cursor.rowcount

    removed = _in_batches(one_batch, 0, progress)
    last = "DELETE FROM check_hour WHERE hour < %s"
    params: tuple = (oldest_hour,)
    if mark is not None:  # in the same round trip (and transaction)
        last += f"; {_meta_upsert()}"
        params += ("last_purge", mark)
    if release:  # the purge's turn (a session's lock) let go in the same round trip
        last += "; SELECT pg_advisory_unlock(%s)"
        params += (PURGE_LOCK,)
    cursor.execute(last, params)
    return removed


def check_count() -> int:
    return db.execute_sql('SELECT count(*) FROM "check"').fetchone()[0]


def meta_get(key: str) -> str | None:
    row = db.execute_sql(f"SELECT value FROM meta WHERE key = {marks()}", (key,)).fetchone()
    return row[0] if row else None


def _meta_upsert() -> str:
    """A ``meta`` row's upsert, with the open database's placeholders."""
    return (
        f"INSERT INTO meta (key, value) VALUES ({marks(2)})"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value"
    )


def meta_set(key: str, value: str) -> None:
    with writing():
        db.execute_sql(_meta_upsert(), (key, value))


#: ``purge_if_due``'s ``last`` when the caller has not read it
UNREAD = object()


def purge_if_due(
    retention_days: int,
    now: datetime,
    every: timedelta = timedelta(days=1),
    last: str | None | object = UNREAD,
) -> int | None:
    """The app's daily purge: runs when the last one is older than ``every`` (and, on a team
    database, no other desktop is purging: then None, as when it is not due). ``last``: the
    ``last_purge`` mark as the caller read it a moment ago (None: there is none), so that a
    round far from its database asks no more when the purge is not due."""
    if not _due(now, every, last):
        return None
    if is_team():
        return _purge_if_due_team(retention_days, now, every)
    with _one_purge(wait=False) as ours:
        if not ours or not _due(now, every):  # (another desktop may have purged meanwhile)
            return None
        return _purge(retention_days, now, mark=now.isoformat())


def _purge_if_due_team(retention_days: int, now: datetime, every: timedelta) -> int | None:
    """:func:`purge_if_due` on PostgreSQL in few round trips: one takes the purge's turn if no
    other desktop has it and reads the mark again (one another desktop committed just before
    this statement began is missed: the purge then runs twice, which changes nothing); the
    purge's last statement sets the mark and lets the turn go."""
    cursor = db.cursor()
    cursor.execute(
        "SELECT pg_try_advisory_lock(%s), (SELECT value FROM meta WHERE key = 'last_purge')",
        (PURGE_LOCK,),
    )
    ours, last = cursor.fetchone()
    if not ours:
        return None
    released = False
    try:
        if not _due(now, every, last):
            return None
        removed = _purge_team(*_limits(retention_days, now), mark=now.isoformat(), release=True)
        released = True
        return removed
    finally:
        if not released:
            cursor.execute("SELECT pg_advisory_unlock(%s)", (PURGE_LOCK,))


def _due(now: datetime, every: timedelta, last: str | None | object = UNREAD) -> bool:
    if last is UNREAD:
        last = meta_get("last_purge")
    return last is None or now - datetime.fromisoformat(str(last)) >= every


@dataclass(frozen=True)
class SiteHistory:
    day: Uptime
    week: Uptime
    month: Uptime
    last_day: list[HourPoint]
    last_week: list[HourPoint]


def site_history(site_id: int, now: datetime) -> SiteHistory:
    def one(hours: int) -> Uptime:
        return uptimes(now, hours, [site_id]).get(site_id, Uptime(0, 0))

    week = hourly(site_id, now, 24 * 7)
    day_start = hour_of(now) - 23
    return SiteHistory(
        day=one(24),
        week=one(24 * 7),
        month=one(24 * 30),
        last_day=[p for p in week if hour_of(p.start) >= day_start],
        last_week=week,
    )
