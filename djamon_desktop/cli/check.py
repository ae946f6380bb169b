"""``check``: run one monitoring round now, store it, deliver the alerts it queued and print it.
With ``--confirm``, then re-check the failing sites every ``retry_seconds`` until each is up or
down (the fast lane's rule, ``core.fastlane``), and print each site's last check."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

from .. import APP_NAME
from ..core.clock import Clock, utc_now
from ..core.states import State
from ..core.status import answer_text, local_text, plural
from ..core.text import one_line
from ..core.urls import shown_url
from .output import iso_utc, print_json, table

if TYPE_CHECKING:
    from ..cycle import CycleReport


#: waits a number of seconds (``time.sleep``; a test's moves its own clock instead)
Sleep = Callable[[float], None]


def cmd_check(args: argparse.Namespace, clock: Clock = utc_now, sleep: Sleep = time.sleep) -> int:
    """Exit 4 (the team database lost) only while nothing of the round is stored: once it is,
    losing the database is one warning line on stderr and the exit code is the results'.

    ``clock`` is the time the rounds go by and ``sleep`` the wait between ``--confirm``'s
    retries: the real ones from the command line, a test's own that waits for nothing."""
    from ..cycle import run_cycle

    report = run_cycle(clock, report_lost=True)
    retries = 0
    if args.confirm:
        report, retries = confirm(report, clock, sleep)
    lost = report.database_lost
    try:
        if args.json:
            _print_json(report)
        else:
            _print_text(report, retries)
    except Exception as exc:
        from ..cycle import after_the_round

        lost = lost or after_the_round(exc, "reading what it opened and closed")
    if lost:
        print(f"{APP_NAME}: warning: {lost}", file=sys.stderr)
    return report.exit_code


def _print_json(report: CycleReport) -> None:
    from ..store import vantages

    print_json(
        {
            "vantage": vantages.current(),
            "started_at": iso_utc(report.started_at),
            "finished_at": iso_utc(report.finished_at),
            "connectivity": report.connectivity,
            "results": [
                {
                    "site_id": outcome.site.site_id,
                    "group": outcome.site.group,
                    "title": outcome.site.title,
                    "url": shown_url(outcome.site.url),
                    "priority": outcome.site.priority,
                    "ok": outcome.ok,
                    "status_code": outcome.result.status_code,
                    "error": outcome.result.error,
                    "elapsed_ms": outcome.result.elapsed_ms,
                    "detail": outcome.result.detail or None,
                    "down_count": outcome.down_count,
                    "vantage_down_count": outcome.vantage_down_count,
                    "state": outcome.state,
                    "cert_expires_at": iso_utc(outcome.result.cert_expires_at),
                }
                for outcome in report.outcomes
            ],
            "outages_opened": report.outages_opened,
            "outages_closed": report.outages_closed,
        }
    )


def _print_text(report: CycleReport, retries: int) -> None:
    from ..store.queries import find_outage

    if not report.connectivity:
        print("Connectivity lost: no sandbox URL answered with a good code; no site was blamed.")
    elif not report.outcomes:
        print(_nothing_checked())
    else:
        failing = sum(1 for outcome in report.outcomes if not outcome.ok)
        print(
            f"Round at {local_text(report.started_at)}: {len(report.outcomes)} sites, "
            f"{len(report.outcomes) - failing} up, {failing} failing"
        )
        # what a failed check saw beyond its error, in a last column when any has something
        details = [outcome.result.detail if not outcome.ok else "" for outcome in report.outcomes]
        shown = any(details)
        lines = [["STATE", "GROUP", "SITE", "ANSWER", "TIME", "DOWN"] + ["DETAIL"] * shown]
        for outcome, detail in zip(report.outcomes, details, strict=True):
            lines.append(
                [
                    outcome.state.upper(),
                    outcome.site.group,
                    outcome.site.title,
                    answer_text(outcome.result.status_code, outcome.result.error),
                    f"{outcome.result.elapsed_ms:.1f} ms",
                    str(outcome.down_count),
                ]
                + [detail] * shown
            )
        print(table(lines))
        if retries:
            print(f"Confirmed with {plural(retries, 'retry', 'retries')} of the failing sites.")
        _print_expiring(report)
    try:
        for label, ids in (("opened", report.outages_opened), ("closed", report.outages_closed)):
            for outage_id in ids:
                code = report.outage_codes.get(outage_id)
                if code is None:  # (a round that checked nothing closed it)
                    outage = find_outage(str(outage_id))
                    code = outage.code if outage else None
                if code:
                    print(f"Outage {code} (ID {outage_id}) {label}.")
    finally:  # what was tried is said, also when the database went meanwhile
        for delivery in report.deliveries:
            state = "sent" if delivery.ok else "kept queued"
            print(f"Alert ({delivery.channel}, {delivery.about}) {state}: {delivery.what}")


def _print_expiring(report) -> None:
    """A line for each certificate this round saw expire within ``cert_warning_days``."""
    from ..core.certs import expiring, expiry_words

    days = report.settings.cert_warning_days
    for outcome in report.outcomes:
        expires = outcome.result.cert_expires_at
        if expiring(expires, days, report.started_at):
            print(
                f"Certificate of {one_line(outcome.site.title)} "
                f"{expiry_words(expires, report.started_at)} ({local_text(expires)})."
            )


def confirm(first: CycleReport, clock: Clock, sleep: Sleep) -> tuple[CycleReport, int]:
    """After ``first``, re-check its failing sites every ``retry_seconds`` until each is up or
    down (or connectivity is lost), reading the time from ``clock`` and waiting with ``sleep``.
    Returns one report of it all (each site's last check, every outage opened or closed, every
    alert tried) and the number of retries."""
    from ..core.fastlane import unsettled
    from ..cycle import CycleReport, after_the_round, run_cycle

    if first.database_lost:
        return first, 0
    settings = first.settings
    step, strikes = timedelta(seconds=settings.retry_seconds), settings.strikes
    if not step:
        return first, 0  # the fast lane is off: --confirm is just check
    last = {o.site.site_id: o for o in first.outcomes}
    report, retries = first, 0
    opened, closed = list(first.outages_opened), list(first.outages_closed)
    deliveries = list(first.deliveries)
    codes = dict(first.outage_codes)
    pending = unsettled([(o.site.site_id, o.ok, o.down_count) for o in first.outcomes], strikes)
    lost = first.database_lost
    while pending and report.connectivity and retries < strikes and not lost:
        wait = (report.started_at + step - clock()).total_seconds()
        if wait > 0:
            sleep(wait)
        try:
            report = run_cycle(clock, only=pending, report_lost=True)
        except Exception as exc:  # the first round is stored: say so, and keep to its results
            lost = after_the_round(exc, "a retry")
            break
        lost = report.database_lost
        retries += 1
        last.update((o.site.site_id, o) for o in report.outcomes)
        opened += [i for i in report.outages_opened if i not in opened]
        closed += [i for i in report.outages_closed if i not in closed]
        deliveries += report.deliveries
        codes.update(report.outage_codes)
        pending = unsettled(
            [(o.site.site_id, o.ok, o.down_count) for o in report.outcomes], strikes
        )
    merged = CycleReport(
        started_at=first.started_at,
        finished_at=report.finished_at,
        connectivity=report.connectivity,
        outcomes=[last[o.site.site_id] for o in first.outcomes] if report.connectivity else [],
        outages_opened=opened,
        outages_closed=closed,
        unanswered=report.unanswered,
    )
    merged.deliveries = deliveries
    merged.database_lost = lost
    merged.settings = settings
    merged.outage_codes = codes
    return merged, retries


def _nothing_checked() -> str:
    """Why a round checked nothing: no active site, or every one in maintenance."""
    from ..store.queries import list_sites

    quiet = sum(1 for s in list_sites(1, only_active=True) if s.state == State.MAINTENANCE)
    if quiet:
        return f"No site checked: {plural(quiet, 'active site')} in maintenance (see 'sites')."
    return "No active site to check."
