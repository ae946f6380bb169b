"""``sites``, ``outages`` and ``outage``: what is stored, read back as tables or JSON."""

from __future__ import annotations

import argparse
import math
from datetime import UTC, datetime
from typing import Any

from .. import APP_NAME
from ..core.status import answer_text, local_text
from ..core.urls import shown_url
from ..errors import UserError
from .output import EXIT_OK, iso_utc, print_json, table


def cmd_sites(args: argparse.Namespace) -> int:
    from ..store.queries import list_sites
    from ..store.settings import load_settings

    sites = list_sites(load_settings()["strikes"])
    if args.json:
        print_json(
            [
                {
                    "site_id": s.site_id,
                    "group": s.group,
                    "title": s.title,
                    "url": shown_url(s.url),
                    "priority": s.priority,
                    "active": s.active,
                    "state": s.state,
                    "down_count": s.down_count,
                    "last_seen": iso_utc(s.last_seen),
                    "last_status_code": s.last_status_code,
                    "last_error": s.last_error,
                }
                for s in sites
            ]
        )
        return EXIT_OK
    if not sites:
        print(f"No sites yet. Add some with '{APP_NAME} import FILE'.")
        return EXIT_OK
    rows = [["ID", "GROUP", "SITE", "PRIORITY", "STATE", "DOWN", "LAST ANSWER", "LAST SEEN"]]
    for s in sites:
        last = "-" if s.last_checked is None else answer_text(s.last_status_code, s.last_error)
        rows.append(
            [
                str(s.site_id),
                s.group,
                s.title,
                s.priority,
                s.state if s.active else f"{s.state} (inactive)",
                str(s.down_count),
                last,
                local_text(s.last_seen),
            ]
        )
    print(table(rows))
    return EXIT_OK


def _outage_json(info) -> dict[str, Any]:
    return {
        "id": info.id,
        "code": info.code,
        "start_time": iso_utc(info.start_time),
        "end_time": iso_utc(info.end_time),
        "seconds_down": info.seconds_down,
        "content": info.content,
        "extra_information": info.extra_information,
        "notification_sent": info.notification_sent,
        "sites": [
            {
                "site_id": s.site_id,
                "title": s.title,
                "primary": s.primary,
                "start_time": iso_utc(s.start_time),
            }
            for s in info.sites
        ],
    }


def cmd_outages(args: argparse.Namespace) -> int:
    from ..core.outages import duration_words
    from ..store.queries import OUTAGES_PER_PAGE, outage_page

    items, total = outage_page(args.page)
    pages = max(1, math.ceil(total / OUTAGES_PER_PAGE))
    if args.page > pages:
        raise UserError(
            f"--page {args.page} is past the last page ({pages}; {total} outages, "
            f"{OUTAGES_PER_PAGE} a page)"
        )
    if args.json:
        print_json([_outage_json(i) for i in items])
        return EXIT_OK
    if not items:
        print("No outages recorded.")
        return EXIT_OK
    rows = [["ID", "CODE", "START", "END", "DURATION", "SITES"]]
    for i in items:
        rows.append(
            [
                str(i.id),
                i.code,
                local_text(i.start_time),
                "open" if i.end_time is None else local_text(i.end_time),
                "-" if i.seconds_down is None else duration_words(i.seconds_down),
                ", ".join(s.title for s in i.sites),
            ]
        )
    print(table(rows))
    print(f"Page {args.page} of {pages} ({total} outages).")
    return EXIT_OK


def cmd_outage(args: argparse.Namespace) -> int:
    from ..core.outages import duration_words
    from ..store.outbox import alerts_of
    from ..store.queries import find_outage

    key = args.key.strip()
    info = find_outage(key)
    if info is None:
        if key == "current":
            print("null" if args.json else "No outage is open.")
            return EXIT_OK
        what = "ID" if key.isdigit() else "code"
        raise UserError(f"outage {key!r}: no outage has this {what}")
    if args.json:
        print_json(_outage_json(info))
        return EXIT_OK
    if info.end_time is None:
        since = (datetime.now(UTC) - info.start_time).total_seconds()
        lasted = f"still open, down for {duration_words(since)} so far"
    else:
        lasted = duration_words(info.seconds_down or 0)
    lines = [
        f"Outage {info.code} (ID {info.id})",
        f"Started:  {local_text(info.start_time)}",
        f"Ended:    {'-' if info.end_time is None else local_text(info.end_time)}",
        f"Duration: {lasted}",
        "Sites:",
        *(
            f"  {s.title}{' (primary)' if s.primary else ''}, since {local_text(s.start_time)}"
            for s in info.sites
        ),
        f"Content:  {info.content}",
        f"Extra information: {info.extra_information or '-'}",
        f"Notification sent: {'yes' if info.notification_sent else 'no'}",
    ]
    for alert in alerts_of(info.id):
        lines.append(f"Alert {alert.channel} ({alert.event}): {alert.state_text()}")
    print("\n".join(lines))
    return EXIT_OK
