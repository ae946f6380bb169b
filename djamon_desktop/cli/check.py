"""``check``: run one monitoring round now, store it, deliver the alerts it queued and print it."""

from __future__ import annotations

import argparse

from ..core.status import answer_text, local_text
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
                        "site_id": o.site.site_id,
                        "group": o.site.group,
                        "title": o.site.title,
                        "url": shown_url(o.site.url),
                        "priority": o.site.priority,
                        "ok": o.ok,
                        "status_code": o.result.status_code,
                        "error": o.result.error,
                        "elapsed_ms": o.result.elapsed_ms,
                        "down_count": o.down_count,
                        "state": o.state,
                    }
                    for o in report.outcomes
                ],
                "outages_opened": report.outages_opened,
                "outages_closed": report.outages_closed,
            }
        )
        return report.exit_code
    if not report.connectivity:
        print("Connectivity lost: no sandbox URL answered with a good code; no site was blamed.")
    elif not report.outcomes:
        print("No active site to check.")
    else:
        failing = sum(1 for o in report.outcomes if not o.ok)
        print(
            f"Round at {local_text(report.started_at)}: {len(report.outcomes)} sites, "
            f"{len(report.outcomes) - failing} up, {failing} failing"
        )
        rows = [["STATE", "GROUP", "SITE", "ANSWER", "TIME", "DOWN"]]
        for o in report.outcomes:
            rows.append(
                [
                    o.state.upper(),
                    o.site.group,
                    o.site.title,
                    answer_text(o.result.status_code, o.result.error),
                    f"{o.result.elapsed_ms:.1f} ms",
                    str(o.down_count),
                ]
            )
        print(table(rows))
    for label, ids in (("opened", report.outages_opened), ("closed", report.outages_closed)):
        for outage_id in ids:
            info = find_outage(str(outage_id))
            if info:
                print(f"Outage {info.code} (ID {info.id}) {label}.")
    for d in report.deliveries:
        state = "sent" if d.ok else "kept queued"
        print(f"Alert ({d.channel}, outage {d.code} {d.event}) {state}: {d.what}")
    return report.exit_code
