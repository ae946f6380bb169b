"""``sites``, ``outages`` and ``outage``: what is stored, read back as tables or JSON."""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

from .. import APP_NAME
from ..core.certs import expiry_words
from ..core.clock import utc_now
from ..core.status import answer_text, local_text
from ..core.text import one_line
from ..core.urls import shown_url
from ..errors import UserError
from .output import EXIT_OK, iso_utc, print_json, table

if TYPE_CHECKING:
    from ..store.queries import OutageInfo


def cmd_sites(args: argparse.Namespace) -> int:
    from ..store.queries import list_sites, vantage_states
    from ..store.settings import load_settings

    settings = load_settings()
    now = utc_now()
    sites = list_sites(settings.strikes, cert_warning_days=settings.cert_warning_days, now=now)
    if args.json:
        seen = vantage_states(sites, settings.strikes, now)
        print_json(
            [
                {
                    "site_id": site.site_id,
                    "group": site.group,
                    "title": site.title,
                    "url": shown_url(site.url),
                    "priority": site.priority,
                    "active": site.active,
                    "state": site.state,
                    "down_count": site.down_count,
                    "last_seen": iso_utc(site.last_seen),
                    "last_status_code": site.last_status_code,
                    "last_error": site.last_error,
                    "cert_expires_at": iso_utc(site.cert_expires_at),
                    "notices": site.notices,
                    "vantages": {
                        name: {
                            "state": view.state,
                            "down_count": view.down_count,
                            "last_seen": iso_utc(view.last_seen),
                            "last_checked": iso_utc(view.last_checked),
                        }
                        for name, view in seen[site.site_id].items()
                    },
                }
                for site in sites
            ]
        )
        return EXIT_OK
    if not sites:
        print(f"No sites yet. Add some with '{APP_NAME} import FILE'.")
        return EXIT_OK
    lines = [["ID", "GROUP", "SITE", "PRIORITY", "STATE", "DOWN", "LAST ANSWER", "LAST SEEN"]]
    for site in sites:
        last = "-"
        if site.last_checked is not None:
            last = answer_text(site.last_status_code, site.last_error)
        lines.append(
            [
                str(site.site_id),
                site.group,
                site.title,
                site.priority,
                site.state if site.active else f"{site.state} (inactive)",
                str(site.down_count),
                last,
                local_text(site.last_seen),
            ]
        )
    print(table(lines))
    for site in sites:
        if site.cert_expiring and site.cert_expires_at is not None:
            print(
                f"{one_line(site.group)} / {one_line(site.title)}: certificate "
                f"{expiry_words(site.cert_expires_at, now)} ({local_text(site.cert_expires_at)})"
            )
    return EXIT_OK


def _outage_json(outage: OutageInfo) -> dict[str, Any]:
    return {
        "id": outage.id,
        "code": outage.code,
        "start_time": iso_utc(outage.start_time),
        "end_time": iso_utc(outage.end_time),
        "seconds_down": outage.seconds_down,
        "content": outage.content,
        "extra_information": outage.extra_information,
        "notification_sent": outage.notification_sent,
        "acknowledged_by": outage.acknowledged_by,
        "acknowledged_at": iso_utc(outage.acknowledged_at),
        "sites": [
            {
                "site_id": site.site_id,
                "title": site.title,
                "primary": site.primary,
                "start_time": iso_utc(site.start_time),
            }
            for site in outage.sites
        ],
    }


def cmd_outages(args: argparse.Namespace) -> int:
    from ..core.outages import duration_words
    from ..store.queries import OUTAGES_PER_PAGE, outage_page

    outages, total = outage_page(args.page)
    pages = max(1, math.ceil(total / OUTAGES_PER_PAGE))
    if args.page > pages:
        raise UserError(
            f"--page {args.page} is past the last page ({pages}; {total} outages, "
            f"{OUTAGES_PER_PAGE} a page)"
        )
    if args.json:
        print_json([_outage_json(outage) for outage in outages])
        return EXIT_OK
    if not outages:
        print("No outages recorded.")
        return EXIT_OK
    lines = [["ID", "CODE", "START", "END", "DURATION", "SITES"]]
    for outage in outages:
        lines.append(
            [
                str(outage.id),
                outage.code,
                local_text(outage.start_time),
                "open" if outage.end_time is None else local_text(outage.end_time),
                "-" if outage.seconds_down is None else duration_words(outage.seconds_down),
                ", ".join(site.title for site in outage.sites),
            ]
        )
    print(table(lines))
    print(f"Page {args.page} of {pages} ({total} outages).")
    return EXIT_OK


def cmd_outage(args: argparse.Namespace) -> int:
    from ..core.outages import duration_words
    from ..store.outbox import alerts_of
    from ..store.queries import find_outage
    from . import timeline

    key = args.key.strip()
    outage = find_outage(key)
    if outage is None:
        if key == "current":
            print("null" if args.json else "No outage is open.")
            return EXIT_OK
        what = "ID" if key.isdigit() else "code"
        raise UserError(f"outage {key!r}: no outage has this {what}")
    events = timeline.events_of(outage)
    if args.json:
        print_json(
            _outage_json(outage)
            | {"notes": timeline.notes_json(events), "timeline": timeline.timeline_json(events)}
        )
        return EXIT_OK
    if outage.end_time is None:
        since = (utc_now() - outage.start_time).total_seconds()
        lasted = f"still open, down for {duration_words(since)} so far"
    else:
        lasted = duration_words(outage.seconds_down or 0)
    if args.markdown:
        print(timeline.postmortem(outage, events, lasted), end="")
        return EXIT_OK
    on_it = "nobody"
    if outage.acknowledged_by is not None:
        on_it = f"{one_line(outage.acknowledged_by)} since {local_text(outage.acknowledged_at)}"
    lines = [
        f"Outage {outage.code} (ID {outage.id})",
        f"Started:  {local_text(outage.start_time)}",
        f"Ended:    {'-' if outage.end_time is None else local_text(outage.end_time)}",
        f"Duration: {lasted}",
        "Sites:",
        *(
            f"  {one_line(site.title)}{' (primary)' if site.primary else ''}, "
            f"since {local_text(site.start_time)}"
            for site in outage.sites
        ),
        f"Content:  {one_line(outage.content)}",
        f"Extra information: {one_line(outage.extra_information) or '-'}",
        f"Notification sent: {'yes' if outage.notification_sent else 'no'}",
        f"On it:    {on_it}",
    ]
    for alert in alerts_of(outage.id):
        lines.append(f"Alert {alert.channel} ({alert.event}): {alert.state_text()}")
    lines += ["Timeline:", *timeline.timeline_lines(outage, events)]
    print("\n".join(lines))
    return EXIT_OK
