"""``install-desktop`` and ``uninstall-desktop``: the application menu entry. Neither touches the
data folder."""

from __future__ import annotations

import argparse

from ..core.status import plural
from ..errors import UserError
from .output import EXIT_OK


def cmd_install_desktop(args: argparse.Namespace) -> int:
    from .. import desktop_entry

    try:
        written = desktop_entry.install(
            desktop_entry.launch_command(getattr(args, "data_dir", None))
        )
    except OSError as exc:
        raise UserError(f"install-desktop: {exc.filename}: {exc.strerror}") from None
    print(f"Added djamon-desktop to the application menu ({written[-1]}).")
    return EXIT_OK


def cmd_uninstall_desktop(args: argparse.Namespace) -> int:
    from .. import desktop_entry

    try:
        removed = desktop_entry.uninstall()
    except OSError as exc:
        raise UserError(f"uninstall-desktop: {exc.filename}: {exc.strerror}") from None
    print(
        f"Removed {plural(len(removed), 'file')}."
        if removed
        else "djamon-desktop was not in the application menu."
    )
    return EXIT_OK
