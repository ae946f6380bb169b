"""Pauses as stored: a site's (``site.paused``/``site.paused_until``) and all monitoring's (the
``meta`` table's ``pause`` row, so that the app and the command line share it), each change
with its span in the same transaction (:mod:`.pause_spans`: what an uptime leaves out); and a
site found by its ID or ``GROUP/TITLE``. The windows themselves are stored with their group or
site (JSON text) by the import and the editors; :func:`..queries.list_sites` reads them."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import datetime

from ..core.clock import Clock, utc_now
from ..core.maintenance import Pause, Quiet, Window, quiet, windows_from_json
from ..core.schedule import local_zone
from ..core.sites import SiteInfo
from ..core.states import State
from . import pause_spans
from .engine import marks, writing
from .history import meta_get, meta_upsert
from .models import Site, SiteGroup, UtcField, db

_KEY = "pause"
#: what a caller passes for a value it has not read (the function reads it then)
UNREAD = object()
#: a site's row as :func:`with_maintenance` reads it: its own windows (JSON), paused, paused
#: until (ms), its group's windows (JSON)
MaintenanceRow = tuple[str, bool, int | None, str]


def global_pause(text: str | None | object = UNREAD) -> Pause | None:
    """All monitoring's pause as stored (one that has run out included), or None. ``text``:
    the ``meta`` row as the caller read it (None: there is none)."""
    if text is UNREAD:
        text = meta_get(_KEY)
    if not text or not isinstance(text, str):
        return None
    try:
        until = json.loads(text).get("until")
        return Pause(None if until is None else UtcField().python_value(int(until)))
    except (ValueError, TypeError, AttributeError):
        return None


def pause_everything(until: datetime | None, clock: Clock = utc_now) -> None:
    """Pause all monitoring until a time, or (None) until resumed; a pause running already is
    replaced."""
    now = clock()
    with writing():
        db.execute_sql(meta_upsert(), (_KEY, json.dumps({"until": UtcField().db_value(until)})))
        pause_spans.paused(None, now, until)


def resume_everything(clock: Clock = utc_now) -> bool:
    """True when monitoring was paused (a pause that ran out included: it is cleared)."""
    now = clock()
    with writing():
        pause_spans.resumed(None, now)
        return db.execute_sql(f"DELETE FROM meta WHERE key = {marks()}", (_KEY,)).rowcount > 0


def pause_site(site_id: int, until: datetime | None, clock: Clock = utc_now) -> None:
    now = clock()
    with writing():
        if Site.update(paused=True, paused_until=until).where(Site.id == site_id).execute():
            pause_spans.paused(site_id, now, until)


def resume_site(site_id: int, clock: Clock = utc_now) -> None:
    now = clock()
    with writing():
        Site.update(paused=False, paused_until=None).where(Site.id == site_id).execute()
        pause_spans.resumed(site_id, now)


@dataclass(frozen=True)
class SiteRef:
    site_id: int
    group: str
    title: str

    @property
    def name(self) -> str:
        return f"{self.group}/{self.title}"


def find_site(key: str) -> SiteRef | list[SiteRef] | None:
    """A site by its ID (all digits) or ``GROUP/TITLE`` (either may hold a ``/``: every split
    is tried). A list when ``GROUP/TITLE`` fits more than one; None when none."""
    query = Site.select(Site.id, SiteGroup.title, Site.title).join(SiteGroup)
    if key.isdigit():
        row = query.where(Site.id == int(key)).tuples().first()
        return SiteRef(*row) if row else None
    found = []
    for at, char in enumerate(key):
        if char == "/":
            where = (SiteGroup.title == key[:at]) & (Site.title == key[at + 1 :])
            found += [SiteRef(*row) for row in query.where(where).tuples()]
    if not found:
        return None
    return found[0] if len(found) == 1 else found


def with_maintenance(
    sites: list[SiteInfo],
    now: datetime,
    rows: dict[int, MaintenanceRow] | None = None,
    pause: str | None | object = UNREAD,
) -> list[SiteInfo]:
    """``sites`` with their own windows and pauses, and the state ``maintenance`` (with when it
    ends) for those in maintenance at ``now``. One small query: only the sites that have a
    window, a pause, or a group with windows are read; none when the caller has read their
    ``rows`` (by site id) already, and the pause of everything (``pause``: the meta row)."""
    if rows is None:
        cursor = db.execute_sql(
            "SELECT site.id, site.maintenance, site.paused, site.paused_until,"
            " site_group.maintenance FROM site JOIN site_group ON site_group.id = site.group_id"
            " WHERE site.maintenance != '[]' OR site.paused OR site_group.maintenance != '[]'"
        )
        rows = {row[0]: row[1:] for row in cursor}
    everything = global_pause(pause)
    if everything is not None and not everything.active(now):
        everything = None
    if not rows and everything is None:
        return sites
    zone = local_zone() if rows else None
    parsed: dict[str, tuple[Window, ...]] = {}
    found_for: dict[tuple, Quiet | None] = {}

    def windows(text: str) -> tuple[Window, ...]:
        if text not in parsed:
            parsed[text] = windows_from_json(text)
        return parsed[text]

    out = []
    for site in sites:
        row = rows.get(site.site_id)
        own: tuple[Window, ...] = ()
        pause = None
        group_windows: tuple[Window, ...] = ()
        if row is not None:
            own, group_windows = windows(row[0]), windows(row[3])
            if row[1]:
                pause = Pause(UtcField().python_value(row[2]))
        elif everything is None:
            out.append(site)
            continue
        key = (row, everything)
        if key not in found_for:  # sites of one group share its windows: one answer each
            found_for[key] = quiet(now, zone, own + group_windows, pause, everything)
        found = found_for[key]
        paused = pause is not None and pause.active(now)
        if found is None:
            out.append(replace(site, maintenance=own, paused=paused) if own or paused else site)
        else:
            out.append(
                replace(
                    site,
                    maintenance=own,
                    paused=paused,
                    state=State.MAINTENANCE,
                    quiet_until=found.until,
                )
            )
    return out


def find_paused(site_id: int) -> bool:
    """Whether the site is marked paused (one whose time ran out included)."""
    return Site.select().where(Site.id == site_id, Site.paused == True).exists()  # noqa: E712
