"""What the windows and the command line read: sites, groups, outages, a site's recent checks.
Everything returned is a plain object, never a peewee row."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from peewee import JOIN

from ..core.certs import expiring
from ..core.clock import utc_now
from ..core.expect import NOTHING_EXPECTED, Expect, from_stored
from ..core.maintenance import Window, windows_from_json
from ..core.outages import LIVE, OUTAGES_PER_PAGE, PRIORITY_NAMES, state_of
from ..core.sites import SiteInfo
from ..core.states import State
from .maintenance import UNREAD, MaintenanceRow, with_maintenance
from .models import (
    Check,
    Outage,
    OutageEvent,
    OutageSite,
    Site,
    SiteGroup,
    SiteVantage,
    UtcField,
    Vantage,
)

__all__ = ["OUTAGES_PER_PAGE", "SiteInfo"]  # re-exported: what list_sites returns


# -- sites and groups -------------------------------------------------------------------------


#: what :func:`list_sites` reads of each site, one column a line, under the name it is read by
_SITE_COLUMNS = {
    "site_id": Site.id,
    "group": SiteGroup.title,
    "title": Site.title,
    "url": Site.url,
    "priority": Site.priority,
    "active": Site.active,
    "down_message": Site.down_message,
    "down_count": Site.down_count,
    "last_seen": Site.last_seen,
    "last_checked": Site.last_checked,
    "last_status_code": Site.last_status_code,
    "last_error": Site.last_error,
    "last_elapsed_ms": Site.last_elapsed_ms,
    "cert_expires_at": Site.cert_expires_at,
    "group_position": SiteGroup.position,
    "position": Site.position,
    "failing": Site.failing,
    "windows": Site.maintenance,
    "paused": Site.paused,
    "paused_until": Site.paused_until,
    "group_windows": SiteGroup.maintenance,
    "expect": Site.expect,
    "last_detail": Site.last_detail,
}


@functools.lru_cache(maxsize=16384)
def _expect_of(text: str) -> Expect:
    """A site's stored expect, read once for every round that meets the same text (a round of
    10,000 sites starts by reading them all; an Expect is never changed)."""
    return from_stored(text)


def list_sites(
    strikes: int,
    only_active: bool = False,
    *,
    cert_warning_days: int = 0,
    now: datetime | None = None,
    pause: str | None | object = UNREAD,
) -> list[SiteInfo]:
    """Every site (or the active ones) in the list's order: group, then site. Read as named
    tuples (peewee converts each value), not rows, since a round of thousands of sites starts
    here; with their maintenance windows and pauses in the same query (``pause``: the pause of
    everything as the caller read it, ``store.maintenance``).

    With ``cert_warning_days``, a site whose certificate expires within that many days of
    ``now`` (default: the current time) is ``cert_expiring``; an ``http`` site has no expiry."""
    now = now or utc_now()
    query = (
        Site.select(*(column.alias(name) for name, column in _SITE_COLUMNS.items()))
        .join(SiteGroup)
        .order_by(SiteGroup.position, Site.position, Site.id)
    )
    if only_active:
        query = query.where(Site.active == True)  # noqa: E712 - peewee expression
    quiet: dict[int, MaintenanceRow] = {}
    sites = []
    for row in query.namedtuples():
        if row.paused or row.windows != "[]" or row.group_windows != "[]":
            until = UtcField().db_value(row.paused_until)
            quiet[row.site_id] = (row.windows, row.paused, until, row.group_windows)
        # only an https URL has a certificate (one edited to http since its check keeps none)
        cert_at = row.cert_expires_at if row.url.lower().startswith("https:") else None
        sites.append(
            SiteInfo(
                site_id=row.site_id,
                group=row.group,
                title=row.title,
                url=row.url,
                priority=PRIORITY_NAMES[row.priority],
                active=bool(row.active),
                down_message=row.down_message,
                down_count=row.down_count,
                state=state_of(row.down_count, row.last_checked is not None, strikes, row.failing),
                last_seen=row.last_seen,
                last_checked=row.last_checked,
                last_status_code=row.last_status_code,
                last_error=row.last_error,
                last_elapsed_ms=row.last_elapsed_ms,
                order=(row.group_position, row.position),
                cert_expires_at=cert_at,
                cert_expiring=expiring(cert_at, cert_warning_days, now),
                expect=_expect_of(row.expect) if row.expect else NOTHING_EXPECTED,
                last_detail=row.last_detail,
            )
        )
    return with_maintenance(sites, now, quiet, pause)  # the state maintenance


@dataclass(frozen=True)
class VantageState:
    """What one vantage sees of one site: its own failures in a row and last answers."""

    state: State  # up | warning | down | unknown | maintenance (as the site is)
    down_count: int
    last_seen: datetime | None
    last_checked: datetime | None


def vantage_states(
    sites: Sequence[SiteInfo], strikes: int, now: datetime
) -> dict[int, dict[str, VantageState]]:
    """For each of ``sites`` (as ``list_sites`` read them), what each live vantage sees of it,
    by vantage name in name order ({} when no live vantage checked it). A vantage's state is
    ``down`` at ``strikes`` failures in a row, ``warning`` below, else ``up``; a site in
    maintenance is in maintenance for every vantage."""
    out: dict[int, dict[str, VantageState]] = {site.site_id: {} for site in sites}
    quiet = {site.site_id for site in sites if site.state == State.MAINTENANCE}
    query = (
        SiteVantage.select(
            SiteVantage.site,
            Vantage.name,
            SiteVantage.down_count,
            SiteVantage.last_seen,
            SiteVantage.last_checked,
        )
        .join(Vantage)
        .where(Vantage.last_round_at > now - LIVE)
        .order_by(Vantage.name)
    )
    for site_id, name, down_count, last_seen, last_checked in query.tuples():
        if site_id in out:
            state = state_of(down_count, last_checked is not None, strikes)
            out[site_id][name] = VantageState(
                State.MAINTENANCE if site_id in quiet else state,
                down_count,
                last_seen,
                last_checked,
            )
    return out


@dataclass(frozen=True)
class GroupInfo:
    group_id: int
    title: str
    maintenance: tuple[Window, ...] = ()  # its maintenance windows, for each of its sites


def list_groups() -> list[GroupInfo]:
    return [
        GroupInfo(g.id, g.title, windows_from_json(g.maintenance))
        for g in SiteGroup.select().order_by(SiteGroup.position)
    ]


# -- outages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutageSiteInfo:
    site_id: int | None
    title: str
    primary: bool
    start_time: datetime
    #: how it left the outage: "recovered" (checked up again), "removed" (taken out of
    #: monitoring: nobody checked it up), or "" (still down); as the closing alert says it
    left: str = ""


@dataclass(frozen=True)
class OutageInfo:
    id: int
    code: str
    start_time: datetime
    end_time: datetime | None
    seconds_down: int | None
    content: str
    extra_information: str
    notification_sent: bool
    sites: list[OutageSiteInfo]
    acknowledged_by: str | None = None  # who is on it (None: nobody)
    acknowledged_at: datetime | None = None


def _outage_infos(outages: list[Outage]) -> list[OutageInfo]:
    links: dict[int, list[OutageSiteInfo]] = {o.id: [] for o in outages}
    if outages:
        query = (
            OutageSite.select()
            .where(OutageSite.outage.in_(list(links)))
            .order_by(OutageSite.primary.desc(), OutageSite.start_time, OutageSite.id)
        )
        for link in query:
            links[link.outage_id].append(
                OutageSiteInfo(
                    link.site_id,
                    link.title,
                    bool(link.primary),
                    link.start_time,
                    "recovered"
                    if link.recovered_at is not None
                    else ("removed" if link.removed_at is not None else ""),
                )
            )
    return [
        OutageInfo(
            id=o.id,
            code=o.code,
            start_time=o.start_time,
            end_time=o.end_time,
            seconds_down=o.seconds_down,
            content=o.content,
            extra_information=o.extra_information,
            notification_sent=bool(o.notification_sent),
            sites=links[o.id],
            acknowledged_by=o.acknowledged_by,
            acknowledged_at=o.acknowledged_at,
        )
        for o in outages
    ]


def outage_page(page: int, per_page: int = OUTAGES_PER_PAGE) -> tuple[list[OutageInfo], int]:
    """One page of outages, newest first, and how many there are in all."""
    total = Outage.select().count()
    rows = list(
        Outage.select()
        .order_by(Outage.start_time.desc(), Outage.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    )
    return _outage_infos(rows), total


def find_outage(key: str) -> OutageInfo | None:
    """By ID (all digits), by code (any case), or ``current`` (the open one)."""
    if key == "current":
        query = Outage.select().where(Outage.end_time.is_null()).order_by(Outage.id.desc())
    elif key.isdigit():
        query = Outage.select().where(Outage.id == int(key))
    else:
        query = Outage.select().where(Outage.code == key.upper())
    row = query.first()
    return _outage_infos([row])[0] if row else None


@dataclass(frozen=True)
class SiteFailure:
    """Why one site of an outage failed: its last failing check while it was part of it."""

    title: str
    primary: bool
    start_time: datetime
    url: str | None  # None when the site was deleted since
    status_code: int | None  # of the last failing check (None for an error, or none kept)
    error: str | None  # its kind of error: timeout, dns, connection, tls, protocol
    last_failed: datetime | None  # None when no failing check is kept (purged)
    failed_checks: int
    detail: str | None = None  # what that check saw beyond its error ("body lacks 'OK' ...")


def outage_failures(outage_id: int, good_codes: Sequence[int] | None = None) -> list[SiteFailure]:
    """Each site of an outage with its last failing check and how many failed, from the first
    failed check that led it into the outage (its first ``failed`` event; joining, for an
    outage from before the timeline) to the outage's end (read along the check table's
    (site, time) key, one range per site)."""
    outage = Outage.get_or_none(Outage.id == outage_id)
    if outage is None:
        return []
    if good_codes is None:
        from .settings import load_settings

        good_codes = load_settings().good_codes
    good = list(good_codes)
    links = list(
        OutageSite.select(OutageSite, Site)
        .join(Site, join_type=JOIN.LEFT_OUTER)
        .where(OutageSite.outage == outage_id)
        .order_by(OutageSite.primary.desc(), OutageSite.start_time, OutageSite.id)
    )
    firsts: dict[int, datetime] = {}
    for event in OutageEvent.select(OutageEvent.site_id, OutageEvent.at).where(
        (OutageEvent.outage == outage_id) & (OutageEvent.event == "failed")
    ):
        firsts[event.site_id] = min(event.at, firsts.get(event.site_id, event.at))
    out = []
    for link in links:
        last, count = None, 0
        if link.site_id is not None:
            since = min(link.start_time, firsts.get(link.site_id, link.start_time))
            own = _expect_of(link.site.expect).codes if link.site.expect else None
            failing = Check.error.is_null(False) | (  # no error, no code: a tcp site up
                Check.status_code.is_null(False) & Check.status_code.not_in(list(own or good))
            )
            window = (Check.site == link.site_id) & (Check.time >= since) & failing
            if outage.end_time is not None:
                window &= Check.time <= outage.end_time
            count = Check.select().where(window).count()
            if count:
                last = (
                    Check.select(Check.time, Check.status_code, Check.error, Check.detail)
                    .where(window)
                    .order_by(Check.time.desc())
                    .first()
                )
        site = link.site if link.site_id is not None else None
        out.append(
            SiteFailure(
                title=link.title,
                primary=bool(link.primary),
                start_time=link.start_time,
                url=site.url if site is not None else None,
                status_code=last.status_code if last else None,
                error=last.error if last else None,
                last_failed=last.time if last else None,
                failed_checks=count,
                detail=last.detail if last else None,
            )
        )
    return out


# -- a site's checks, and changes from elsewhere ------------------------------------------


@dataclass(frozen=True)
class CheckInfo:
    time: datetime
    status_code: int | None
    error: str | None
    elapsed_ms: float
    detail: str | None = None  # what a failed check saw beyond its error (None: nothing)


def recent_checks(site_id: int, limit: int = 10) -> list[CheckInfo]:
    query = (
        Check.select(Check.time, Check.status_code, Check.error, Check.elapsed_ms, Check.detail)
        .where(Check.site == site_id)
        .order_by(Check.time.desc())
        .limit(limit)
    )
    return [CheckInfo(c.time, c.status_code, c.error, c.elapsed_ms, c.detail) for c in query]
