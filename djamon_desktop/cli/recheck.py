"""``recheck SITE``: every live app vantage (a desktop whose tray app runs) checks the site now
and stores it; the command waits up to 15 s for their answers and prints each."""

from __future__ import annotations

import argparse
import os
import time

from ..core.clock import utc_now
from ..core.people import person
from ..core.rechecks import WAIT, Asked, vantage_line
from ..core.text import one_line
from .maintenance import _site
from .output import EXIT_OK, print_json

EXIT_FAILED = 1
POLL_S = 0.2  # how often the answers are read while waiting


def cmd_recheck(args: argparse.Namespace) -> int:
    from ..store import rechecks

    site = _site(args.site)
    by, _ = person(getattr(args, "as_", None), os.environ)
    asked: Asked = rechecks.ask(site.site_id, by, utc_now())
    deadline = time.monotonic() + WAIT.total_seconds()
    while asked.missing and time.monotonic() < deadline:
        time.sleep(POLL_S)
        asked = rechecks.find(asked.recheck_id) or asked  # (None: the site was deleted)
    code = EXIT_OK if asked.good else EXIT_FAILED
    if args.json:
        print_json(
            {
                "site_id": site.site_id,
                "results": {a.vantage: a.fields() for a in asked.answers},
                "no_answer": list(asked.missing),
            }
        )
        return code
    over = asked.asked_at + WAIT  # every one missing now is past the wait
    for vantage in asked.vantages:
        print(one_line(vantage_line(asked, vantage, max(utc_now(), over))))
    return code
