"""``report``: the uptime report of a month or a span of days, for every group or one, as HTML,
PDF or CSV, to standard output or a file. The counting is the store's and the core's (the same
the dashboard's uptime comes from); this module reads the arguments, asks, and writes."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import tempfile
from pathlib import Path

from ..errors import UserError
from .output import EXIT_OK

FORMATS = ("html", "pdf", "csv")


def cmd_report(args: argparse.Namespace) -> int:
    from ..core.clock import utc_now
    from ..core.schedule import local_zone
    from ..store.reports import report

    zone = local_zone()
    now = utc_now()
    span = _span(args, zone, now)
    target = _target(args)
    made = report(span, now, zone, str(zone), group=args.group)
    data = _rendered(made, args.format)
    if target is None:
        sys.stdout.write(data.decode("utf-8"))
        return EXIT_OK
    _write_whole(target, data)
    print(f"Wrote the {args.format.upper()} report of {span.title} to {target}.")
    return EXIT_OK


def _span(args: argparse.Namespace, zone, now):
    """The span asked for: ``--month``, ``--from`` and ``--to``, or last month."""
    from ..core.report_model import last_month, parse_days, parse_month

    if args.month is not None and (args.first is not None or args.last is not None):
        raise UserError("--month and --from/--to can't be used together; give one or the other")
    if args.month is not None:
        return parse_month(args.month, zone)
    if args.first is not None or args.last is not None:
        if args.first is None:
            raise UserError("--to needs --from: give both days of the span (YYYY-MM-DD)")
        if args.last is None:
            raise UserError("--from needs --to: give both days of the span (YYYY-MM-DD)")
        return parse_days(args.first, args.last, zone)
    return last_month(now, zone)


def _target(args: argparse.Namespace) -> Path | None:
    """Where to write (None: standard output), checked before anything is counted: a PDF only
    to a file, and only into a folder that exists."""
    if not args.output or args.output == "-":
        if args.format == "pdf":
            raise UserError("--format pdf needs --output FILE: a PDF is not written to a terminal")
        return None
    target = Path(args.output)
    folder = target.parent
    if not folder.is_dir():
        raise UserError(f"--output: {args.output}: the folder {folder} does not exist")
    if target.is_dir():
        raise UserError(f"--output: {args.output} is a folder; name a file in it")
    return target


def _rendered(made, form: str) -> bytes:
    if form == "pdf":
        from ..core.report_pdf import pdf_bytes

        return pdf_bytes(made)
    if form == "csv":
        from ..core.report_csv import csv_text

        return csv_text(made).encode("utf-8")
    from ..core.report_html import html_text

    return html_text(made).encode("utf-8")


def _write_whole(target: Path, data: bytes) -> None:
    """``data`` in ``target``, whole or not at all: written beside it under another name, then
    renamed over it, so a reader never sees half a report and a failure leaves what was there."""
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".report-", dir=target.parent)
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, target)
    except OSError as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        raise UserError(f"--output: {target}: can't write it: {exc.strerror or exc}") from None


def _umask() -> int:
    """The process's umask (read by setting it, then setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
