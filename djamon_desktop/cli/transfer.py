"""``import`` and ``export``: settings, groups and sites to and from a djamon-desktop/1 file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core.status import plural
from ..errors import UserError
from .output import EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from ..core.problems import DocumentRefused
    from ..store.repo import import_data

    name = "stdin" if args.file == "-" else args.file
    try:
        data = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        raise UserError(f"import: {name}: can't read it: {exc.strerror or exc}") from None
    try:
        what = import_data(data)
    except DocumentRefused as refused:
        raise UserError(
            f"import: {name}: {plural(len(refused.problems), 'problem')}; nothing was imported",
            details=[f"{name}: {p}" for p in refused.problems],
        ) from None
    print(f"Imported {name}: {what}.")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    import tempfile

    from ..store.repo import export_text

    text = export_text()
    if not args.file or args.file == "-":
        sys.stdout.write(text)
        return EXIT_OK
    target = Path(args.file)
    try:
        fd, tmp = tempfile.mkstemp(prefix=".export-", dir=target.parent or Path("."))
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        raise UserError(f"export: {target}: can't write it: {exc.strerror or exc}") from None
    print(f"Exported to {target}.")
    return EXIT_OK
