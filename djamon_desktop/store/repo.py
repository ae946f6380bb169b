"""Reading and writing the monitor's data. Everything returned is a plain object, not a row."""

from __future__ import annotations

import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from peewee import JOIN, fn

from ..core import config
from ..core.outages import PRIORITY_NAMES, SiteStatus, plan_outage, state_of
from ..core.probe import ProbeResult
from . import history, outbox
from .models import Check, Outage, OutageSite, Setting, Site, SiteGroup, db
from .outbox import AlertPolicy

OUTAGES_PER_PAGE = 25
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


# -- settings -----------------------------------------------------------------------------------


def load_settings() -> dict[str, Any]:
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return config.with_defaults(stored)


def _save_settings(settings: dict[str, Any]) -> None:
    rows = [{"key": k, "value": json.dumps(v, sort_keys=True)} for k, v in settings.items()]
    Setting.insert_many(rows).on_conflict_replace().execute()


# -- sites --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteInfo:
    site_id: int
    group: str
    title: str
    url: str
    priority: str
    active: bool
    down_message: str
    down_count: int
    state: str
    last_seen: datetime | None
    last_checked: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_elapsed_ms: float | None
    order: tuple[int, int]


def list_sites(strikes: int, only_active: bool = False) -> list[SiteInfo]:
    query = (
        Site.select(Site, SiteGroup)
        .join(SiteGroup)
        .order_by(SiteGroup.position, Site.position, Site.id)
    )
    if only_active:
        query = query.where(Site.active == True)  # noqa: E712 - peewee expression
    return [
        SiteInfo(
            site_id=s.id,
            group=s.group.title,
            title=s.title,
            url=s.url,
            priority=PRIORITY_NAMES[s.priority],
            active=bool(s.active),
            down_message=s.down_message,
            down_count=s.down_count,
            state=state_of(s.down_count, s.last_checked is not None, strikes),
            last_seen=s.last_seen,
            last_checked=s.last_checked,
            last_status_code=s.last_status_code,
            last_error=s.last_error,
            last_elapsed_ms=s.last_elapsed_ms,
            order=(s.group.position, s.position),
        )
        for s in query
    ]


# -- import / export ----------------------------------------------------------------------------


@dataclass
class ImportSummary:
    groups_added: int = 0
    groups_matched: int = 0
    sites_added: int = 0
    sites_updated: int = 0
    settings_changed: list[str] = field(default_factory=list)


def apply_document(document: config.Document) -> ImportSummary:
    """Write a validated document in one transaction. Rules that depend on what is stored are
    checked inside it; any problem raises DocumentRefused and nothing is written."""
    summary = ImportSummary()
    with db.atomic("IMMEDIATE"):
        current = load_settings()
        merged = config.merge_settings(current, document.settings)
        problems = config.Problems()
        config.check_combined(merged, "settings", problems)
        if problems:
            raise config.DocumentRefused(problems.lines)
        summary.settings_changed = [k for k in merged if merged[k] != current.get(k)]
        _save_settings(merged)

        groups = {g.title: g for g in SiteGroup.select()}
        next_group = (SiteGroup.select(fn.MAX(SiteGroup.position)).scalar() or 0) + 1
        for spec in document.groups:
            group = groups.get(spec.title)
            if group is None:
                group = SiteGroup.create(title=spec.title, position=next_group)
                next_group += 1
                summary.groups_added += 1
            else:
                summary.groups_matched += 1
            existing = {s.title: s for s in Site.select().where(Site.group == group)}
            next_site = max((s.position for s in existing.values()), default=0) + 1
            for site_spec in spec.sites:
                site = existing.get(site_spec.title)
                if site is None:
                    Site.create(
                        group=group,
                        title=site_spec.title,
                        url=site_spec.url,
                        priority=PRIORITY_NAMES.index(
                            site_spec.priority or config.DEFAULT_PRIORITY
                        ),
                        active=True if site_spec.active is None else site_spec.active,
                        down_message=(
                            config.DEFAULT_DOWN_MESSAGE
                            if site_spec.down_message is None
                            else site_spec.down_message
                        ),
                        position=next_site,
                    )
                    next_site += 1
                    summary.sites_added += 1
                    continue
                site.url = site_spec.url
                if site_spec.priority is not None:
                    site.priority = PRIORITY_NAMES.index(site_spec.priority)
                if site_spec.active is not None:
                    site.active = site_spec.active
                if site_spec.down_message is not None:
                    site.down_message = site_spec.down_message
                site.save()
                summary.sites_updated += 1
    return summary


def export_text() -> str:
    settings = load_settings()
    groups = []
    for group in SiteGroup.select().order_by(SiteGroup.position, SiteGroup.id):
        sites = Site.select().where(Site.group == group).order_by(Site.position, Site.id)
        groups.append(
            {
                "title": group.title,
                "sites": [
                    {
                        "title": s.title,
                        "url": s.url,
                        "priority": PRIORITY_NAMES[s.priority],
                        "active": bool(s.active),
                        "down_message": s.down_message,
                    }
                    for s in sites
                ],
            }
        )
    return config.render_document(settings, groups)


# -- rounds -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundRecord:
    down_counts: dict[int, int]
    opened: list[int]
    closed: list[int]


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if code.isdigit():  # all digits would read as an outage ID
            continue
        if not Outage.select().where(Outage.code == code).exists():
            return code


def record_round(
    when: datetime,
    outcomes: Sequence[tuple[int, ProbeResult]],
    good_codes: Sequence[int],
    strikes: int,
    policy: AlertPolicy,
) -> RoundRecord:
    """Store a round's checks, strikes and outage changes as one unit.

    Counts are read inside the transaction, so a round stored by another process meanwhile is
    built upon, not overwritten. Sites deleted while the round ran are skipped.
    """
    with db.atomic("IMMEDIATE"):
        sites = _all_sites()
        checks = []
        site_updates = []
        down_counts: dict[int, int] = {}
        for site_id, result in outcomes:
            site = sites.get(site_id)
            if site is None:
                continue
            good = result.is_good(good_codes)
            site.down_count = 0 if good else site.down_count + 1
            if good:
                site.last_seen = when
            site.last_checked = when
            site.last_status_code = result.status_code
            site.last_error = result.error
            down_counts[site_id] = site.down_count
            checks.append(
                {
                    "site": site_id,
                    "time": when,
                    "status_code": result.status_code,
                    "error": result.error,
                    "elapsed_ms": result.elapsed_ms,
                }
            )
            site_updates.append(
                (
                    site.down_count,
                    Site.last_seen.db_value(site.last_seen),
                    Site.last_checked.db_value(when),
                    result.status_code,
                    result.error,
                    result.elapsed_ms,
                    site_id,
                )
            )
        if site_updates:
            db.cursor().executemany(
                "UPDATE site SET down_count=?, last_seen=?, last_checked=?, last_status_code=?,"
                " last_error=?, last_elapsed_ms=? WHERE id=?",
                site_updates,
            )
        for start in range(0, len(checks), 500):
            Check.insert_many(checks[start : start + 500]).execute()
        history.add_to_hours(
            [(c["site"], when, c["status_code"], c["error"], c["elapsed_ms"]) for c in checks],
            good_codes,
        )
        opened, closed = _apply_outage_rules(when, sites, strikes, policy)
    return RoundRecord(down_counts=down_counts, opened=opened, closed=closed)


def settle_outages(when: datetime, strikes: int, policy: AlertPolicy) -> list[int]:
    """Close an open outage whose sites are all up or inactive (for rounds that check nothing)."""
    with db.atomic("IMMEDIATE"):
        _opened, closed = _apply_outage_rules(when, _all_sites(), strikes, policy)
    return closed


def _all_sites() -> dict[int, Site]:
    return {s.id: s for s in Site.select(Site, SiteGroup).join(SiteGroup)}


def _apply_outage_rules(
    when: datetime, sites: dict[int, Site], strikes: int, policy: AlertPolicy
) -> tuple[list[int], list[int]]:
    """Open, join or close the outage as the rules say; queue the alerts in the same transaction.

    A site joining an open outage queues nothing: the closing alert lists every site."""
    open_outage = (
        Outage.select().where(Outage.end_time.is_null()).order_by(Outage.id.desc()).first()
    )
    members = None
    if open_outage is not None:
        members = frozenset(
            link.site_id
            for link in OutageSite.select(OutageSite.site).where(OutageSite.outage == open_outage)
            if link.site_id is not None
        )
    statuses = {
        s.id: SiteStatus(
            site_id=s.id,
            active=bool(s.active),
            priority=s.priority,
            order=(s.group.position, s.position),
            down_count=s.down_count,
        )
        for s in sites.values()
    }
    plan = plan_outage(statuses, members, strikes)
    opened: list[int] = []
    closed: list[int] = []
    if plan.opens:
        primary = sites[plan.joining[0]]
        open_outage = Outage.create(
            code=_new_code(),
            start_time=when,
            content=primary.down_message,
            extra_information="",
            notification_sent=False,
        )
        opened.append(open_outage.id)
    if plan.joining:
        OutageSite.insert_many(
            [
                {
                    "outage": open_outage.id,
                    "site": site_id,
                    "title": sites[site_id].title,
                    "primary": plan.opens and index == 0,
                    "start_time": when,
                }
                for index, site_id in enumerate(plan.joining)
            ]
        ).execute()
    if plan.opens:
        outbox.queue(open_outage, "opened", when, sites, policy)
    if plan.closes and open_outage is not None:
        open_outage.end_time = when
        open_outage.seconds_down = max(0, round((when - open_outage.start_time).total_seconds()))
        open_outage.save()
        closed.append(open_outage.id)
        outbox.queue(open_outage, "closed", when, sites, policy)
    return opened, closed


# -- outages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutageSiteInfo:
    site_id: int | None
    title: str
    primary: bool
    start_time: datetime


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
                OutageSiteInfo(link.site_id, link.title, bool(link.primary), link.start_time)
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


def outage_failures(outage_id: int, good_codes: Sequence[int] | None = None) -> list[SiteFailure]:
    """Each site of an outage with its last failing check between joining and the outage's end
    (read along the check table's (site, time) key, one range per site)."""
    outage = Outage.get_or_none(Outage.id == outage_id)
    if outage is None:
        return []
    good = list(load_settings()["good_codes"] if good_codes is None else good_codes)
    links = list(
        OutageSite.select(OutageSite, Site)
        .join(Site, join_type=JOIN.LEFT_OUTER)
        .where(OutageSite.outage == outage_id)
        .order_by(OutageSite.primary.desc(), OutageSite.start_time, OutageSite.id)
    )
    out = []
    for link in links:
        last, count = None, 0
        if link.site_id is not None:
            failing = (
                Check.error.is_null(False)
                | Check.status_code.is_null()
                | Check.status_code.not_in(good)
            )
            window = (Check.site == link.site_id) & (Check.time >= link.start_time) & failing
            if outage.end_time is not None:
                window &= Check.time <= outage.end_time
            count = Check.select().where(window).count()
            if count:
                last = (
                    Check.select(Check.time, Check.status_code, Check.error)
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
            )
        )
    return out


# -- for the desktop app ------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckInfo:
    time: datetime
    status_code: int | None
    error: str | None
    elapsed_ms: float


def recent_checks(site_id: int, limit: int = 10) -> list[CheckInfo]:
    query = (
        Check.select(Check.time, Check.status_code, Check.error, Check.elapsed_ms)
        .where(Check.site == site_id)
        .order_by(Check.time.desc())
        .limit(limit)
    )
    return [CheckInfo(c.time, c.status_code, c.error, c.elapsed_ms) for c in query]


def data_version() -> int:
    """Changes whenever another connection commits to the database (cheap to ask)."""
    return db.execute_sql("PRAGMA data_version").fetchone()[0]


def set_extra_information(outage_id: int, text: str) -> None:
    with db.atomic("IMMEDIATE"):
        Outage.update(extra_information=text).where(Outage.id == outage_id).execute()


@dataclass(frozen=True)
class GroupInfo:
    group_id: int
    title: str


def list_groups() -> list[GroupInfo]:
    return [GroupInfo(g.id, g.title) for g in SiteGroup.select().order_by(SiteGroup.position)]


def _field_problems(fields: dict[str, Any]) -> list[str]:
    checks = {
        "title": config.title_problem,
        "url": config.url_problem,
        "priority": config.priority_problem,
        "active": config.bool_problem,
        "down_message": config.down_message_problem,
    }
    return [f"{key}: {checks[key](value)}" for key, value in fields.items() if checks[key](value)]


def save_group(title: str, group_id: int | None = None) -> int:
    """Add a group, or rename one. DocumentRefused names the problem (``title: ...``)."""
    problems = _field_problems({"title": title})
    clash = SiteGroup.select().where(SiteGroup.title == title)
    if group_id is not None:
        clash = clash.where(SiteGroup.id != group_id)
    if not problems and clash.exists():
        problems.append(f"title: a group called {title!r} already exists")
    if problems:
        raise config.DocumentRefused(problems)
    with db.atomic("IMMEDIATE"):
        if group_id is None:
            position = (SiteGroup.select(fn.MAX(SiteGroup.position)).scalar() or 0) + 1
            return SiteGroup.create(title=title, position=position).id
        SiteGroup.update(title=title).where(SiteGroup.id == group_id).execute()
        return group_id


def delete_group(group_id: int) -> None:
    with db.atomic("IMMEDIATE"):
        SiteGroup.delete().where(SiteGroup.id == group_id).execute()


def save_site(group_title: str, fields: dict[str, Any], site_id: int | None = None) -> int:
    """Add or change a site with the import's rules, in the group of that title (made when
    new). DocumentRefused names each bad field (``group: ...``, ``url: ...``); nothing is
    written then."""
    problems = _field_problems(fields)
    group = SiteGroup.get_or_none(SiteGroup.title == group_title)
    if group is None:
        problem = config.title_problem(group_title)
        if problem:
            problems.append(f"group: {problem}")
    title = fields.get("title")
    if group is not None and title is not None and "title" not in " ".join(problems):
        clash = Site.select().where(Site.group == group, Site.title == title)
        if site_id is not None:
            clash = clash.where(Site.id != site_id)
        if clash.exists():
            problems.append(f"title: {group_title} already has a site called {title!r}")
    if problems:
        raise config.DocumentRefused(problems)
    values = dict(fields)
    if "priority" in values:
        values["priority"] = PRIORITY_NAMES.index(values["priority"])
    with db.atomic("IMMEDIATE"):
        if group is None:
            group = SiteGroup.get_by_id(save_group(group_title))
        if site_id is None:
            position = (
                Site.select(fn.MAX(Site.position)).where(Site.group == group).scalar() or 0
            ) + 1
            values.setdefault("priority", PRIORITY_NAMES.index(config.DEFAULT_PRIORITY))
            values.setdefault("down_message", config.DEFAULT_DOWN_MESSAGE)
            values.setdefault("active", True)
            return Site.create(group=group, position=position, **values).id
        Site.update(group=group, **values).where(Site.id == site_id).execute()
        return site_id


def delete_site(site_id: int) -> None:
    with db.atomic("IMMEDIATE"):
        Site.delete().where(Site.id == site_id).execute()


def save_settings(partial: dict[str, Any]) -> dict[str, Any]:
    """Change some settings with the import's rules; DocumentRefused lists every problem."""
    problems = config.Problems()
    config.check_settings(partial, "settings", problems)
    if problems:
        raise config.DocumentRefused(problems.lines)
    with db.atomic("IMMEDIATE"):
        merged = config.merge_settings(load_settings(), partial)
        config.check_combined(merged, "settings", problems)
        if problems:
            raise config.DocumentRefused(problems.lines)
        _save_settings(merged)
    return merged


def import_data(data: bytes) -> str:
    """Import a djamon-desktop/1 file or a Djamon dumpdata fixture, all or nothing; return a
    line saying what was done. DocumentRefused lists every problem."""
    from ..core import djamon
    from .fixture import apply_fixture

    raw = config.decode_json(data)
    if djamon.looks_like_fixture(raw):
        fixture = djamon.parse_fixture(raw)
        summary = apply_fixture(fixture, load_settings()["good_codes"])
        return f"Djamon fixture: {summary.text()}"
    result = apply_document(config.parse_document(raw))
    changed = ", ".join(result.settings_changed) or "none"
    return (
        f"{result.groups_added} new groups, {result.groups_matched} matched; "
        f"{result.sites_added} new sites, {result.sites_updated} updated; "
        f"settings changed: {changed}"
    )
