"""What the app's windows and tray show, read in one go by a worker thread: a :class:`Picture`.

The app's UI thread never talks to the database (a team's may be on another machine, slow,
hung or gone): a worker calls :func:`read_picture` and hands the UI the result, plain frozen
data, which the windows only display. ``Wants`` says what is open (which site and outage windows,
which page of the outages list), so nothing more is read than is shown.

What a change between two pictures means for the user (an outage opened or ended, which brings a
desktop notification) is worked out here too, on the worker side, from the outage that was open
at the last reading (:class:`Reading`).

Layers: like ``cycle``, this module sits above ``store`` and ``core``; it knows no Qt.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from .core.clock import Clock
from .core.fastlane import failing
from .core.maintenance import Pause
from .core.rechecks import Asked
from .core.settings_value import Settings
from .core.sites import SiteInfo
from .core.states import State
from .core.status import OpenOutage, Overview, SiteAtGlance, overview
from .core.title_words import title_words
from .core.vantage_words import down_from_words, vantage_failure_words
from .store import history, maintenance, outbox, queries, rechecks, timeline, uptime, vantages
from .store.settings import load_settings


@dataclass(frozen=True)
class Wants:
    """What the open windows need beyond the tray's state."""

    dashboard: bool = False
    site_ids: frozenset[int] = frozenset()
    outage_ids: frozenset[int] = frozenset()
    outage_page: int | None = None  # the outages list's page, while it is shown


@dataclass(frozen=True)
class SiteDetail:
    site: SiteInfo
    checks: tuple[queries.CheckInfo, ...]
    history: history.SiteHistory
    recheck: Asked | None = None  # its last recheck, with the answers so far


@dataclass(frozen=True)
class OutageDetail:
    """One outage's window: the outage, its alerts, why each site failed, and its timeline
    (every event in the order it happened)."""

    info: queries.OutageInfo
    alerts: tuple[outbox.AlertInfo, ...]
    failures: tuple[queries.SiteFailure, ...]
    events: tuple[timeline.Event, ...] = ()


@dataclass(frozen=True)
class Announcement:
    """A desktop notification a change brings: an outage opened (``up`` False) or ended."""

    outage: queries.OutageInfo
    up: bool


@dataclass(frozen=True)
class Picture:
    read_at: datetime
    settings: Settings
    sites: tuple[SiteInfo, ...]
    current: queries.OutageInfo | None
    pause: Pause | None  # all monitoring's pause, only while it runs (one that ran out: None)
    retrying: tuple[SiteInfo, ...]  # failing from this vantage: the fast lane's sites
    groups: tuple[queries.GroupInfo, ...] = ()
    day: Mapping[int, uptime.Uptime] = field(default_factory=dict)  # each site's last 24 h
    vantage_states: Mapping[int, Mapping[str, queries.VantageState]] = field(default_factory=dict)
    site_details: Mapping[int, SiteDetail] = field(default_factory=dict)
    outages: Mapping[int, OutageDetail] = field(default_factory=dict)
    outage_page: tuple[int, tuple[queries.OutageInfo, ...], int] | None = None
    announcements: tuple[Announcement, ...] = ()
    vantage: str = ""
    wants: Wants = Wants()  # what it was read for
    number: int = 0  # readings are numbered in the order they were read (newest: highest)
    #: rechecks this vantage owes an answer, (recheck id, site id): the app's round thread
    #: answers them (``rechecking``)
    rechecks_due: tuple[tuple[int, int], ...] = ()

    def site(self, site_id: int) -> SiteInfo | None:
        return next((s for s in self.sites if s.site_id == site_id), None)

    def group(self, group_id: int) -> queries.GroupInfo | None:
        return next((g for g in self.groups if g.group_id == group_id), None)


class Reading:
    """The worker's side of the pictures: remembers which outage was open at its last reading,
    so that each picture carries the notifications its change brings (once each)."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self._open: int | None = None
        self._first = True
        self._numbers = 0

    def read(self, wants: Wants) -> Picture:
        now = self.clock()
        settings = load_settings()
        strikes = settings.strikes
        sites = queries.list_sites(strikes, cert_warning_days=settings.cert_warning_days, now=now)
        current = queries.find_outage("current")
        pause = maintenance.global_pause()
        if pause is not None and not pause.active(now):
            maintenance.resume_everything(self.clock)  # ran out: stored no longer, shown no longer
            pause = None
        retrying = tuple(failing(vantages.own_view(sites)))
        announcements = self._changes(current)
        details: dict[int, SiteDetail] = {}
        by_id = {s.site_id: s for s in sites}
        for site_id in sorted(wants.site_ids):
            if site_id in by_id:
                details[site_id] = SiteDetail(
                    by_id[site_id],
                    tuple(queries.recent_checks(site_id)),
                    history.site_history(site_id, now),
                    rechecks.latest(site_id),
                )
        outages: dict[int, OutageDetail] = {}
        for outage_id in sorted(wants.outage_ids):
            info = queries.find_outage(str(outage_id))
            if info is not None:
                outages[outage_id] = OutageDetail(
                    info,
                    tuple(outbox.alerts_of(outage_id)),
                    tuple(queries.outage_failures(outage_id, settings.good_codes)),
                    tuple(timeline.events_of(outage_id)),
                )
        page = None
        if wants.outage_page is not None:
            page = _outage_page(wants.outage_page)
        dashboard = wants.dashboard
        return Picture(
            read_at=now,
            settings=settings,
            sites=tuple(sites),
            current=current,
            pause=pause,
            retrying=retrying,
            groups=tuple(queries.list_groups()),
            day=uptime.uptimes(now, uptime.DAY) if dashboard else {},
            vantage_states=queries.vantage_states(sites, strikes, now),
            site_details=MappingProxyType(details),
            outages=MappingProxyType(outages),
            outage_page=page,
            announcements=announcements,
            vantage=vantages.current(),
            wants=wants,
            number=self._next_number(),
            rechecks_due=tuple(rechecks.due(vantages.current(), now)),
        )

    def _next_number(self) -> int:
        self._numbers += 1
        return self._numbers

    def _changes(self, current: queries.OutageInfo | None) -> tuple[Announcement, ...]:
        """The outages that ended and opened since the last reading (none at the first)."""
        now_open = current.id if current else None
        before, self._open = self._open, now_open
        if self._first:
            self._first = False
            return ()
        if now_open == before:
            return ()
        out = []
        if before is not None:
            ended = queries.find_outage(str(before))
            if ended is not None and ended.end_time is not None:
                out.append(Announcement(ended, up=True))
        if current is not None:
            out.append(Announcement(current, up=False))
        return tuple(out)


def _outage_page(page: int) -> tuple[int, tuple[queries.OutageInfo, ...], int]:
    """Page ``page`` of the outages list (the last one, when fewer are left)."""
    items, total = queries.outage_page(page)
    pages = max(1, -(-total // queries.OUTAGES_PER_PAGE))
    if page > pages:
        page = pages
        items, total = queries.outage_page(page)
    return page, tuple(items), total


def overview_of(
    picture: Picture,
    connectivity: bool,
    unanswered: list[str],
    last_error: str | None = None,
    now: datetime | None = None,
    busy: int = 0,
) -> Overview:
    """The tray's state and words for ``picture`` (with the last round's connectivity, the
    sandbox URLs that did not answer, and why the last round failed, if it did); ``now``
    counts the minutes someone has been on the open outage ("alice is on it · 4 minutes");
    ``busy``: how many sites the last round could not start in time (said, not blamed)."""
    current, pause = picture.current, picture.pause
    ov = overview(
        [
            SiteAtGlance(
                s.title,
                s.active,
                s.state,
                s.down_count,
                s.cert_expires_at if s.cert_expiring else None,
                site_id=s.site_id,
                quiet_until=s.quiet_until,
                **_vantage_counts(picture.vantage_states.get(s.site_id, {})),
            )
            for s in picture.sites
        ],
        OpenOutage(
            current.code,
            current.start_time,
            [x.title for x in current.sites],
            [x.site_id for x in current.sites],
            current.acknowledged_by,
            current.acknowledged_at,
            down_from(picture, current),
        )
        if current
        else None,
        connectivity,
        paused_until=None if pause is None else pause.until,
        paused_forever=pause is not None and pause.until is None,
        sandbox_urls=unanswered,
        now=now,
        busy=busy,
    )
    if last_error and ov.state != State.DOWN:
        ov = Overview(
            ov.state, f"{ov.text} (last round: {last_error})", waiting=ov.waiting, lead=ov.lead
        )
    return ov


def title_words_of(picture: Picture, connectivity: bool, unreachable: bool) -> str:
    """The state in the words a window's title starts with (``2 down``; core.title_words),
    from the same facts as the tray's overview."""
    current = picture.current
    return title_words(
        [
            SiteAtGlance(s.title, s.active, s.state, s.down_count, site_id=s.site_id)
            for s in picture.sites
        ],
        OpenOutage(
            current.code,
            current.start_time,
            [x.title for x in current.sites],
            [x.site_id for x in current.sites],
        )
        if current
        else None,
        connectivity,
        paused=picture.pause is not None,
        unreachable=unreachable,
    )


def down_from(picture: Picture, outage: queries.OutageInfo) -> str:
    """From how many of a team's live vantages the outage's primary site is down, in words
    ("down from 2 of 3 desktops"); "" on a desktop of its own, or when that is not known."""
    primary = outage.sites[0].site_id if outage.sites else None
    if primary is None:
        return ""
    counts = vantage_counts(picture.vantage_states.get(primary, {}))
    return down_from_words(counts, picture.settings.strikes) if counts else ""


def vantage_counts(states: Mapping[str, queries.VantageState]) -> dict[str, int] | None:
    """Each live vantage's own failures in a row, when more than one vantage counts (a
    team's): None otherwise, where the site's own count says it all."""
    return {name: v.down_count for name, v in states.items()} if len(states) > 1 else None


def _vantage_counts(states: Mapping[str, queries.VantageState]) -> dict[str, Any]:
    counts = vantage_counts(states)
    if counts is None or not any(counts.values()):
        return {}
    return {"failures": vantage_failure_words(counts), "most_failures": max(counts.values())}
