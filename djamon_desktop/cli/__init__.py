"""The command line: ``main(argv) -> exit code``. Every failure the user can fix is one line on
stderr and exit 2; nothing reaches the user as a traceback.

A newcomer's map: ``parser`` holds the grammar, each other module the commands of one concern
(``check``; ``monitoring``: schedule, purge; ``lookups``: sites, outages, outage, with
``timeline`` for an outage's timeline and post-mortem draft; ``incidents``: ack, unack, note;
``recheck``; ``report``: the uptime report; ``transfer``: import, export; ``credentials``:
secret, alert-test; ``team``: copy-database; ``desktop``: the menu entry; ``doctor``: what the
desktop offers), ``output`` the printing helpers and ``logfile`` the log. The command modules
are imported only when a command runs, and import the database, the network or the keyring
only inside the command that needs them, so that ``--version`` and ``--help`` start at once.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import APP_NAME, paths
from ..errors import NewerDatabase, UserError
from .output import EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from .parser import build_parser

__all__ = ["main"]

log = logging.getLogger(APP_NAME)

#: commands that do not touch the data folder
NO_DATA = {"install-desktop", "uninstall-desktop"}


def command(name: str) -> Callable[[argparse.Namespace], int]:
    """The function that runs command ``name``. The command modules are imported here, when a
    command runs, so that --version and --help load none of them."""
    from . import (
        check,
        credentials,
        desktop,
        doctor,
        incidents,
        lookups,
        maintenance,
        monitoring,
        recheck,
        report,
        team,
        transfer,
    )

    return {
        "check": check.cmd_check,
        "schedule": monitoring.cmd_schedule,
        "purge": monitoring.cmd_purge,
        "pause": maintenance.cmd_pause,
        "resume": maintenance.cmd_resume,
        "recheck": recheck.cmd_recheck,
        "sites": lookups.cmd_sites,
        "outages": lookups.cmd_outages,
        "outage": lookups.cmd_outage,
        "ack": incidents.cmd_ack,
        "unack": incidents.cmd_unack,
        "note": incidents.cmd_note,
        "report": report.cmd_report,
        "import": transfer.cmd_import,
        "export": transfer.cmd_export,
        "secret": credentials.cmd_secret,
        "alert-test": credentials.cmd_alert_test,
        "copy-database": team.cmd_copy_database,
        "doctor": doctor.cmd_doctor,
        "install-desktop": desktop.cmd_install_desktop,
        "uninstall-desktop": desktop.cmd_uninstall_desktop,
    }[name]


def _check_display() -> None:
    """Qt ends the process without a word when there is no screen: say it first."""
    try:
        import PySide6  # noqa: F401
    except ImportError:
        raise UserError(
            "the tray app needs the gui extra (PySide6): pip install 'djamon-desktop[gui]'"
        ) from None
    if sys.platform.startswith("linux") and not (
        os.environ.get("QT_QPA_PLATFORM")
        or os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise UserError(
            "no display to show the tray app on (DISPLAY and WAYLAND_DISPLAY are unset); "
            "the command line works without one, see --help"
        )


def _database_problem(exc: Exception) -> str | None:
    """The line to show for a database the user can do something about, else None. peewee is
    looked at only if a command already loaded it (no database, no database error)."""
    peewee = sys.modules.get("peewee")
    if peewee is None:
        return None
    if isinstance(exc, peewee.OperationalError):
        return f"the database can't be used right now: {exc}"
    if isinstance(exc, peewee.DatabaseError):
        return f"the database is damaged or not a djamon-desktop database: {exc}"
    return None


def _fail(message: str, details: Sequence[str] = ()) -> None:
    print(f"{APP_NAME}: {message}", file=sys.stderr)
    for line in details:
        print(line, file=sys.stderr)


def _run(args: argparse.Namespace, data_dir: Path) -> int:
    """Run a command (or the tray app) with the data folder's database open."""
    if args.command is None:  # a second launch: the first one's dashboard, no database opened
        from ..gui.process import already_running

        if already_running(data_dir):
            return 0
        try:  # this process holds the data folder's lock and channel: let them go however it ends
            return _run_here(args, data_dir)
        finally:
            from ..instance import release

            release(data_dir)
    return _run_here(args, data_dir)


def _run_here(args: argparse.Namespace, data_dir: Path) -> int:
    """The command, or the tray app once this process holds the data folder."""
    from .. import team

    if not _needs_database(args):
        args.data_folder = data_dir
        return command(args.command)(args)
    from ..store import vantages

    if args.command in (None, "check"):  # what records checks: under this vantage's name
        try:
            vantages.use(team.vantage_name(getattr(args, "vantage", None), data_dir))
        except ValueError as exc:
            raise UserError(str(exc)) from None
    from ..store.database import close_database, open_database, reaching, shown_target
    from ..store.engine import DatabaseUnreachable

    unreachable = None
    try:
        open_database(team.database_target(getattr(args, "database", None), data_dir))
    except DatabaseUnreachable as exc:
        if args.command is not None:
            raise
        unreachable = exc.message  # the app starts grey and keeps trying (gui.poller)
    except NewerDatabase as exc:
        if args.command is not None:
            raise
        from ..gui.process import refuse  # started from a menu: stderr is seen by nobody

        return refuse("Database from a newer version", exc.message)
    try:
        if args.command is None:
            from ..gui.launch import run

            return run(data_dir, unreachable, shown_target())
        with reaching(), _printed_errors_logged():  # a team database lost: exit 4
            return command(args.command)(args)
    finally:
        close_database()
        vantages.use(None)


def _needs_database(args: argparse.Namespace) -> bool:
    """Whether a command opens the database first. ``secret`` does only to bind
    ``smtp_password`` to the e-mail settings: ``database_password`` is set before the team
    database it opens can be reached, and is bound to that database's URL, not read from it."""
    if args.command != "secret":
        return True
    return args.action == "set" and args.name == "smtp_password"


@contextlib.contextmanager
def _printed_errors_logged():
    """While a command runs, an error a library prints rather than raises (psycopg2 does when
    a COPY is cut off, beside raising it) goes to the log, not as a traceback over the
    command's own one-line message."""

    def to_log(kind, value, tb) -> None:
        log.warning("an error was reported beside the command's own", exc_info=(kind, value, tb))

    previous, sys.excepthook = sys.excepthook, to_log
    try:
        yield
    finally:
        sys.excepthook = previous


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    data_dir: Path | None = None
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            _check_display()
        if args.command in NO_DATA:
            return command(args.command)(args)
        if args.command == "doctor":  # reports on the data folder as it is: nothing made
            args.data_folder = paths.resolve_data_dir(getattr(args, "data_dir", None))
            return command(args.command)(args)
        data_dir = paths.ensure_data_dir(paths.resolve_data_dir(getattr(args, "data_dir", None)))
        from .logfile import setup_logging

        setup_logging(data_dir)
        paths.keep_private(data_dir)
        return _run(args, data_dir)
    except UserError as exc:
        _fail(exc.message, exc.details)
        return exc.exit_code
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        # the reader went away (for example `| head`); nothing more to say
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        problem = _database_problem(exc)
        if problem is not None:
            _fail(problem)
            return EXIT_USAGE
        log.exception("unexpected error")
        where = f" (details in {paths.log_dir(data_dir)})" if data_dir else ""
        _fail(f"unexpected error: {type(exc).__name__}: {exc}{where}")
        return EXIT_INTERNAL
