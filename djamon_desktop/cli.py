"""The command line: ``main(argv) -> exit code``. Every failure the user can fix is one line on
stderr and exit 2; nothing reaches the user as a traceback."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import logging.handlers
import math
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from peewee import DatabaseError as PeeweeDatabaseError
from peewee import OperationalError

from . import APP_NAME, __version__, paths
from .core.status import answer_text, local_text, plural
from .core.urls import shown_url
from .errors import UserError

log = logging.getLogger(APP_NAME)

EXIT_OK, EXIT_USAGE = 0, 2  # `check` also exits 1 (a site failed) or 3 (offline): see RoundReport
EXIT_INTERNAL = 70  # a bug: the details are in the log


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UserError(f"{message} (see '{self.prog} --help')")


def _positive_int(name: str, low: int = 1, high: int | None = None) -> Callable[[str], int]:
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


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,
        help=f"folder of the database and logs (default: ${paths.ENV_VAR} or the user data folder)",
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
    p = command("sites", "list every site with its group, priority, state and last check")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("outages", "list outages, newest first, 25 a page")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--page", type=_positive_int("--page"), default=1, metavar="N")
    p = command("outage", "show one outage in full")
    p.add_argument("key", metavar="ID|CODE|current")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("schedule", "list the next round times")
    p.add_argument("--from", dest="after", metavar="ISO", help="strictly after this (local time)")
    p.add_argument("--count", type=_positive_int("--count", 1, 10000), default=5, metavar="N")
    p.add_argument("--json", action="store_true", help="print JSON")
    p = command("import", "read settings, groups and sites from a file; all or nothing")
    p.add_argument("file", metavar="FILE", help="a djamon-desktop/1 file, or - for stdin")
    p = command("export", "write settings, groups and sites (never a secret)")
    p.add_argument("file", metavar="FILE", nargs="?", help="where to write (default: stdout)")
    p = command("purge", "delete check history older than DAYS (never outages)")
    p.add_argument(
        "--older-than",
        type=_positive_int("--older-than", 1, 36500),
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
    p = command("alert-test", "send one test message through a channel now")
    p.add_argument("channel", choices=["email", "twitter"])
    command("install-desktop", "add the app to your application menu (a .desktop entry)")
    command("uninstall-desktop", "remove the menu entry, its icons and the autostart entry")
    return parser


# -- output helpers -----------------------------------------------------------------------------


def iso_utc(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(UTC).isoformat(timespec="seconds")


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)).rstrip() for r in rows
    )


# -- commands -----------------------------------------------------------------------------------


def cmd_check(args: argparse.Namespace) -> int:
    from .alerts.sender import deliver_pending
    from .core.rounds import run_round
    from .store.repo import load_settings

    report = run_round()
    deliveries = deliver_pending(load_settings())
    if args.json:
        _print_json(
            {
                "started_at": iso_utc(report.started_at),
                "finished_at": iso_utc(report.finished_at),
                "connectivity": report.connectivity,
                "results": [
                    {
                        "site_id": o.site.site_id,
                        "group": o.site.group,
                        "title": o.site.title,
                        "url": shown_url(o.site.url),
                        "priority": o.site.priority,
                        "ok": o.ok,
                        "status_code": o.result.status_code,
                        "error": o.result.error,
                        "elapsed_ms": o.result.elapsed_ms,
                        "down_count": o.down_count,
                        "state": o.state,
                    }
                    for o in report.outcomes
                ],
                "outages_opened": report.outages_opened,
                "outages_closed": report.outages_closed,
            }
        )
        return report.exit_code
    if not report.connectivity:
        print("Connectivity lost: no sandbox URL answered with a good code; no site was blamed.")
    elif not report.outcomes:
        print("No active site to check.")
    else:
        failing = sum(1 for o in report.outcomes if not o.ok)
        print(
            f"Round at {local_text(report.started_at)}: {len(report.outcomes)} sites, "
            f"{len(report.outcomes) - failing} up, {failing} failing"
        )
        rows = [["STATE", "GROUP", "SITE", "ANSWER", "TIME", "DOWN"]]
        for o in report.outcomes:
            rows.append(
                [
                    o.state.upper(),
                    o.site.group,
                    o.site.title,
                    answer_text(o.result.status_code, o.result.error),
                    f"{o.result.elapsed_ms:.1f} ms",
                    str(o.down_count),
                ]
            )
        print(_table(rows))
    for label, ids in (("opened", report.outages_opened), ("closed", report.outages_closed)):
        for outage_id in ids:
            from .store.repo import find_outage

            info = find_outage(str(outage_id))
            if info:
                print(f"Outage {info.code} (ID {info.id}) {label}.")
    for d in deliveries:
        state = "sent" if d.ok else "kept queued"
        print(f"Alert ({d.channel}, outage {d.code} {d.event}) {state}: {d.what}")
    return report.exit_code


def cmd_sites(args: argparse.Namespace) -> int:
    from .store.repo import list_sites, load_settings

    sites = list_sites(load_settings()["strikes"])
    if args.json:
        _print_json(
            [
                {
                    "site_id": s.site_id,
                    "group": s.group,
                    "title": s.title,
                    "url": shown_url(s.url),
                    "priority": s.priority,
                    "active": s.active,
                    "state": s.state,
                    "down_count": s.down_count,
                    "last_seen": iso_utc(s.last_seen),
                    "last_status_code": s.last_status_code,
                    "last_error": s.last_error,
                }
                for s in sites
            ]
        )
        return EXIT_OK
    if not sites:
        print(f"No sites yet. Add some with '{APP_NAME} import FILE'.")
        return EXIT_OK
    rows = [["ID", "GROUP", "SITE", "PRIORITY", "STATE", "DOWN", "LAST ANSWER", "LAST SEEN"]]
    for s in sites:
        last = "-" if s.last_checked is None else answer_text(s.last_status_code, s.last_error)
        rows.append(
            [
                str(s.site_id),
                s.group,
                s.title,
                s.priority,
                s.state if s.active else f"{s.state} (inactive)",
                str(s.down_count),
                last,
                local_text(s.last_seen),
            ]
        )
    print(_table(rows))
    return EXIT_OK


def _outage_json(info) -> dict[str, Any]:
    return {
        "id": info.id,
        "code": info.code,
        "start_time": iso_utc(info.start_time),
        "end_time": iso_utc(info.end_time),
        "seconds_down": info.seconds_down,
        "content": info.content,
        "extra_information": info.extra_information,
        "notification_sent": info.notification_sent,
        "sites": [
            {
                "site_id": s.site_id,
                "title": s.title,
                "primary": s.primary,
                "start_time": iso_utc(s.start_time),
            }
            for s in info.sites
        ],
    }


def cmd_outages(args: argparse.Namespace) -> int:
    from .store.repo import OUTAGES_PER_PAGE, outage_page

    items, total = outage_page(args.page)
    pages = max(1, math.ceil(total / OUTAGES_PER_PAGE))
    if args.page > pages:
        raise UserError(
            f"--page {args.page} is past the last page ({pages}; {total} outages, "
            f"{OUTAGES_PER_PAGE} a page)"
        )
    if args.json:
        _print_json([_outage_json(i) for i in items])
        return EXIT_OK
    if not items:
        print("No outages recorded.")
        return EXIT_OK
    from .core.outages import duration_words

    rows = [["ID", "CODE", "START", "END", "DURATION", "SITES"]]
    for i in items:
        rows.append(
            [
                str(i.id),
                i.code,
                local_text(i.start_time),
                "open" if i.end_time is None else local_text(i.end_time),
                "-" if i.seconds_down is None else duration_words(i.seconds_down),
                ", ".join(s.title for s in i.sites),
            ]
        )
    print(_table(rows))
    print(f"Page {args.page} of {pages} ({total} outages).")
    return EXIT_OK


def cmd_outage(args: argparse.Namespace) -> int:
    from .core.outages import duration_words
    from .store.outbox import alerts_of
    from .store.repo import find_outage

    key = args.key.strip()
    info = find_outage(key)
    if info is None:
        if key == "current":
            print("null" if args.json else "No outage is open.")
            return EXIT_OK
        what = "ID" if key.isdigit() else "code"
        raise UserError(f"outage {key!r}: no outage has this {what}")
    if args.json:
        _print_json(_outage_json(info))
        return EXIT_OK
    if info.end_time is None:
        since = (datetime.now(UTC) - info.start_time).total_seconds()
        lasted = f"still open, down for {duration_words(since)} so far"
    else:
        lasted = duration_words(info.seconds_down or 0)
    lines = [
        f"Outage {info.code} (ID {info.id})",
        f"Started:  {local_text(info.start_time)}",
        f"Ended:    {'-' if info.end_time is None else local_text(info.end_time)}",
        f"Duration: {lasted}",
        "Sites:",
        *(
            f"  {s.title}{' (primary)' if s.primary else ''}, since {local_text(s.start_time)}"
            for s in info.sites
        ),
        f"Content:  {info.content}",
        f"Extra information: {info.extra_information or '-'}",
        f"Notification sent: {'yes' if info.notification_sent else 'no'}",
    ]
    for alert in alerts_of(info.id):
        lines.append(f"Alert {alert.channel} ({alert.event}): {alert.state_text()}")
    print("\n".join(lines))
    return EXIT_OK


def cmd_schedule(args: argparse.Namespace) -> int:
    from .core.schedule import Schedule, local_zone
    from .store.repo import load_settings

    zone = local_zone()
    if args.after is None:
        after = datetime.now(zone)
    else:
        try:
            after = datetime.fromisoformat(args.after)
        except ValueError:
            raise UserError(
                f"--from: {args.after!r} is not an ISO 8601 date-time (e.g. 2026-11-27T16:59)"
            ) from None
    schedule = Schedule(load_settings()["schedule"], zone)
    times = [
        t.replace(tzinfo=None).isoformat(timespec="seconds")
        for t in schedule.upcoming(after, args.count)
    ]
    if args.json:
        _print_json(times)
    else:
        print("\n".join(times) if times else "The schedule names no future time.")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from .core.config import DocumentRefused
    from .store.repo import import_data

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


def cmd_purge(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from .store.history import purge
    from .store.repo import load_settings

    days = args.older_than or load_settings()["retention_days"]
    removed = purge(days, datetime.now(UTC))
    print(f"Removed {removed} check{'s' if removed != 1 else ''} older than {days} days.")
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    from .store.repo import export_text

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


def cmd_secret(args: argparse.Namespace) -> int:
    from . import secrets

    if args.action == "list":
        for name, present in secrets.status().items():
            print(f"{name}: {'set' if present else 'not set'}")
        return EXIT_OK
    name = secrets.check_name(args.name)
    if args.action == "delete":
        removed = secrets.delete(name)
        print(f"{name}: {'deleted' if removed else 'was not set'}")
        return EXIT_OK
    if sys.stdin is None:
        raise UserError(f"secret set {name}: no standard input to read the value from")
    if sys.stdin.isatty():
        import getpass

        value = getpass.getpass(f"{name}: ")
    else:
        # from a pipe all of it, less the final newline: apprise_urls holds one URL a line
        value = sys.stdin.read().removesuffix("\n").removesuffix("\r")
    secrets.put(name, value)
    print(f"{name}: stored in the keyring")
    return EXIT_OK


def cmd_alert_test(args: argparse.Namespace) -> int:
    from .alerts.channels import DeliveryError
    from .alerts.sender import send_test
    from .secrets import redact
    from .store.repo import load_settings

    try:
        what = send_test(load_settings(), args.channel)
    except DeliveryError as exc:
        raise UserError(f"alert-test {args.channel}: not sent: {redact(exc.reason)}") from None
    print(f"alert-test {args.channel}: {what}")
    return EXIT_OK


def cmd_install_desktop(args: argparse.Namespace) -> int:
    from . import desktop_entry

    try:
        written = desktop_entry.install(
            desktop_entry.launch_command(getattr(args, "data_dir", None))
        )
    except OSError as exc:
        raise UserError(f"install-desktop: {exc.filename}: {exc.strerror}") from None
    print(f"Added djamon-desktop to the application menu ({written[-1]}).")
    return EXIT_OK


def cmd_uninstall_desktop(args: argparse.Namespace) -> int:
    from . import desktop_entry

    try:
        removed = desktop_entry.uninstall()
    except OSError as exc:
        raise UserError(f"uninstall-desktop: {exc.filename}: {exc.strerror}") from None
    print(
        f"Removed {len(removed)} file{'s' if len(removed) != 1 else ''}."
        if removed
        else "djamon-desktop was not in the application menu."
    )
    return EXIT_OK


#: commands that do not touch the data folder
NO_DATA = {"install-desktop": cmd_install_desktop, "uninstall-desktop": cmd_uninstall_desktop}

COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "purge": cmd_purge,
    "secret": cmd_secret,
    "alert-test": cmd_alert_test,
    "check": cmd_check,
    "sites": cmd_sites,
    "outages": cmd_outages,
    "outage": cmd_outage,
    "schedule": cmd_schedule,
    "import": cmd_import,
    "export": cmd_export,
}


# -- entry --------------------------------------------------------------------------------------


class _PrivateLog(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are readable by their owner only, whatever the umask."""

    def _open(self):
        paths.create_private(Path(self.baseFilename))
        return super()._open()


def _setup_logging(data_dir: Path) -> None:
    """Log to a rotating file in the data folder (never to the terminal)."""
    target = str((paths.log_dir(data_dir) / f"{APP_NAME}.log").resolve())
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_djamon", False):
            if handler.baseFilename == target:
                return
            root.removeHandler(handler)
            handler.close()
    handler = _PrivateLog(target, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler._djamon = True  # type: ignore[attr-defined]
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(logging.INFO)


def _check_display() -> None:
    """Qt ends the process without a word when there is no screen: say it first."""
    try:
        import PySide6  # noqa: F401
    except ImportError:
        raise UserError("the tray app needs PySide6 (pip install PySide6-Essentials)") from None
    if sys.platform.startswith("linux") and not (
        os.environ.get("QT_QPA_PLATFORM")
        or os.environ.get("DISPLAY")
        or os.environ.get("WAYLAND_DISPLAY")
    ):
        raise UserError(
            "no display to show the tray app on (DISPLAY and WAYLAND_DISPLAY are unset); "
            "the command line works without one, see --help"
        )


def _fail(message: str, details: Sequence[str] = ()) -> None:
    print(f"{APP_NAME}: {message}", file=sys.stderr)
    for line in details:
        print(line, file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    data_dir: Path | None = None
    try:
        args = build_parser().parse_args(argv)
        if args.command is None:
            _check_display()
        if args.command in NO_DATA:
            return NO_DATA[args.command](args)
        data_dir = paths.ensure_data_dir(paths.resolve_data_dir(getattr(args, "data_dir", None)))
        _setup_logging(data_dir)
        paths.keep_private(data_dir)
        from .store.database import close_database, open_database

        open_database(paths.database_path(data_dir))
        try:
            if args.command is None:
                from .gui.app import run

                return run(data_dir)
            return COMMANDS[args.command](args)
        finally:
            close_database()
    except UserError as exc:
        _fail(exc.message, exc.details)
        return EXIT_USAGE
    except OperationalError as exc:
        _fail(f"the database can't be used right now: {exc}")
        return EXIT_USAGE
    except PeeweeDatabaseError as exc:
        _fail(f"the database is damaged or not a djamon-desktop database: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _fail("interrupted")
        return 130
    except BrokenPipeError:
        # the reader went away (for example `| head`); nothing more to say
        with contextlib.suppress(OSError, ValueError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        log.exception("unexpected error")
        where = f" (details in {paths.log_dir(data_dir)})" if data_dir else ""
        _fail(f"unexpected error: {type(exc).__name__}: {exc}{where}")
        return EXIT_INTERNAL
