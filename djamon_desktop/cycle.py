"""One monitoring cycle, the only place that strings its steps together.

:func:`run_cycle` loads the settings once, then

1. checks every active site at once, behind the connectivity guard (``core.rounds``), building
   the rows to store as each answer arrives (``store.rounds.RoundRows``);
2. stores the round, its strikes, the outage it opens, joins or closes and the alerts written
   for it (``alerts.messages``), in one transaction (``store.rounds.record_round``);
3. queues what fell due since: last month's uptime report on the 1st (``monthly_mail``), an
   outage's one reminder when nobody is on it, and the digest of what quiet hours held once they
   end (``store.escalation``);
4. delivers the outbox (``alerts.sender`` with ``store.outbox``);
5. purges old checks when the daily purge is due (``store.history``);

and returns one :class:`CycleReport`. The command line's ``check`` prints it; the app's poller
calls it on its worker thread and shows it. Both pass the same kind of clock.

A team database lost in step 1 or 2 is ``DatabaseUnreachable``: nothing of the round was stored.
Lost in step 3, 4 or 5, once the round is stored, it may end the cycle there with the report saying
so (``database_lost``), so that ``check`` exits as its results say, with a warning.

Layers: ``core/`` is pure (no store, alerts or Qt); ``store/`` knows neither alerts nor Qt;
``alerts/`` knows no store or Qt (the outbox is passed in); this module sits above them all.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .alerts.messages import AlertPolicy
from .core.clock import Clock, utc_now
from .core.probe import ProbeResult
from .core.rounds import RoundReport, log_round, outcomes_of, probe_round, start_order
from .core.settings_value import Settings
from .core.states import State
from .monthly_mail import queue_if_due
from .store import escalation, outbox, purge, vantages
from .store.maintenance import UNREAD
from .store.queries import list_sites
from .store.rounds import RoundRows, record_round, settle_outages
from .store.settings import RoundStart, load_settings, round_start

if TYPE_CHECKING:
    from .alerts.sender import Delivery

log = logging.getLogger(__name__)


@dataclass
class CycleReport(RoundReport):
    """What one cycle did: the round, the alerts tried, and the purge when one ran."""

    deliveries: list[Delivery] = field(default_factory=list)
    purged: int | None = None  # checks removed by the daily purge; None when it was not due
    picture: Any = None  # the app's: what its windows show, read right after (``picture``)
    #: the team database lost after the round was stored (delivering alerts, the daily purge):
    #: the one line saying so, its password as ***; None when it was not
    database_lost: str | None = None
    alerts_waiting: bool | None = None  # whether an alert waited after the round (None: look)
    due_work: bool | None = None  # whether a reminder or a digest fell due (None: look)
    outage_codes: dict[int, str] = field(default_factory=dict)  # of those it opened or closed
    settings: Settings = field(default_factory=Settings.defaults)  # as the cycle read them


def run_cycle(
    clock: Clock = utc_now, only: Collection[int] | None = None, report_lost: bool = False
) -> CycleReport:
    """Run one whole cycle with the current settings. The database must be open.

    With ``only`` (site ids), a small round of just those sites (the fast lane's retries,
    ``core.fastlane``): the sandbox is tried at the same time, and it is stored and delivered
    like any round.

    With ``report_lost`` (``check``), a team database lost once the round is stored ends the
    cycle there and the report says so (``database_lost``); without (the app), that loss is
    raised as any other, and the tray turns grey at once."""
    start = round_start(vantages.current())
    settings = start.settings
    report = run_round(clock, settings, only, start)
    report.settings = settings
    step = "delivering alerts"  # (the reminders and digests due are part of it)
    try:
        # on or after midnight on the 1st: when the round started (its own failure is logged)
        if queue_if_due(settings, report.started_at, start.last_report):
            report.alerts_waiting = True
        if due_work_may_wait(settings, report.alerts_waiting, report.due_work):
            due = run_due(settings, clock)
            if due.queued:
                report.alerts_waiting = True
        if report.alerts_waiting is not False:
            report.deliveries = deliver(settings, clock)
        step = "the daily purge"
        report.purged = purge.purge_if_due(settings.retention_days, clock(), last=start.last_purge)
    except Exception as exc:
        if not report_lost:
            raise
        report.database_lost = after_the_round(exc, step)
    if report.purged:
        log.info("daily purge: removed %d old checks", report.purged)
    return report


def due_work_may_wait(
    settings: Settings, alerts_waiting: bool | None, due_work: bool | None = None
) -> bool:
    """Whether step 3 may find anything: reminders are on, quiet hours are set, or an alert
    waits (one held by quiet hours set before). The team round reads whether any fell due with
    the rest (``due_work``), so its rounds make no round trip for this step unless one did."""
    if due_work is not None:
        return due_work
    return (
        settings.escalate_after_minutes > 0
        or bool(settings.quiet_hours)
        or (alerts_waiting is not False)
    )


def run_due(settings: Settings, clock: Clock = utc_now) -> escalation.DueWork:
    """Step 3: the reminders due and the digests of quiet hours ended, written now."""
    policy = AlertPolicy.from_settings(settings, now=clock())
    assert policy.now is not None
    due = escalation.run_due(
        policy.now, settings.escalate_after_minutes, policy.texts, policy.digest
    )
    if due.reminded:
        log.info("nobody is on %s: reminder queued", ", ".join(due.reminded))
    if due.released:
        log.info("quiet hours over: a digest queued on %s", ", ".join(due.released))
    return due


def after_the_round(exc: Exception, step: str) -> str:
    """The line saying the team database was lost at ``step``, after the round was stored; any
    other error is raised again."""
    from .store.database import lost_connection

    lost = lost_connection(exc)
    if lost is None:
        raise exc
    return f"the round was stored, but {step} failed: {lost.message}"


def run_round(
    clock: Clock = utc_now,
    settings: Settings | None = None,
    only: Collection[int] | None = None,
    start: RoundStart | None = None,
) -> CycleReport:
    """Steps 1 and 2 alone: check and store one round (tests build history with it); with
    ``only``, of just those of the active sites. ``start``: what ``round_start`` read for it."""
    if settings is None:
        settings = load_settings()
    strikes = settings.strikes
    good_codes = list(settings.good_codes)
    started = clock()
    render = AlertPolicy.from_settings(settings, now=started).texts  # (held at this moment?)
    pause = start.pause if start is not None else UNREAD
    sites = list_sites(strikes, only_active=True, now=started, pause=pause)
    # in maintenance (a window or a pause): not checked, and opens, joins or closes nothing
    quiet = frozenset(s.site_id for s in sites if s.state == State.MAINTENANCE)
    sites = [s for s in sites if s.site_id not in quiet]
    if only is not None:
        wanted = set(only)
        sites = [s for s in sites if s.site_id in wanted]
    if not sites:
        closed = settle_outages(started, settings, render, quiet)
        return CycleReport(
            started_at=started, finished_at=clock(), connectivity=True, outages_closed=closed
        )

    ordered = start_order(sites)
    rows = RoundRows(started, good_codes)

    def arrived(index: int, result: ProbeResult) -> None:
        rows.add(ordered[index].site_id, result)  # while the slower sites still wait

    # every check's result reaches ``rows`` through ``arrived`` as it ends (``probe_all`` calls
    # back for each one, or the round fails); what probe_round returns says only whether the
    # sandbox answered (None: connectivity lost)
    results = asyncio.run(
        probe_round(
            list(settings.sandbox_urls),
            [s.url for s in ordered],
            float(settings.timeout_seconds),
            good_codes,
            on_result=arrived,
            expects=[s.expect for s in ordered],
        )
    )
    if results is None:
        closed = settle_outages(started, settings, render, quiet)
        report = CycleReport(
            started_at=started,
            finished_at=clock(),
            connectivity=False,
            outages_closed=closed,
            unanswered=settings.sandbox_urls,
        )
        log_round(report)
        return report

    record = record_round(
        rows,
        settings,
        render,
        quiet=quiet,
        known_vantage=start.vantage_id if start is not None else None,
    )
    outcomes = outcomes_of(
        sites,
        rows.every_result,  # (the busy too: listed, not counted)
        record.down_counts,
        good_codes,
        strikes,
        record.failing,
        record.own_counts,
    )
    report = CycleReport(
        started_at=started,
        finished_at=clock(),
        connectivity=True,
        outcomes=outcomes,
        outages_opened=list(record.opened),
        outages_closed=list(record.closed),
    )
    report.alerts_waiting = record.alerts_waiting
    report.due_work = record.due_work
    report.outage_codes = dict(record.codes)
    log_round(report)
    return report


def deliver(settings: Settings, clock: Clock = utc_now) -> list[Delivery]:
    """Step 3: try the queued alerts of the enabled channels (nothing loaded when none is)."""
    if not AlertPolicy.from_settings(settings).channels:
        return []
    from .alerts.sender import deliver_pending

    return deliver_pending(settings, outbox, clock)
