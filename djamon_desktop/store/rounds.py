"""Storing a round: its checks, the hour summary, each site's strikes, and the outage it opens,
joins or closes with the alerts that go with it, all as one transaction.

The rows are built while the round still waits for its slowest sites (:class:`RoundRows`);
:func:`record_round` then re-reads the counts and commits in one ``BEGIN IMMEDIATE``, so a
round stored by another process meanwhile is built upon, and a killed round stores nothing.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from peewee import JOIN

from ..core.certs import CertFacts, expiring
from ..core.outages import (
    PRIORITY_NAMES,
    AlertText,
    OutageFacts,
    SiteLine,
    SiteStrikes,
    plan_outage,
)
from ..core.probe import ProbeResult
from . import history, outbox, vantages
from .bulk import Staged, update_many
from .engine import writing
from .models import Outage, OutageSite, Site, SiteGroup, UtcField, db

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread

#: writes the alerts of an outage opened or closed, or of a certificate about to expire
#: (``AlertPolicy.texts``); [] queues none
Render = Callable[[OutageFacts | CertFacts], Sequence[AlertText]]

_CHECK_INSERT = (
    'INSERT INTO "check" (site_id, time, id, status_code, error, elapsed_ms, vantage_id)'
    " VALUES (?, ?, ?, ?, ?, ?, ?)"
)
#: a round's values for each site's row (:func:`engine.update_many`), its id last
_SITE_VALUES = (
    ("down_count", "integer"),
    ("failing", "boolean"),
    ("seen", "bigint"),
    ("checked", "bigint"),
    ("status_code", "smallint"),
    ("error", "text"),
    ("elapsed_ms", "double precision"),
    ("keep_cert", "boolean"),
    ("cert", "bigint"),
    ("id", "integer"),
)
_SITE_SET = (
    "down_count = v.down_count, failing = v.failing,"
    " last_seen = coalesce(v.seen, site.last_seen), last_checked = v.checked,"
    " last_status_code = v.status_code, last_error = v.error, last_elapsed_ms = v.elapsed_ms,"
    # the certificate this check saw; one that got no answer (an error) keeps the last seen
    " cert_expires_at = CASE WHEN v.keep_cert THEN site.cert_expires_at ELSE v.cert END"
)


class RoundRows:
    """A round's check rows and hour-summary shares, built one result at a time (as each
    check ends), ready to be stored by :func:`record_round`. Touches no database."""

    def __init__(self, when: datetime, good_codes: Sequence[int]) -> None:
        self.when = when
        self.good_codes = list(good_codes)
        self._good = set(good_codes)
        self._when_ms = UtcField().db_value(when)
        self.results: dict[int, ProbeResult] = {}
        self.check_rows: list[tuple] = []
        self.hour_rows: list[history.HourRow] = []

    def add(self, site_id: int, result: ProbeResult) -> None:
        self.results[site_id] = result
        self.check_rows.append(
            (
                site_id,
                self._when_ms,
                uuid.uuid4().bytes,
                result.status_code,
                result.error,
                result.elapsed_ms,
            )
        )
        self.hour_rows.append(
            history.hour_row(
                site_id,
                self.when,
                result.status_code,
                result.error,
                result.elapsed_ms,
                self._good,
            )
        )


@dataclass(frozen=True)
class RoundRecord:
    down_counts: dict[int, int]  # the team's, as the site rows now hold them
    opened: list[int]
    closed: list[int]
    own_counts: dict[int, int] = field(default_factory=dict)  # this vantage's own
    failing: frozenset[int] = frozenset()  # the sites some live vantage sees failing


def record_round(
    rows: RoundRows,
    strikes: int,
    render: Render,
    cert_warning_days: int = 0,
    quiet: frozenset[int] = frozenset(),
    confirmations: int = 1,
) -> RoundRecord:
    """Store a round's checks, strikes and outage changes as one unit, with the warnings of
    the certificates it saw expire within ``cert_warning_days`` (0: none).

    The checks are this process's vantage's (``vantages.current``): they count into its own
    strikes, and each site's row gets the team's summary of the live vantages' strikes (the
    ``confirmations`` rule), which the outage rules then read. Counts are read inside the
    transaction, so a round stored by another process meanwhile is built upon, not
    overwritten. Sites deleted while the round ran are skipped.
    """
    when, when_ms = rows.when, rows._when_ms
    name = vantages.current()
    known = vantages.find(name)
    # what no other writer decides goes to the database before the turn (the vantage's id is
    # added inside it); inserting the checks themselves stays inside: their foreign key locks
    # each site's row, and a writer deleting a site in its turn would wait for this round while
    # this round waits for that turn (a deadlock PostgreSQL ends by failing one of them)
    checks = Staged(_CHECK_INSERT, rows.check_rows)
    hours = history.staged_hour_rows(rows.hour_rows)
    with writing(staged=(checks, hours)):
        standing = _standing()
        vantage_id = vantages.enter(name, when, known)
        results = {i: result for i, result in rows.results.items() if i in standing}
        counted = vantages.count_round(
            vantage_id,
            when,
            results,
            rows.good_codes,
            {i: site.down_count for i, site in standing.items()},
            confirmations,
            strikes,
        )
        down_counts = counted.team
        site_updates = []
        for site_id, result in results.items():
            good = result.is_good(rows.good_codes)
            count, failing = down_counts[site_id], site_id in counted.failing
            standing[site_id] = replace(standing[site_id], down_count=count, failing=failing)
            site_updates.append(
                (
                    count,
                    failing,
                    when_ms if good else None,  # last seen: kept unless this answer was good
                    when_ms,
                    result.status_code,
                    result.error,
                    result.elapsed_ms,
                    result.error is not None and result.cert_expires_at is None,
                    _ms(result.cert_expires_at),
                    site_id,
                )
            )
        update_many("site", _SITE_VALUES, _SITE_SET, site_updates)
        checks.insert(down_counts, vantage_id)
        hours.insert(down_counts)
        opened, closed = _apply_outage_rules(when, standing, strikes, render, quiet)
        _queue_cert_warnings(rows, down_counts, cert_warning_days, render)
    return RoundRecord(down_counts, opened, closed, counted.own, counted.failing)


def _ms(moment: datetime | None) -> int | None:
    """A moment as the database keeps it (``UtcField``): whole milliseconds since the epoch."""
    return None if moment is None else round(moment.timestamp() * 1000)


def _queue_cert_warnings(
    rows: RoundRows, stored: dict[int, int], warning_days: int, render: Render
) -> None:
    """Queue one warning a certificate (site and expiry) that this round saw expire within
    ``warning_days``; one already queued for it is kept (the outbox's UNIQUE), so each
    certificate is warned of once, and a renewed one afresh. Not a strike, not an outage."""
    due = {
        site_id: result.cert_expires_at
        for site_id, result in rows.results.items()
        if site_id in stored and expiring(result.cert_expires_at, warning_days, rows.when)
    }
    if not due:
        return
    warned = outbox.cert_channels(list(due))

    def written(site_id: int, title: str, url: str, group: str) -> list[AlertText]:
        return list(render(CertFacts(site_id, title, group, url, due[site_id], rows.when)))

    # what render writes for (the same channels for every site), from the first site due
    first = next(iter(due))
    channels = {text.channel for text in written(first, *_site_words([first])[first])}
    # a site already warned of on every channel writes nothing: a round of 1,000 sites behind
    # one expiring certificate renders and writes no alert again and again
    need = [i for i in due if not channels <= warned.get((i, _ms(due[i])), set())]
    if not need:
        return
    warnings = []
    for site_id, words in _site_words(need).items():
        have = warned.get((site_id, _ms(due[site_id])), set())
        todo = [text for text in written(site_id, *words) if text.channel not in have]
        if todo:
            warnings.append((site_id, due[site_id], todo))
    outbox.queue_certs(warnings, rows.when)


def _site_words(site_ids: list[int]) -> dict[int, tuple[str, str, str]]:
    """Each site's title, URL and group title, as a warning names them."""
    marks = ",".join("?" * len(site_ids))
    cursor = db.execute_sql(
        "SELECT site.id, site.title, site.url, site_group.title FROM site"
        f" JOIN site_group ON site_group.id = site.group_id WHERE site.id IN ({marks})",
        site_ids,
    )
    return {site_id: (title, url, group) for site_id, title, url, group in cursor}


def settle_outages(
    when: datetime, strikes: int, render: Render, quiet: frozenset[int] = frozenset()
) -> list[int]:
    """Close an open outage whose sites are all up or inactive (for rounds that check nothing;
    a site in maintenance, ``quiet``, is not up by that: it keeps the strikes it had)."""
    with writing():
        _opened, closed = _apply_outage_rules(when, _standing(), strikes, render, quiet)
    return closed


def _standing() -> dict[int, SiteStrikes]:
    """What the outage rules read of every site, as stored now (plain tuples: a round of
    thousands of sites reads this inside its transaction)."""
    cursor = db.execute_sql(
        "SELECT site.id, site.active, site.priority, site_group.position, site.position,"
        " site.down_count, site.failing FROM site"
        " JOIN site_group ON site_group.id = site.group_id"
    )
    return {
        site_id: SiteStrikes(
            site_id, bool(active), priority, (group_at, at), down_count, bool(failing)
        )
        for site_id, active, priority, group_at, at, down_count, failing in cursor
    }


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if code.isdigit():  # all digits would read as an outage ID
            continue
        if not Outage.select().where(Outage.code == code).exists():
            return code


def _apply_outage_rules(
    when: datetime,
    standing: dict[int, SiteStrikes],
    strikes: int,
    render: Render,
    quiet: frozenset[int] = frozenset(),
) -> tuple[list[int], list[int]]:
    """Open, join or close the outage as the rules say; queue the alerts in the same transaction.

    A site joining an open outage queues nothing: the closing alert lists every site. A site in
    maintenance (``quiet``) opens and joins nothing, and one in the open outage keeps it open
    with the strikes it had until it is checked up again."""
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
    if quiet:
        standing = {
            site_id: replace(site, down_count=0, failing=False)
            if site_id in quiet and (members is None or site_id not in members)
            else site
            for site_id, site in standing.items()
        }
    plan = plan_outage(standing, members, strikes)
    opened: list[int] = []
    closed: list[int] = []
    if plan.joining:
        titles = dict(
            Site.select(Site.id, Site.title).where(Site.id.in_(list(plan.joining))).tuples()
        )
    if plan.opens:
        primary = Site.get_by_id(plan.joining[0])
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
                    "title": titles[site_id],
                    "primary": plan.opens and index == 0,
                    "start_time": when,
                }
                for index, site_id in enumerate(plan.joining)
            ]
        ).execute()
    if plan.opens:
        _queue(open_outage, "opened", when, render)
    if plan.closes and open_outage is not None:
        open_outage.end_time = when
        open_outage.seconds_down = max(0, round((when - open_outage.start_time).total_seconds()))
        open_outage.save()
        closed.append(open_outage.id)
        _queue(open_outage, "closed", when, render)
    return opened, closed


def _queue(outage: Outage, event: str, when: datetime, render: Render) -> None:
    facts = OutageFacts(
        event=event,
        code=outage.code,
        start_time=outage.start_time,
        end_time=outage.end_time,
        seconds_down=outage.seconds_down,
        sites=tuple(_site_lines(outage)),
    )
    outbox.queue(outage.id, event, when, render(facts))


def _answer(site: Site | None) -> str:
    if site is None or site.last_checked is None:
        return "not checked"
    if site.last_error:
        return site.last_error
    return f"HTTP {site.last_status_code}"


def _site_lines(outage: Outage) -> list[SiteLine]:
    """The outage's sites as an alert lists them (primary first), as stored now."""
    links = (
        OutageSite.select(OutageSite, Site, SiteGroup)
        .join(Site, join_type=JOIN.LEFT_OUTER)
        .join(SiteGroup, join_type=JOIN.LEFT_OUTER)
        .where(OutageSite.outage == outage)
        .order_by(OutageSite.primary.desc(), OutageSite.start_time, OutageSite.id)
    )
    out = []
    for link in links:
        site = link.site if link.site_id is not None else None
        out.append(
            SiteLine(
                title=link.title,
                group=site.group.title if site else "-",
                url=site.url if site else "-",
                priority=PRIORITY_NAMES[site.priority] if site else "-",
                down_message=site.down_message if site else "",
                last_answer=_answer(site),
                primary=bool(link.primary),
            )
        )
    return out
