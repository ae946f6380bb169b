"""The timeline events the outage rules make, written in the round's own transaction (both
engines: :func:`.round_rules.apply_outage_rules`).

- ``failed``: a site's first failed check of the streak that opened or joined the outage (or,
  for a member that was up again, of its new streak), one per vantage whose own count led to
  it; in a team (a team database, or more than one vantage known) with the vantage's name.
- ``opened`` (the primary site) and ``joined`` (each other site).
- ``recovered``: a member checked up again (no vantage sees it failing). It may fail again
  while the outage stays open; then it gets a fresh ``failed`` and is no longer recovered.
- ``removed``: a member taken out of monitoring (deleted or deactivated), once. Nobody checked
  it up: the closing alert must not call it back.
- ``closed``.

A member's leaving is looked at every round, not only when the outage changes, so the time of
each ``recovered`` is the round that saw it. What each round needs to know of the members
(whether each is marked recovered or removed) is read with the open outage itself, so a round
where nothing changes reads and writes nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from ..core.clock import from_ms, to_ms
from ..core.outages import SiteStrikes
from . import timeline
from .engine import is_team, marks
from .models import OutageSite, db
from .timeline import Event
from .vantages import live_since


@dataclass(frozen=True)
class Member:
    """One site of the open outage, as the rules read it each round."""

    link_id: int  # its outage_site row
    site_id: int | None  # None: the site was deleted
    kept_site_id: int | None  # the site's id, also after it was deleted
    recovered: bool
    removed: bool

    @property
    def named(self) -> int | None:
        """The site's id for an event, also when it was deleted."""
        return self.site_id if self.site_id is not None else self.kept_site_id


def members_of(outage_id: int) -> list[Member]:
    """The open outage's sites (one statement)."""
    query = OutageSite.select(
        OutageSite.id,
        OutageSite.site,
        OutageSite.kept_site_id,
        OutageSite.recovered_at,
        OutageSite.removed_at,
    ).where(OutageSite.outage == outage_id)
    return [
        Member(
            link.id,
            link.site_id,
            link.kept_site_id,
            link.recovered_at is not None,
            link.removed_at is not None,
        )
        for link in query
    ]


def members_from_rows(rows: Iterable[Sequence]) -> list[Member]:
    """Members from rows of (link id, site id, kept site id, recovered_at, removed_at), as the
    team round reads them in its one answer."""
    return [
        Member(link, site, kept, recovered is not None, removed is not None)
        for link, site, kept, recovered, removed in rows
    ]


def site_ids(members: Iterable[Member]) -> frozenset[int]:
    """The members the outage rules count (a deleted site no longer keeps an outage open)."""
    return frozenset(m.site_id for m in members if m.site_id is not None)


@dataclass
class Leaving:
    """What this round changes of the members: each list holds the members concerned."""

    recovered: list[Member] = field(default_factory=list)  # checked up: mark, ``recovered``
    failing_again: list[Member] = field(default_factory=list)  # unmark, fresh ``failed``
    removed: list[Member] = field(default_factory=list)  # out of monitoring: mark, ``removed``
    returned: list[Member] = field(default_factory=list)  # monitored again: unmark, no event

    def __bool__(self) -> bool:
        return bool(self.recovered or self.failing_again or self.removed or self.returned)


def leaving(members: Iterable[Member], standing: Mapping[int, SiteStrikes]) -> Leaving:
    """What the rules say of each member now (``standing``: every site after this round's
    counts). Pure: the caller decides whether anything is written."""
    out = Leaving()
    for member in members:
        site = standing.get(member.site_id) if member.site_id is not None else None
        if site is None or not site.active:
            if not member.removed:
                out.removed.append(member)
            continue
        if member.removed:
            out.returned.append(member)
        up = site.down_count == 0 and not site.failing
        if up and not member.recovered:
            out.recovered.append(member)
        elif not up and member.recovered:
            out.failing_again.append(member)
    return out


def write_leaving(change: Leaving, when: datetime) -> list[Event]:
    """Mark the members as ``change`` says; the events that go with it (to be stored by the
    caller with the round's other events, in order)."""
    marks_: list[tuple[str, object, list[Member]]] = [
        ("recovered_at", when, change.recovered),
        ("recovered_at", None, change.failing_again),
        ("removed_at", when, change.removed),
        ("removed_at", None, change.returned),
    ]
    for column, value, members in marks_:
        if members:
            OutageSite.update({getattr(OutageSite, column): value}).where(
                OutageSite.id.in_([m.link_id for m in members])
            ).execute()
    events = [Event(when, "removed", site_id=m.named) for m in change.removed]
    events += first_failures([m.site_id for m in change.failing_again if m.site_id], when)
    events += [Event(when, "recovered", site_id=m.named) for m in change.recovered]
    return events


def first_failures(sites: Sequence[int], when: datetime) -> list[Event]:
    """For each site (in the order given), a ``failed`` event for each live vantage whose own
    count has it failing, at that vantage's first failed check since its last good answer
    (one statement). A site no vantage counts failing (its count stored some other way) gets
    one at ``when``."""
    if not sites:
        return []
    rows = db.execute_sql(
        'SELECT sv.site_id, v.name, (SELECT c.time FROM "check" c WHERE c.site_id = sv.site_id'
        " AND c.vantage_id = sv.vantage_id AND c.time > coalesce(sv.last_seen, -1)"
        " ORDER BY c.time LIMIT 1), (SELECT count(*) FROM vantage)"
        " FROM site_vantage sv JOIN vantage v ON v.id = sv.vantage_id"
        f" WHERE sv.down_count > 0 AND v.last_round_at > {marks()}"
        f" AND sv.site_id IN ({marks(len(sites))})",
        [live_since(to_ms(when)), *sites],
    ).fetchall()
    named = is_team() or any(row[3] > 1 for row in rows)
    by_site: dict[int, list[Event]] = {}
    for site_id, vantage, first_ms, _known in rows:
        at = when if first_ms is None else min(when, from_ms(first_ms))
        event = Event(at, "failed", site_id=site_id, vantage=vantage if named else None)
        by_site.setdefault(site_id, []).append(event)
    out = []
    for site_id in sites:
        found = sorted(by_site.get(site_id, ()), key=lambda e: (e.at, e.vantage or ""))
        out += found or [Event(when, "failed", site_id=site_id)]
    return out


def store(outage_id: int, events: Iterable[Event]) -> None:
    """Store the events of one outage, in the order given (one statement)."""
    rows = [(outage_id, event) for event in events]
    if rows:
        timeline.add_many(rows)
