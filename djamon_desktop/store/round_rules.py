"""The rules a round is stored by, shared by both ways of storing it: on SQLite one statement
at a time (:mod:`.rounds`), on a team's PostgreSQL in two round trips (:mod:`.team_rounds`).
The rows a round brings (:class:`RoundRows`), each site's new row (:func:`site_rows`), what the
outage rules say (:func:`outage_plan`) and their writes (:func:`apply_outage_rules`) live here,
below both, so neither of them imports the other's module for them.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from ..core.clock import to_ms
from ..core.outages import OutagePlan, SiteStrikes, plan_outage
from ..core.probe import ProbeResult
from . import history, round_events, vantages
from .engine import is_team, marks
from .models import Outage, OutageSite, Site, UtcField, db
from .round_alerts import Render, queue_outage_alerts
from .round_events import Member
from .timeline import Event

#: an argument the caller has not read (the function reads it then)
UNREAD = object()
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


#: a round's values for each site's row (:func:`.bulk.update_many`), its id last
SITE_VALUES = (
    ("down_count", "integer"),
    ("failing", "boolean"),
    ("seen", "bigint"),
    ("checked", "bigint"),
    ("status_code", "smallint"),
    ("error", "text"),
    ("elapsed_ms", "double precision"),
    ("keep_cert", "boolean"),
    ("cert", "bigint"),
    ("detail", "text"),
    ("id", "integer"),
)
SITE_SET = (
    "down_count = v.down_count, failing = v.failing,"
    " last_seen = coalesce(v.seen, site.last_seen), last_checked = v.checked,"
    " last_status_code = v.status_code, last_error = v.error, last_elapsed_ms = v.elapsed_ms,"
    # the certificate this check saw; one that got no answer (an error) keeps the last seen
    " cert_expires_at = CASE WHEN v.keep_cert THEN site.cert_expires_at ELSE v.cert END,"
    # what the last check saw beyond its error: a good answer (no detail) clears it
    " last_detail = v.detail"
)


class RoundRows:
    """A round's check rows and hour-summary shares, built one result at a time (as each
    check ends), ready to be stored by :func:`record_round`. Touches no database."""

    def __init__(self, when: datetime, good_codes: Sequence[int]) -> None:
        self.when = when
        self.good_codes = list(good_codes)
        self._good = set(good_codes)
        self.when_ms: int = UtcField().db_value(when)  # ``when`` as the check rows store it
        self.results: dict[int, ProbeResult] = {}
        self.check_rows: list[tuple] = []
        self.hour_rows: list[history.HourRow] = []

    def add(self, site_id: int, result: ProbeResult) -> None:
        self.results[site_id] = result
        # (a check's row: the vantage's id follows, added when stored)
        self.check_rows.append(
            (
                site_id,
                self.when_ms,
                uuid.uuid4().bytes,
                result.status_code,
                result.error,
                result.elapsed_ms,
                result.detail or None,
            )
        )
        self.hour_rows.append(
            history.hour_row(
                site_id,
                self.when,
                result.status_code,
                result.error,
                result.elapsed_ms,
                set(result.codes) if result.codes else self._good,  # the site's own, if any
            )
        )


@dataclass(frozen=True)
class RoundRecord:
    down_counts: dict[int, int]  # the team's, as the site rows now hold them
    opened: list[int]
    closed: list[int]
    own_counts: dict[int, int] = field(default_factory=dict)  # this vantage's own
    failing: frozenset[int] = frozenset()  # the sites some live vantage sees failing
    #: whether an alert waits in the outbox now (None: not known, look)
    alerts_waiting: bool | None = None
    codes: dict[int, str] = field(default_factory=dict)  # of the outages opened or closed
    #: whether a reminder or a quiet-hours digest fell due by the round's start, as the team
    #: round read it with the rest (None: not known, look: ``store.escalation``)
    due_work: bool | None = None


def site_rows(
    results: dict[int, ProbeResult],
    counted: vantages.Counted,
    standing: dict[int, SiteStrikes],
    good_codes: Sequence[int],
    when_ms: int,
) -> list[tuple]:
    """Each checked site's row of values (``SITE_VALUES``), its new counts put in
    ``standing`` as well (what the outage rules then read)."""
    out = []
    for site_id, result in results.items():
        good = result.is_good(good_codes)
        count, failing = counted.team[site_id], site_id in counted.failing
        standing[site_id] = replace(standing[site_id], down_count=count, failing=failing)
        out.append(
            (
                count,
                failing,
                when_ms if good else None,  # last seen: kept unless this answer was good
                when_ms,
                result.status_code,
                result.error,
                result.elapsed_ms,
                result.error is not None and result.cert_expires_at is None,
                None if result.cert_expires_at is None else to_ms(result.cert_expires_at),
                result.detail or None,
                site_id,
            )
        )
    return out


def read_standing() -> dict[int, SiteStrikes]:
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


def _random_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not code.isdigit():  # all digits would read as an outage ID
            return code


def _new_outage(when: datetime, content: str) -> Outage:
    """A new open outage with a code no other has. On a team's PostgreSQL one statement (the
    code's uniqueness kept by the table: a code taken already inserts nothing, and another is
    drawn), so the rare round that opens an outage waits one round trip less for it."""
    while True:
        code = _random_code()
        if is_team():
            row = db.execute_sql(
                "INSERT INTO outage (code, start_time, content, extra_information,"
                f" notification_sent) VALUES ({marks(5)}) ON CONFLICT (code) DO NOTHING"
                " RETURNING id",
                (code, to_ms(when), content, "", False),
            ).fetchone()
            if row is None:
                continue
            return Outage(
                id=row[0],
                code=code,
                start_time=when,
                content=content,
                extra_information="",
                notification_sent=False,
            )
        if not Outage.select().where(Outage.code == code).exists():
            return Outage.create(
                code=code,
                start_time=when,
                content=content,
                extra_information="",
                notification_sent=False,
            )


def outage_plan(
    standing: dict[int, SiteStrikes],
    members: frozenset[int] | None,
    strikes: int,
    quiet: frozenset[int] = frozenset(),
) -> OutagePlan:
    """What the rules say of the open outage (``members``: its sites, None when none is open).
    A site in maintenance (``quiet``) opens and joins nothing, and one in the open outage keeps
    it open with the strikes it had until it is checked up again."""
    if quiet:
        standing = {
            site_id: replace(site, down_count=0, failing=False)
            if site_id in quiet and (members is None or site_id not in members)
            else site
            for site_id, site in standing.items()
        }
    return plan_outage(standing, members, strikes)


def changes_nothing(plan: OutagePlan) -> bool:
    return not (plan.opens or plan.joining or plan.closes)


def apply_outage_rules(
    when: datetime,
    standing: dict[int, SiteStrikes],
    strikes: int,
    render: Render,
    quiet: frozenset[int] = frozenset(),
    found: tuple[int, list[Member]] | None | object = UNREAD,
    codes: dict[int, str] | None = None,
) -> tuple[list[int], list[int]]:
    """Open, join or close the outage as the rules say, mark its sites that recovered or were
    taken out of monitoring, and store the timeline events of all that; queue the alerts in the
    same transaction. ``found``: the open outage's id and sites as the caller read them in this
    transaction (None: none is open; by default they are read here). ``codes``: filled with the
    code of each outage opened or closed.

    A site joining an open outage queues nothing: the closing alert lists every site. Each
    event is stored before the alerts it leads to are queued (``opened`` before its
    ``alert_queued``)."""
    open_id: int | None = None
    members: list[Member] = []
    if found is UNREAD:
        open_id = (
            Outage.select(Outage.id)
            .where(Outage.end_time.is_null())
            .order_by(Outage.id.desc())
            .scalar()
        )
        if open_id is not None:
            members = round_events.members_of(open_id)
    elif isinstance(found, tuple):
        open_id, members = found
    plan = outage_plan(
        standing, None if open_id is None else round_events.site_ids(members), strikes, quiet
    )
    change = round_events.leaving(members, standing)
    if changes_nothing(plan) and not change:
        return [], []
    events = round_events.write_leaving(change, when) if change else []
    opened: list[int] = []
    closed: list[int] = []
    if plan.joining:
        words = {
            site_id: (title, down_message)
            for site_id, title, down_message in Site.select(Site.id, Site.title, Site.down_message)
            .where(Site.id.in_(list(plan.joining)))
            .tuples()
        }
        titles = {site_id: title for site_id, (title, _message) in words.items()}
    new_outage = None
    if plan.opens:
        new_outage = _new_outage(when, words[plan.joining[0]][1])
        open_id = new_outage.id
        opened.append(open_id)
        if codes is not None:
            codes[open_id] = new_outage.code
    if open_id is None:  # (nothing opens, and none was open: nothing to do)
        return opened, closed
    if plan.joining:
        OutageSite.insert_many(
            [
                {
                    "outage": open_id,
                    "site": site_id,
                    "kept_site_id": site_id,
                    "title": titles[site_id],
                    "primary": plan.opens and index == 0,
                    "start_time": when,
                }
                for index, site_id in enumerate(plan.joining)
            ]
        ).execute()
        events += round_events.first_failures(plan.joining, when)
        events += [
            Event(when, "opened" if plan.opens and index == 0 else "joined", site_id=site_id)
            for index, site_id in enumerate(plan.joining)
        ]
    if plan.closes:
        events.append(Event(when, "closed"))
    round_events.store(open_id, events)
    if new_outage is not None:
        queue_outage_alerts(new_outage, "opened", when, render)
    if plan.closes:
        ending = Outage.get_by_id(open_id)
        ending.end_time = when
        ending.seconds_down = max(0, round((when - ending.start_time).total_seconds()))
        ending.save()
        closed.append(open_id)
        if codes is not None:
            codes[open_id] = ending.code
        queue_outage_alerts(ending, "closed", when, render)
    return opened, closed
