"""The purge of old raw checks, in small batches so that other writers get their turn; hour
summaries outlive them (``history.SUMMARY_MIN_DAYS``) and outages are never touched.

On a team's PostgreSQL one purge runs at a time, whatever number of desktops share it (a session
advisory lock, let go when the purge ends or its connection goes). The command line's ``purge``
waits for one running (then removes what is left: the user asked for it); the app's daily purge
skips the day instead (another desktop is doing that very work, and the round that called it
should not wait)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta

from ..core.clock import to_ms
from .engine import PURGE_LOCK, is_team, marks, take_lock, writing
from .history import SUMMARY_MIN_DAYS, hour_of, meta_get, meta_set, meta_upsert
from .models import db

PURGE_BATCH = 5000


def purge(
    older_than_days: int,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Delete raw checks older than the cutoff, a batch per transaction (so other writers get
    their turn); hour summaries go only past max(days, ``SUMMARY_MIN_DAYS``). Outages are never
    touched. On a team database it waits for another desktop's purge to end first."""
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
        last += f"; {meta_upsert()}"
        params += ("last_purge", mark)
    if release:  # the purge's turn (a session's lock) let go in the same round trip
        last += "; SELECT pg_advisory_unlock(%s)"
        params += (PURGE_LOCK,)
    cursor.execute(last, params)
    return removed


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
