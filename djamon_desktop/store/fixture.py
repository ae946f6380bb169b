"""Bringing a Djamon fixture into the database, adding only what is not there yet, so importing
the same fixture again changes nothing.

It is all or nothing as a person sees it: nothing is written until the whole file was read and
found valid. The writing itself is not one transaction, though: a million checks would hold the
writers' turn for a minute, and a round meeting the import would wait that long. The groups,
sites and outages go in one transaction, then the checks in batches, each a short transaction
of its own with a pause after it (SQLite), so a round waits one batch at most. A batch stored
twice changes nothing (the same check is not stored again), so an import cut short (the power
went) is completed by importing the file again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..core.clock import from_ms, to_ms
from ..core.djamon import DjCheck
from ..core.djamon_fixture import Fixture
from ..core.status import plural
from . import history, pause_spans, timeline
from .adding import Adding
from .bulk import unnest
from .engine import is_team, marks, writing
from .models import Check, Outage, OutageSite, Site, SiteGroup, db
from .timeline import Event

#: checks stored in one transaction: on SQLite about 0.1 s of the writers' turn
BATCH = 10_000
#: seconds an import leaves SQLite's writers' turn free after each batch: longer than the
#: 100 ms a waiting writer's busy handler sleeps between its tries, so a round meeting the
#: import gets its turn after the batch being written
GAP_S = 0.12
#: rows in one multi-row INSERT on SQLite (six values each, within its 32,766 parameters)
_SQLITE_ROWS = 5000
_CHECK_TYPES = ("integer", "bigint", "bytea", "smallint", "text", "real")


@dataclass
class FixtureSummary:
    groups: int = 0
    sites: int = 0
    checks: int = 0
    outages: int = 0
    outage_sites: int = 0
    skipped: dict[str, int] | None = None
    readings: list[str] | None = None  # fields under a name that is not a known one

    def counts(self) -> str:
        """What was added: ``added 2 groups, 3 sites, 6 checks, 2 outages, 3 outage sites``."""
        parts = [
            plural(self.groups, "group"),
            plural(self.sites, "site"),
            plural(self.checks, "check"),
            plural(self.outages, "outage"),
            plural(self.outage_sites, "outage site"),
        ]
        return "added " + ", ".join(parts)

    def text(self) -> str:
        """One line of counts; then, one a line, each field under a name that is not a known one:
        what it was read as, or that it was not read."""
        line = self.counts()
        if self.skipped:
            line += "; skipped " + ", ".join(f"{n} {m}" for m, n in sorted(self.skipped.items()))
        if self.readings:
            line += "; fields under other names:\n" + ";\n".join(f"  {r}" for r in self.readings)
        return line


def apply_fixture(fixture: Fixture, good_codes: list[int]) -> FixtureSummary:
    """Store a fixture that was validated whole (:func:`.core.djamon_fixture.read_fixture`):
    its groups, sites and outages in one transaction, then its checks, read from the file
    again, in batches of their own short transactions (see :data:`BATCH`)."""
    summary = FixtureSummary(skipped=fixture.skipped or None, readings=fixture.readings or None)
    with writing():
        adding = Adding()
        group_ids = _groups(fixture, adding, summary)
        site_ids = _sites(fixture, group_ids, adding, summary)
        fresh = _outages(fixture, summary)
        _outage_sites(fixture, fresh, site_ids, summary)
        _timelines(fixture, fresh, site_ids)
    if fixture.check_count:
        summary.checks = _checks(fixture, site_ids, set(good_codes))
        with writing():
            _latest_checks(site_ids.values())
    with writing():
        _monitored_since(site_ids.values())
        _inactive_from_last_check(adding.sites_added)
    return summary


def _monitored_since(site_ids: Iterable[int]) -> None:
    """Each site monitored from its first check or outage, where that is before it was added
    (a Djamon site's history is older than its import; an outage was found by checks, so it
    counts as one, even when the file carries no check of that time)."""
    ids = sorted(set(site_ids))
    if not ids:
        return
    first = """(SELECT min(t) FROM (SELECT min(time) AS t FROM "check" WHERE site_id = site.id
                                    UNION ALL
                                    SELECT min(start_time) FROM outage_site
                                     WHERE site_id = site.id) AS earliest)"""
    db.execute_sql(
        f"UPDATE site SET monitored_since = {first}"
        f" WHERE id IN ({marks(len(ids))})"
        f" AND {first} < coalesce(monitored_since, {first} + 1)",
        ids,
    )


def _inactive_from_last_check(added: list[int]) -> None:
    """A site this import added inactive is not monitored from its last check on, where that
    is before it was added: Djamon checked no inactive site, so its last check is the last
    moment it surely was (its inactive span, opened as it was added, moves back there)."""
    if not added:
        return
    last = 'SELECT max(time) FROM "check" WHERE site_id = pause_span.site_id'
    db.execute_sql(
        f"UPDATE pause_span SET start = ({last})"
        f" WHERE why = {marks()} AND until IS NULL AND site_id IN ({marks(len(added))})"
        f" AND ({last}) < start",
        [pause_spans.INACTIVE, *added],
    )


def _groups(fixture: Fixture, adding: Adding, summary: FixtureSummary) -> dict[Any, int]:
    """Each fixture group's id in the database, added where no group has its title yet."""
    group_ids: dict[Any, int] = {}
    for g in fixture.groups:
        row = SiteGroup.get_or_none(SiteGroup.title == g.title)
        if row is None:
            group_ids[g.pk] = adding.group(g.title)
            summary.groups += 1
        else:
            group_ids[g.pk] = row.id
    return group_ids


def _sites(
    fixture: Fixture, group_ids: dict[Any, int], adding: Adding, summary: FixtureSummary
) -> dict[Any, int]:
    """Each fixture site's id in the database, added (with its history: last seen, down
    count) where its group has no site of its title yet."""
    site_ids: dict[Any, int] = {}
    for s in fixture.sites:
        group_id = group_ids[s.group]
        row = Site.get_or_none(Site.group == group_id, Site.title == s.title)
        if row is None:
            site_ids[s.pk] = adding.site(
                group_id,
                s.title,
                s.url,
                priority=s.priority,
                active=s.active,
                down_message=s.down_message,
                last_seen=s.last_seen,
                down_count=s.down_count,
            )
            summary.sites += 1
        else:
            site_ids[s.pk] = row.id
    return site_ids


def _outages(fixture: Fixture, summary: FixtureSummary) -> dict[Any, int]:
    """The outages not there yet (by code), added; the database id of each fixture outage
    that is one of those added (one that was there already keeps the sites it has)."""
    outage_ids: dict[Any, int] = {}
    added: set[int] = set()
    for o in fixture.outages:
        row = Outage.get_or_none(Outage.code == o.code)
        if row is None:
            row = Outage.create(
                code=o.code,
                start_time=o.start_time,
                end_time=o.end_time,
                seconds_down=o.seconds_down,
                content=o.content,
                extra_information=o.extra_information,
                notification_sent=o.notification_sent,
            )
            added.add(row.id)
            summary.outages += 1
        outage_ids[o.pk] = row.id
    return {pk: i for pk, i in outage_ids.items() if i in added}


def _outage_sites(
    fixture: Fixture, fresh: dict[Any, int], site_ids: dict[Any, int], summary: FixtureSummary
) -> None:
    """The sites of the outages just added (``fresh``, by fixture key)."""
    titles = {s.pk: s.title for s in fixture.sites}
    for link in fixture.outage_sites:
        outage_id = fresh.get(link.outage)
        if outage_id is None:
            continue
        OutageSite.insert(
            outage=outage_id,
            site=site_ids[link.site],
            kept_site_id=site_ids[link.site],
            title=titles[link.site],
            primary=link.primary,
            start_time=link.start_time,
        ).on_conflict_ignore().execute()
        summary.outage_sites += 1


def _timelines(fixture: Fixture, fresh: dict[Any, int], site_ids: dict[Any, int]) -> None:
    """What is knowable of the timeline of each outage just added: ``opened`` at its start
    (with its primary site), ``joined`` for each other site at the time it joined, and
    ``closed`` at its end when it ended. Djamon kept no more: no failures, no alerts. One
    statement for every 500 events, in the import's transaction."""
    links: dict[Any, dict[Any, Any]] = {}
    for link in fixture.outage_sites:  # (a site listed twice in an outage was stored once)
        if link.outage in fresh:
            links.setdefault(link.outage, {}).setdefault(link.site, link)
    events: list[tuple[int, Event]] = []
    for o in fixture.outages:
        outage_id = fresh.get(o.pk)
        if outage_id is None:
            continue
        mine = sorted(
            links.get(o.pk, {}).values(), key=lambda link: (not link.primary, link.start_time)
        )
        primary = mine[0] if mine and mine[0].primary else None
        events.append(
            (outage_id, Event(o.start_time, "opened", site_id=primary and site_ids[primary.site]))
        )
        events += [
            (
                outage_id,
                Event(max(o.start_time, link.start_time), "joined", site_id=site_ids[link.site]),
            )
            for link in mine
            if link is not primary
        ]
        if o.end_time is not None:
            events.append((outage_id, Event(o.end_time, "closed")))
    timeline.add_many(events)


def _checks(fixture: Fixture, site_ids: dict[Any, int], good: set[int]) -> int:
    """The file's checks, read again and stored :data:`BATCH` at a time; how many were new."""
    stored = 0
    batch: list[DjCheck] = []
    for check in fixture.checks():
        batch.append(check)
        if len(batch) == BATCH:
            stored += _store_checks(batch, site_ids, good)
            batch.clear()
    return stored + _store_checks(batch, site_ids, good)


def _store_checks(batch: list[DjCheck], site_ids: dict[Any, int], good: set[int]) -> int:
    """One batch of checks in a transaction of its own: those not stored yet (the same site,
    time and id: a fixture imported again), of sites still there (one may have been deleted
    since the import began), and their share of the hour summary. Then, on SQLite, a pause
    that leaves the database to a round waiting for its turn (:data:`GAP_S`). The number
    stored."""
    if not batch:
        return 0
    rows = [
        (
            site_ids[c.site],
            to_ms(c.time),
            c.id.bytes,
            c.status_code,
            c.error,
            c.elapsed_ms,
        )
        for c in batch
    ]
    with writing():
        wanted = set(site_ids[c.site] for c in batch)
        there = {
            row[0]
            for row in db.execute_sql(
                f"SELECT id FROM site WHERE id IN ({marks(len(wanted))})", list(wanted)
            )
        }
        if len(there) < len(wanted):
            rows = [row for row in rows if row[0] in there]
        stored = _insert_new(rows)
        by_id = {row[2]: row for row in rows}
        history.add_hour_rows(
            [
                history.hour_row(site_id, from_ms(when), status, error, elapsed, good)
                for site_id, when, _id, status, error, elapsed in (by_id[i] for i in stored)
            ]
        )
    if not is_team():
        time.sleep(GAP_S)
    return len(stored)


def _insert_new(rows: list[tuple]) -> list[bytes]:
    """Insert the rows that are not there yet; the ids of those inserted."""
    stored: list[bytes] = []
    columns = '"check" (site_id, time, id, status_code, error, elapsed_ms)'
    if is_team():
        source, params = unnest(_CHECK_TYPES, rows)
        cursor = db.execute_sql(
            f"INSERT INTO {columns} SELECT * FROM {source} ON CONFLICT DO NOTHING RETURNING id",
            params,
        )
        return [bytes(row[0]) for row in cursor.fetchall()]
    for start in range(0, len(rows), _SQLITE_ROWS):
        part = rows[start : start + _SQLITE_ROWS]
        values = ", ".join([f"({marks(6)})"] * len(part))
        cursor = db.execute_sql(
            f"INSERT INTO {columns} VALUES {values} ON CONFLICT DO NOTHING RETURNING id",
            [value for row in part for value in row],
        )
        stored += [bytes(row[0]) for row in cursor.fetchall()]
    return stored


def _latest_checks(site_ids) -> None:
    """A site brought over with history shows its last check as its last answer."""
    for site_id in set(site_ids):
        site = Site.get_or_none(Site.id == site_id)  # one may have been deleted meanwhile
        if site is None or site.last_checked is not None:
            continue
        last = Check.select().where(Check.site == site_id).order_by(Check.time.desc()).first()
        if last is not None:
            site.last_checked = last.time
            site.last_status_code = last.status_code
            site.last_error = last.error
            site.last_elapsed_ms = last.elapsed_ms
            site.save()
