"""The state in the few words a window's title starts with (``2 down — Dashboard —
djamon-desktop``): what the tray's colour says, for a desktop with no tray and for anyone who
does not tell colours apart. Pure.

One state wins, the first of: the database unreachable, monitoring paused, nothing monitored, no
connection, some sites down, some failing, some waiting for their first check, all up. Sites in
maintenance are neither down nor failing (they are not checked), as on the tray."""

from __future__ import annotations

from collections.abc import Sequence

from .states import FAILING, State
from .status import OpenOutage, SiteAtGlance

UNREACHABLE = "Database unreachable"
PAUSED = "Paused"
NOTHING = "Nothing monitored"
NO_CONNECTION = "No connection"
ALL_UP = "All up"


def _in_outage(site: SiteAtGlance, outage: OpenOutage) -> bool:
    if outage.site_ids:
        return site.site_id in outage.site_ids
    return site.title in outage.titles


def title_words(
    sites: Sequence[SiteAtGlance],
    outage: OpenOutage | None,
    connectivity: bool,
    paused: bool,
    unreachable: bool,
) -> str:
    """``Database unreachable``, ``Paused``, ``Nothing monitored``, ``No connection``, ``N
    down`` (the active sites that are down: in the open outage or counted down), ``N failing``
    (failing, not yet down), ``N waiting`` (never checked yet), or ``All up``. Every active site
    in maintenance is nothing monitored: none of them is checked until it ends."""
    if unreachable:
        return UNREACHABLE
    if paused:
        return PAUSED
    watched = [s for s in sites if s.active and s.state != State.MAINTENANCE]
    if not watched:
        return NOTHING
    if not connectivity:
        return NO_CONNECTION
    down = [
        s
        for s in watched
        if s.state == State.DOWN or (outage is not None and _in_outage(s, outage))
    ]
    if down:
        return f"{len(down)} down"
    blamed = _blamed(sites, outage)
    if blamed:  # the outage's sites deactivated or deleted meanwhile: the tray is red still
        return f"{blamed} down"
    failing = [s for s in watched if s.state in FAILING]
    if failing:
        return f"{len(failing)} failing"
    waiting = [s for s in watched if s.state == State.UNKNOWN]
    if waiting:
        return f"{len(waiting)} waiting"
    return ALL_UP


def _blamed(sites: Sequence[SiteAtGlance], outage: OpenOutage | None) -> int:
    """How many of the open outage's sites are not in maintenance (the tray is red while one
    is), listed or not."""
    if outage is None:
        return 0
    quiet = [s for s in sites if s.active and s.state == State.MAINTENANCE]
    if outage.site_ids:
        ids = {s.site_id for s in quiet}
        return sum(1 for site_id in outage.site_ids if site_id not in ids)
    titles = {s.title for s in quiet}
    return sum(1 for title in outage.titles if title not in titles) or int(not outage.titles)
