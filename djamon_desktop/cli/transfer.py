"""``import`` and ``export``: settings, groups and sites to and from a djamon-desktop/1 file."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ..core.problems import passwords_said
from ..core.status import plural
from ..errors import UserError
from .output import EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from ..core.import_file import TOO_BIG, open_import
    from ..core.problems import DocumentRefused
    from ..store.repo import import_file

    name = "stdin" if args.file == "-" else args.file
    try:
        with open_import(args.file) as file:
            what = import_file(file)
    except DocumentRefused as refused:
        raise UserError(
            f"import: {name}: {plural(len(refused.problems), 'problem')}; nothing was imported",
            details=[f"{name}: {p}" for p in refused.problems],
        ) from None
    except MemoryError:
        raise UserError(f"import: {name}: {TOO_BIG}; nothing was imported") from None
    print(f"Imported {name}: {what}.")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    import tempfile

    from ..store.repo import export_document

    text, passwords = export_document()
    if not args.file or args.file == "-":
        sys.stdout.write(text)
        _warn(passwords)
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
    _warn(passwords)
    return EXIT_OK


def _warn(passwords: int) -> None:
    """One line on stderr when the export holds passwords of site URLs (never the passwords)."""
    if passwords:
        print(f"export: warning: {passwords_said(passwords)}", file=sys.stderr)
