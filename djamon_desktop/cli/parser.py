"""The command line's grammar: every command, its arguments and its help text. Parsing only; the
commands themselves live in the modules named after their concern."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn

from .. import APP_NAME, __version__, paths
from ..errors import UserError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see '{self.prog} --help')")


def _whole_number(name: str, low: int = 1, high: int | None = None) -> Callable[[str], int]:
    """A type for argparse: a whole number from ``low`` to ``high``, errors naming ``name``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name}: {text!r} is not a whole number") from None
        if value < low or (high is not None and value > high):
            limit = f"from {low} to {high}" if high is not None else f"{low} or more"
            raise argparse.ArgumentTypeError(f"{name}: {value} is out of range; use {limit}")
        return value

    parse.__name__ = name
    return parse


def _incident_commands(command: Callable[[str, str], argparse.ArgumentParser]) -> None:
    """``ack``, ``unack`` and ``note``: working an outage, signed with ``--as``."""
    outage = {"metavar": "OUTAGE", "help": "an outage ID, its code or 'current'"}
    p = command("ack", "mark an open outage as yours ('I'm on it'), seen by every desktop")
    p.add_argument("key", **outage)
    p.add_argument("--note", metavar="TEXT", help="and add this note (at most 1,000 characters)")
    p.add_argument(
        "--take-over", action="store_true", help="take it over from whoever has acknowledged it"
    )
    p = command("unack", "take an outage's acknowledgement back: nobody is on it any more")
    p.add_argument("key", **outage)
    p = command("note", "add a note to an outage, open or closed (at most 1,000 characters)")
    p.add_argument("key", **outage)
    p.add_argument("text", metavar="TEXT")


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"folder of the database and logs (default: ${paths.ENV_VAR} or the user data folder)",
    )
    common.add_argument(
        "--database",
        metavar="URL",
        default=argparse.SUPPRESS,
        help="a team's PostgreSQL database, postgresql://USER@HOST:PORT/DBNAME "
        "(default: $DJAMON_DATABASE_URL, else the data folder's SQLite file)",
    )
    common.add_argument(
        "--vantage",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="this desktop's name as a vantage point (default: $DJAMON_VANTAGE, else host name)",
    )
    common.add_argument(
        "--as",
        dest="as_",
        metavar="NAME",
        default=argparse.SUPPRESS,
        help="who you are, for ack, unack and note (default: $DJAMON_USER, else the login name)",
    )
    parser = _Parser(
        prog=APP_NAME,
        description="A calm desktop monitor for the web resources a small team depends on. "
        "With no command, starts the tray app.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"{APP_NAME} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[common])

    p = command("check", "run one monitoring round now, store it and print the results")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument(
        "--confirm",
        action="store_true",
        help="then re-check the failing sites every retry_seconds until each is up or down",
    )
    p = command("sites", "list every site with its group, priority, state and last check")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("outages", "list outages, newest first, 25 a page")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--page", type=_whole_number("--page"), default=1, metavar="N")
    p = command("outage", "show one outage in full")
    p.add_argument("key", metavar="ID|CODE|current")
    shape = p.add_mutually_exclusive_group()
    shape.add_argument("--json", action="store_true", help="print JSON")
    shape.add_argument(
        "--markdown", action="store_true", help="print a post-mortem draft in Markdown"
    )
    _incident_commands(command)
    p = command("schedule", "list the next round times")
    p.add_argument("--from", dest="after", metavar="ISO", help="strictly after this (local time)")
    p.add_argument("--count", type=_whole_number("--count", 1, 10000), default=5, metavar="N")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("report", "an uptime report of a month or span, per site and group, with charts")
    p.add_argument(
        "--month", metavar="YYYY-MM", help="a calendar month in local time (default: last month)"
    )
    p.add_argument("--from", dest="first", metavar="DATE", help="the first day, YYYY-MM-DD")
    p.add_argument("--to", dest="last", metavar="DATE", help="the last day (included)")
    p.add_argument("--group", metavar="TITLE", help="only this group (default: every group)")
    p.add_argument("--format", choices=["html", "pdf", "csv"], default="html", help="default: html")
    p.add_argument(
        "--output",
        metavar="FILE",
        help="write it to FILE, whole or not at all (default: stdout; pdf needs a file)",
    )
    p = command("import", "read settings, groups and sites from a file; all or nothing")
    p.add_argument("file", metavar="FILE", help="a djamon-desktop/1 file, or - for stdin")
    p = command("export", "write settings, groups and sites (never a secret)")
    p.add_argument("file", metavar="FILE", nargs="?", help="where to write (default: stdout)")
    p = command("purge", "delete check history older than DAYS (never outages)")
    p.add_argument(
        "--older-than",
        type=_whole_number("--older-than", 1, 36500),
        metavar="DAYS",
        help="default: the retention_days setting",
    )
    p = command("secret", "store, remove or list credentials in the OS keyring")
    secret_sub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser)
    secret_sub.required = True
    q = secret_sub.add_parser("set", help="read NAME's value from standard input", parents=[common])
    q.add_argument("name", metavar="NAME")
    q = secret_sub.add_parser("delete", help="remove NAME", parents=[common])
    q.add_argument("name", metavar="NAME")
    secret_sub.add_parser("list", help="each name and whether it is set", parents=[common])
    p = command("pause", "stop checking a site, or all monitoring, until resumed or for N minutes")
    p.add_argument("site", metavar="SITE", nargs="?", help="a site ID or GROUP/TITLE")
    p.add_argument(
        "--minutes", type=_whole_number("--minutes", 1, 10080), metavar="N", help="1 to 10080"
    )
    p = command("resume", "check a paused site, or all monitoring, again")
    p.add_argument("site", metavar="SITE", nargs="?", help="a site ID or GROUP/TITLE")
    p = command("recheck", "ask every desktop whose app runs to check a site now; print answers")
    p.add_argument("site", metavar="SITE", help="a site ID or GROUP/TITLE")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("alert-test", "send one test message through a channel now")
    p.add_argument("channel", choices=["email", "twitter", "apprise"])
    p = command(
        "copy-database",
        "copy everything in this database into a new, empty team database, in one transaction",
    )
    p.add_argument("url", metavar="URL", help="postgresql://USER@HOST:PORT/DBNAME")
    p = command(
        "doctor", "say what this desktop offers the app and what to do about what is missing"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    command("install-desktop", "add the app to your application menu (a .desktop entry)")
    command("uninstall-desktop", "remove the menu entry, its icons and the autostart entry")
    return parser
