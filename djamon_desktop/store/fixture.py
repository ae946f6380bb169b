"""Bringing a Djamon fixture into the database: all in one transaction, adding only what is
not there yet, so importing the same fixture again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from peewee import fn

from ..core.djamon import Fixture
from ..core.status import plural
from . import history
from .engine import writing
from .models import Check, Outage, OutageSite, Site, SiteGroup


@dataclass
class FixtureSummary:
    groups: int = 0
    sites: int = 0
    checks: int = 0
    outages: int = 0
    outage_sites: int = 0
    skipped: dict[str, int] | None = None
    readings: list[str] | None = None  # fields under a name that is not a known one

    def text(self) -> str:
        """One line of counts; then, one a line, each field under a name that is not a known one:
        what it was read as, or that it was not read."""
        parts = [
            plural(self.groups, "group"),
            plural(self.sites, "site"),
            plural(self.checks, "check"),
            plural(self.outages, "outage"),
            plural(self.outage_sites, "outage site"),
        ]
        line = "added " + ", ".join(parts)
        if self.skipped:
            line += "; skipped " + ", ".join(f"{n} {m}" for m, n in sorted(self.skipped.items()))
        if self.readings:
            line += "; fields under other names:\n" + ";\n".join(f"  {r}" for r in self.readings)
        return line


def apply_fixture(fixture: Fixture, good_codes: list[int]) -> FixtureSummary:
    summary = FixtureSummary(skipped=fixture.skipped or None, readings=fixture.readings or None)
    with writing():
        group_ids: dict[Any, int] = {}
        next_group = (SiteGroup.select(fn.MAX(SiteGroup.position)).scalar() or 0) + 1
        for g in fixture.groups:
            row = SiteGroup.get_or_none(SiteGroup.title == g.title)
            if row is None:
                row = SiteGroup.create(title=g.title, position=next_group)
                next_group += 1
                summary.groups += 1
            group_ids[g.pk] = row.id

        site_ids: dict[Any, int] = {}
        for s in fixture.sites:
            group_id = group_ids[s.group]
            row = Site.get_or_none(Site.group == group_id, Site.title == s.title)
            if row is None:
                position = (
                    Site.select(fn.MAX(Site.position)).where(Site.group == group_id).scalar() or 0
                ) + 1
                row = Site.create(
                    group=group_id,
                    title=s.title,
                    url=s.url,
                    active=s.active,
                    down_message=s.down_message,
                    priority=s.priority,
                    position=position,
                    last_seen=s.last_seen,
                    down_count=s.down_count,
                )
                summary.sites += 1
            site_ids[s.pk] = row.id

        wanted = {c.id: c for c in fixture.checks}
        by_site: dict[int, list] = {}
        for c in fixture.checks:
            by_site.setdefault(site_ids[c.site], []).append(c)
        for site_id, checks in by_site.items():  # read along the (site, time) key
            first, last = min(c.time for c in checks), max(c.time for c in checks)
            present = Check.select(Check.id).where(
                Check.site == site_id, Check.time.between(first, last)
            )
            for existing in present:
                wanted.pop(existing.id, None)
        new_checks = list(wanted.values())
        rows = [
            {
                "id": c.id,
                "site": site_ids[c.site],
                "time": c.time,
                "status_code": c.status_code,
                "error": c.error,
                "elapsed_ms": c.elapsed_ms,
            }
            for c in new_checks
        ]
        for start in range(0, len(rows), 500):
            Check.insert_many(rows[start : start + 500]).execute()
        history.add_to_hours(
            [(site_ids[c.site], c.time, c.status_code, c.error, c.elapsed_ms) for c in new_checks],
            good_codes,
        )
        summary.checks = len(new_checks)
        _latest_checks(site_ids.values())

        outage_ids: dict[Any, int] = {}
        fresh: set[int] = set()
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
                fresh.add(row.id)
                summary.outages += 1
            outage_ids[o.pk] = row.id
        titles = {s.pk: s.title for s in fixture.sites}
        for link in fixture.outage_sites:
            outage_id = outage_ids[link.outage]
            if outage_id not in fresh:
                continue  # that outage was there already, with its sites
            OutageSite.insert(
                outage=outage_id,
                site=site_ids[link.site],
                title=titles[link.site],
                primary=link.primary,
                start_time=link.start_time,
            ).on_conflict_ignore().execute()
            summary.outage_sites += 1
    return summary


def _latest_checks(site_ids) -> None:
    """A site brought over with history shows its last check as its last answer."""
    for site_id in set(site_ids):
        site = Site.get_by_id(site_id)
        if site.last_checked is not None:
            continue
        last = Check.select().where(Check.site == site_id).order_by(Check.time.desc()).first()
        if last is not None:
            site.last_checked = last.time
            site.last_status_code = last.status_code
            site.last_error = last.error
            site.last_elapsed_ms = last.elapsed_ms
            site.save()
