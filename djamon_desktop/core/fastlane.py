"""The fast lane: a site whose last check failed is checked again every ``retry_seconds``, in a
small round of just the failing sites, instead of waiting for the schedule. Pure: which sites
are in the lane, when each is due, and when the next small round runs beside the schedule's.

A site is in the lane while it is active and its last check failed (``down_count`` above 0), as
stored by any process of this vantage (the app hands it each site as its own vantage saw it: on a
team database each desktop retries what fails from where it stands); down sites stay in, so a
recovery is seen within ``retry_seconds`` too. A retry due within :data:`MERGE` of a scheduled
round (or after it) waits for that round, which checks every active site: no site is checked
twice in a second. So does a retry that could still be running when the round is due (due
within the round's deadline, ``timeout_seconds``, before it): a retry never holds up the
schedule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from .sites import SiteInfo
from .states import State

#: how close a retry and another check of the same site may come before they merge into one
MERGE = timedelta(seconds=1)


@dataclass(frozen=True)
class Retry:
    """A small round of the fast lane: when it runs, and the sites it checks."""

    at: datetime
    site_ids: tuple[int, ...]


def failing(sites: Iterable[SiteInfo]) -> list[SiteInfo]:
    """The sites of the fast lane: active, not in maintenance, last check failed."""
    return [
        site
        for site in sites
        if site.active
        and site.down_count > 0
        and site.last_checked is not None
        and site.state != State.MAINTENANCE
    ]


def lane(
    sites: Iterable[SiteInfo],
    retry_seconds: int,
    tried: Mapping[int, datetime] | None = None,
) -> dict[int, datetime]:
    """Each fast-lane site's id and when its next retry is due: ``retry_seconds`` after its last
    check as stored, or after ``tried`` (when this process last started a round that checked
    it) if that is later, since a round whose results were not stored (connectivity lost, or
    it failed) still counts: a site is never retried sooner. Empty when ``retry_seconds`` is 0:
    the lane is off."""
    if retry_seconds <= 0:
        return {}
    step = timedelta(seconds=retry_seconds)
    tried = tried or {}
    out = {}
    for site in failing(sites):
        last = site.last_checked
        again = tried.get(site.site_id)
        if last is not None:
            out[site.site_id] = (last if again is None else max(last, again)) + step
    return out


def next_retry(
    due: Mapping[int, datetime], scheduled: datetime | None, round_seconds: float = 0
) -> Retry | None:
    """The lane's next small round before the scheduled one, or None when there is none: the
    lane is empty, or its first retry is due within :data:`MERGE` plus ``round_seconds`` (the
    round's deadline) of the scheduled round, or later, so that round checks it. Sites due
    within :data:`MERGE` of the first go with it."""
    if not due:
        return None
    first = min(due.values())
    if scheduled is not None and first >= scheduled - MERGE - timedelta(seconds=round_seconds):
        return None
    ids = sorted((when, site_id) for site_id, when in due.items() if when <= first + MERGE)
    return Retry(first, tuple(site_id for _when, site_id in ids))


def next_check(
    due: Mapping[int, datetime], scheduled: datetime | None, round_seconds: float = 0
) -> datetime | None:
    """When the lane's first site is checked next (its retry, or the scheduled round it merges
    into); None when the lane is empty."""
    if not due:
        return None
    retry = next_retry(due, scheduled, round_seconds)
    return retry.at if retry is not None else scheduled


def unsettled(outcomes: Sequence[tuple[int, bool, int]], strikes: int) -> list[int]:
    """Of ``(site_id, ok, down_count)`` after a check, the sites neither up nor down yet: failing
    with fewer than ``strikes`` failures in a row (what ``check --confirm`` re-checks)."""
    return [site_id for site_id, ok, count in outcomes if not ok and count < strikes]
