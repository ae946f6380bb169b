"""The outage rules, as pure functions: who is down, who joins, when an outage opens and closes;
and the plain facts an alert about an outage is written from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from .states import State

PRIORITY_NAMES = ("critical", "high", "normal", "low")

#: a vantage point counts while its last round is less than this old
LIVE = timedelta(minutes=15)

#: the outages list (``outages``, the Outages window): how many a page
OUTAGES_PER_PAGE = 25


@dataclass(frozen=True)
class SiteStrikes:
    """What the outage rules read of a site: its failures in a row and its rank."""

    site_id: int
    active: bool
    priority: int  # 0 critical ... 3 low
    order: tuple[int, ...]  # the site's place in the list (group, then site)
    down_count: int
    failing: bool = False  # some vantage sees it failing (what a count of 0 can't say)


@dataclass(frozen=True)
class OutagePlan:
    joining: tuple[int, ...] = ()  # when opening, the primary comes first
    opens: bool = False
    closes: bool = False


def plan_outage(
    statuses: Mapping[int, SiteStrikes], open_members: frozenset[int] | None, strikes: int
) -> OutagePlan:
    """What this round does to outages, given every site's state after its results are counted.

    ``open_members`` is the site ids in the open outage, or None when none is open. A member that
    is gone or inactive no longer keeps the outage open; it leaves it as removed, not recovered
    (``store.round_events``: nobody checked it up, and no alert may call it back).
    """
    newly_down = sorted(
        (
            s
            for s in statuses.values()
            if s.active
            and s.down_count >= strikes
            and (open_members is None or s.site_id not in open_members)
        ),
        key=lambda s: (s.priority, s.order),
    )
    if newly_down:
        return OutagePlan(tuple(s.site_id for s in newly_down), opens=open_members is None)
    if open_members is None:
        return OutagePlan()
    recovered = all(
        member not in statuses
        or not statuses[member].active
        or (statuses[member].down_count == 0 and not statuses[member].failing)
        for member in open_members
    )
    return OutagePlan(closes=recovered)


def next_down_count(down_count: int, good: bool) -> int:
    """A good answer clears the strikes; a failure adds one."""
    return 0 if good else down_count + 1


def team_strikes(counts: Iterable[int], confirmations: int, strikes: int) -> tuple[int, bool]:
    """A site's failures in a row for the team, from each live vantage's own ``counts``, and
    whether some live vantage sees it failing. The count is the ``confirmations``-th highest
    while that reaches ``strikes`` (that many vantages have it down: it is down); else the
    highest, kept below ``strikes`` (a warning); else 0. With one vantage and ``confirmations``
    1, its own count; so "down" stays ``down_count >= strikes`` for every reader of the site.

    (With ``strikes`` 1 no count is a warning: then only the flag says it is failing.)"""
    ranked = sorted(counts, reverse=True)
    failing = bool(ranked) and ranked[0] > 0
    confirmed = ranked[confirmations - 1] if len(ranked) >= confirmations else 0
    if confirmed >= strikes:
        return confirmed, failing
    return (min(ranked[0], strikes - 1) if ranked else 0), failing


def state_of(down_count: int, ever_checked: bool, strikes: int, failing: bool = False) -> State:
    """``up``, ``warning`` (1 to strikes-1 failures in a row, or ``failing``: some vantage sees
    it failing, not enough to call it down), ``down`` or ``unknown``."""
    if not ever_checked:
        return State.UNKNOWN
    if down_count == 0:
        return State.WARNING if failing else State.UP
    return State.DOWN if down_count >= strikes else State.WARNING


def duration_words(seconds: float) -> str:
    """Durations as Djamon showed them: ``1 hour, 3 minutes, 5 seconds``."""
    total = max(0, int(round(seconds)))
    parts = []
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count} {name}{'' if count == 1 else 's'}")
    return ", ".join(parts) or "0 seconds"


# -- what an alert says ----------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteLine:
    """One site of an outage, as an alert lists it."""

    title: str
    group: str
    url: str
    priority: str
    down_message: str
    last_answer: str  # "HTTP 500", "timeout", ...
    primary: bool
    #: how it left the outage: "recovered" (checked up again), "removed" (taken out of
    #: monitoring: nobody checked it up), or "" (still down, or the outage is opening)
    left: str = ""


@dataclass(frozen=True)
class OutageFacts:
    """An outage opened or closed, with its sites (primary first): all an alert is written from."""

    event: str  # opened | closed
    code: str
    start_time: datetime
    end_time: datetime | None
    seconds_down: int | None
    sites: tuple[SiteLine, ...]


@dataclass(frozen=True)
class AlertText:
    """One alert, written: what the outbox stores for one channel."""

    channel: str  # email | twitter | apprise
    subject: str  # empty for a post
    body: str
    #: quiet hours: held in the outbox until then, and sent in that moment's digest (None:
    #: goes at once)
    held_until: datetime | None = None
