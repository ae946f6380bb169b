"""``doctor``: what this desktop offers the app (:mod:`..doctor`), as text or JSON. Exit 0 when
everything is there, 1 when something is missing; an unreachable team database is a missing
thing too (1), not the other commands' exit 4."""

from __future__ import annotations

import argparse
import logging
import os
import sys

from .. import paths
from .output import EXIT_OK, print_json

EXIT_MISSING = 1


def cmd_doctor(args: argparse.Namespace) -> int:
    from .. import doctor

    option = getattr(args, "database", None)
    if option:  # a URL given here is checked as every command checks it: exit 2 when malformed
        from ..store.team_url import check_url

        check_url(option)
    data_dir = args.data_folder
    _log_to(data_dir)
    checks = doctor.run_checks(data_dir, database_option=option)
    if args.json:
        print_json(doctor.as_json(checks))
    else:
        print(_printable(doctor.as_text(checks)))
    return EXIT_OK if doctor.all_ok(checks) else EXIT_MISSING


def _log_to(data_dir) -> None:
    """The data folder's log when it is there and usable (doctor makes nothing); else nowhere,
    never the terminal."""
    if os.access(paths.log_dir(data_dir), os.W_OK | os.X_OK):
        from .logfile import setup_logging

        try:
            setup_logging(data_dir)
            return
        except OSError:
            pass
    logging.getLogger().addHandler(logging.NullHandler())


def _printable(text: str) -> str:
    """The text as this terminal can show it (an arrow it can't encode as ``->``)."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        text = text.replace("→", "->").replace("›", ">")
        text = text.encode(encoding, "replace").decode(encoding)
    return text
