"""``pause`` and ``resume``: a site, or all monitoring, kept from being checked by hand (the
windows that recur are set in the import file and the editors; see ``core.maintenance``)."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

from .. import APP_NAME
from ..core.clock import utc_now
from ..core.status import local_text
from ..errors import UserError
from .output import EXIT_OK


def _site(key: str):
    from ..store.maintenance import find_site

    key = key.strip()
    found = find_site(key)
    if found is None:
        what = "no site has this ID" if key.isdigit() else "no site is called that (GROUP/TITLE)"
        raise UserError(f"SITE {key!r}: {what}; see '{APP_NAME} sites'")
    if isinstance(found, list):
        ids = ", ".join(str(ref.site_id) for ref in found)
        raise UserError(f"SITE {key!r}: fits more than one site (IDs {ids}); give the ID")
    return found


def _until(args: argparse.Namespace) -> datetime | None:
    if args.minutes is None:
        return None
    return utc_now() + timedelta(minutes=args.minutes)


def _how_long(until: datetime | None) -> str:
    return "until you resume it" if until is None else f"until {local_text(until)}"


def cmd_pause(args: argparse.Namespace) -> int:
    from ..store import maintenance

    until = _until(args)
    if args.site is None:
        maintenance.pause_everything(until)
        print(f"Paused all monitoring {_how_long(until)}: no site is checked meanwhile.")
        return EXIT_OK
    site = _site(args.site)
    maintenance.pause_site(site.site_id, until)
    print(
        f"Paused {site.name} (ID {site.site_id}) {_how_long(until)}: it is not checked, "
        "keeps its strikes and opens no outage meanwhile."
    )
    return EXIT_OK


def cmd_resume(args: argparse.Namespace) -> int:
    from ..core.states import State
    from ..store import maintenance
    from ..store.queries import list_sites

    if args.site is None:
        if maintenance.resume_everything():
            print("Resumed all monitoring.")
        else:
            print("All monitoring was not paused; nothing changed.")
        return EXIT_OK
    site = _site(args.site)
    before = maintenance.find_paused(site.site_id)
    maintenance.resume_site(site.site_id)
    print(f"Resumed {site.name}." if before else f"{site.name} was not paused; nothing changed.")
    now = utc_now()
    info = next((s for s in list_sites(1, now=now) if s.site_id == site.site_id), None)
    if info is not None and info.state == State.MAINTENANCE:
        everything = maintenance.global_pause()
        if everything is not None and everything.active(now):
            print(f"All monitoring is still paused: '{APP_NAME} resume' resumes it.")
        elif info.quiet_until is not None:
            print(f"It is in a maintenance window until {local_text(info.quiet_until)}.")
    return EXIT_OK
