"""``copy-database``: a desktop's history into a new team database."""

from __future__ import annotations

import argparse
import time

from .output import EXIT_OK

#: what the summary line names, table by table (every table is copied; each has its own line)
SUMMARY = [
    ("setting", "setting"),
    ("site_group", "group"),
    ("site", "site"),
    ("check", "check"),
    ("outage", "outage"),
    ("alert", "alert"),
]


def counted(count: int, word: str) -> str:
    return f"{count:,} {word if count == 1 else word + 's'}"


def cmd_copy_database(args: argparse.Namespace) -> int:
    from ..store.copy import copy_to

    started = time.monotonic()

    def progress(table: str, done: int, total: int) -> None:
        if done < total:
            print(f"  {table}: {done:,} of {total:,} rows…", flush=True)
        else:
            print(f"  {table}: {counted(done, 'row')}", flush=True)

    copied = copy_to(args.url, progress)
    what = ", ".join(counted(copied.rows.get(table, 0), word) for table, word in SUMMARY)
    print(f"Copied {what} to {copied.url} in {time.monotonic() - started:.1f} s.")
    return EXIT_OK
