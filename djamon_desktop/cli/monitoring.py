"""``schedule`` and ``purge``: when the monitor runs, and how long its check history is kept."""

from __future__ import annotations

import argparse
from datetime import datetime

from ..core.clock import utc_now
from ..core.status import plural
from ..errors import UserError
from .output import EXIT_OK, print_json


def cmd_schedule(args: argparse.Namespace) -> int:
    from ..core.schedule import Schedule, local_zone
    from ..store.settings import load_settings

    zone = local_zone()
    if args.after is None:
        after = utc_now().astimezone(zone)
    else:
        try:
            after = datetime.fromisoformat(args.after)
        except ValueError:
            raise UserError(
                f"--from: {args.after!r} is not an ISO 8601 date-time (e.g. 2026-11-27T16:59)"
            ) from None
    schedule = Schedule(load_settings().schedule, zone)
    times = [
        t.replace(tzinfo=None).isoformat(timespec="seconds")
        for t in schedule.upcoming(after, args.count)
    ]
    if args.json:
        print_json(times)
    else:
        print("\n".join(times) if times else "The schedule names no future time.")
    return EXIT_OK


def cmd_purge(args: argparse.Namespace) -> int:
    from ..store.purge import purge
    from ..store.settings import load_settings

    days = args.older_than or load_settings().retention_days
    removed = purge(days, utc_now())
    print(f"Removed {plural(removed, 'check')} older than {days} days.")
    return EXIT_OK
