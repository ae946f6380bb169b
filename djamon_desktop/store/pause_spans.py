"""The times a site, or all monitoring, was not monitored, kept as spans (table ``pause_span``):
what an uptime leaves out (``core.report_counting``: neither up nor down time). A site's row
and the ``meta`` row say only how things are now; a report of last month needs when they were
so.

Every change that pauses or resumes a site or all monitoring, and every change of a site's
``active``, calls here inside its own write transaction, so a span and the change it records
are stored together or not at all. A span runs from ``start`` to ``until``; ``until`` is None
while it lasts (a pause until resumed, an inactive site), or the end of a timed pause, moved
earlier when it is resumed before then.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from .engine import marks
from .models import PauseSpan, UtcField, db

PAUSE = "pause"  # paused by hand (a site's pause, or all monitoring's)
INACTIVE = "inactive"  # made inactive (in the editor, by an import, added so)
#: sites named in one statement (well within SQLite's 32,766 parameters)
_AT_ONCE = 1000


def _running(site_id: int | None, why: str, now: datetime):
    """The spans of the site (None: all monitoring) and kind still running at ``now``."""
    site = PauseSpan.site.is_null() if site_id is None else PauseSpan.site == site_id
    return site & (PauseSpan.why == why) & (PauseSpan.until.is_null() | (PauseSpan.until > now))


def paused(site_id: int | None, now: datetime, until: datetime | None) -> None:
    """A pause of the site (None: of all monitoring) from ``now`` to ``until`` (None: until
    resumed). A pause still running ends at ``now`` first: the new one replaces it."""
    resumed(site_id, now)
    PauseSpan.create(site=site_id, start=now, until=until, why=PAUSE)


def resumed(site_id: int | None, now: datetime) -> None:
    """The site's (None: all monitoring's) pause running at ``now`` ends then; one that ran out
    before keeps its end."""
    PauseSpan.update(until=now).where(_running(site_id, PAUSE, now)).execute()


def active_set(site_ids: Sequence[int], active: bool, now: datetime) -> None:
    """``site_ids`` made active (their inactive span ends at ``now``) or inactive (one opens at
    ``now`` for each that has none running, so saving an inactive site again changes nothing).
    A site deleted meanwhile is left out."""
    p = marks()
    at = UtcField().db_value(now)
    for first in range(0, len(site_ids), _AT_ONCE):
        some = list(site_ids[first : first + _AT_ONCE])
        ids = marks(len(some))
        if active:
            db.execute_sql(
                f"""UPDATE pause_span SET until = {p}
                     WHERE why = {p} AND until IS NULL AND site_id IN ({ids})""",
                [at, INACTIVE, *some],
            )
            continue
        db.execute_sql(
            f"""INSERT INTO pause_span (site_id, start, until, why)
                SELECT id, {p}, NULL, {p} FROM site
                 WHERE id IN ({ids}) AND NOT EXISTS (
                       SELECT 1 FROM pause_span s
                        WHERE s.site_id = site.id AND s.why = {p} AND s.until IS NULL)""",
            [at, INACTIVE, *some, INACTIVE],
        )
