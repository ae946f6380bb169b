"""``ack``, ``unack`` and ``note``: working an outage from the command line, signed with the
name of the person at this desktop (``--as``, else ``DJAMON_USER``, else the login name).

The rules live in ``store.incidents`` (one transaction with its timeline event, whoever asks:
this command or the app); here the outage is found as ``outage`` finds it, the name is checked
saying where it came from, and what happened is said in one line."""

from __future__ import annotations

import argparse
import os

from ..core.clock import utc_now
from ..core.people import name_problem, person
from ..core.text import one_line
from ..errors import UserError
from .output import EXIT_OK


def _signer(args: argparse.Namespace) -> str:
    """The person's name, or exit 2 naming where the bad one came from (nothing changed)."""
    name, source = person(getattr(args, "as_", None), os.environ)
    problem = name_problem(name)
    if problem:
        raise UserError(f"{source} {name!r}: {problem}")
    return name


def _outage(key: str) -> tuple[int, str]:
    """The outage's ID and code, found by ID, code (any case) or ``current``."""
    from ..store.queries import find_outage

    key = key.strip()
    outage = find_outage(key)
    if outage is None:
        if key == "current":
            raise UserError("outage 'current': no outage is open")
        what = "ID" if key.isdigit() else "code"
        raise UserError(f"outage {key!r}: no outage has this {what}")
    return outage.id, outage.code


def cmd_ack(args: argparse.Namespace) -> int:
    from ..store.incidents import HeldByOther, acknowledge

    by = _signer(args)
    outage_id, _ = _outage(args.key)
    try:
        done = acknowledge(outage_id, by, utc_now(), take_over=args.take_over, note=args.note)
    except HeldByOther as held:
        raise UserError(f"{held.message}; use --take-over to take it over") from None
    if done.took_over_from is not None:
        said = f"acknowledged by {done.by}, taken over from {one_line(done.took_over_from)}"
    elif done.changed:
        said = f"acknowledged by {done.by}"
    else:
        said = f"already yours ({done.by})"
    noted = " Note added." if args.note is not None else ""
    print(f"Outage {done.code}: {said}.{noted}")
    return EXIT_OK


def cmd_unack(args: argparse.Namespace) -> int:
    from ..store.incidents import unacknowledge

    by = _signer(args)
    outage_id, _ = _outage(args.key)
    done = unacknowledge(outage_id, by, utc_now())
    was = one_line(done.took_over_from or "")
    print(f"Outage {done.code}: no longer acknowledged (it was {was}).")
    return EXIT_OK


def cmd_note(args: argparse.Namespace) -> int:
    from ..store.incidents import add_note

    by = _signer(args)
    outage_id, code = _outage(args.key)
    add_note(outage_id, by, args.text, utc_now())
    print(f"Outage {code}: note added by {by}.")
    return EXIT_OK
