"""``check``: run one monitoring round now, store it, deliver the alerts it queued and print it."""

from __future__ import annotations

import argparse

from ..core.status import answer_text, local_text, plural
from ..core.urls import shown_url
from .output import iso_utc, print_json, table


def cmd_check(args: argparse.Namespace) -> int:
    from ..cycle import run_cycle
    from ..store.queries import find_outage

    report = run_cycle()
    if args.json:
        print_json(
            {
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
                        "down_count": outcome.down_count,
                        "state": outcome.state,
                        "cert_expires_at": iso_utc(outcome.result.cert_expires_at),
                    }
                    for outcome in report.outcomes
                ],
                "outages_opened": report.outages_opened,
                "outages_closed": report.outages_closed,
            }
        )
        return report.exit_code
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
        lines = [["STATE", "GROUP", "SITE", "ANSWER", "TIME", "DOWN"]]
        for outcome in report.outcomes:
            lines.append(
                [
                    outcome.state.upper(),
                    outcome.site.group,
                    outcome.site.title,
                    answer_text(outcome.result.status_code, outcome.result.error),
                    f"{outcome.result.elapsed_ms:.1f} ms",
                    str(outcome.down_count),
                ]
            )
        print(table(lines))
        _print_expiring(report)
    for label, ids in (("opened", report.outages_opened), ("closed", report.outages_closed)):
        for outage_id in ids:
            outage = find_outage(str(outage_id))
            if outage:
                print(f"Outage {outage.code} (ID {outage.id}) {label}.")
    for delivery in report.deliveries:
        state = "sent" if delivery.ok else "kept queued"
        print(f"Alert ({delivery.channel}, {delivery.about}) {state}: {delivery.what}")
    return report.exit_code


def _print_expiring(report) -> None:
    """A line for each certificate this round saw expire within ``cert_warning_days``."""
    from ..core.certs import expiring, expiry_words
    from ..store.settings import load_settings

    days = load_settings()["cert_warning_days"]
    for outcome in report.outcomes:
        expires = outcome.result.cert_expires_at
        if expiring(expires, days, report.started_at):
            print(
                f"Certificate of {outcome.site.title} "
                f"{expiry_words(expires, report.started_at)} ({local_text(expires)})."
            )


def _nothing_checked() -> str:
    """Why a round checked nothing: no active site, or every one in maintenance."""
    from ..store.queries import list_sites

    quiet = sum(1 for s in list_sites(1, only_active=True) if s.state == "maintenance")
    if quiet:
        return f"No site checked: {plural(quiet, 'active site')} in maintenance (see 'sites')."
    return "No active site to check."
