"""``secret`` and ``alert-test``: the credentials alerts use, kept in the OS keyring, and one test
message sent with them."""

from __future__ import annotations

import argparse
import sys

from ..errors import UserError
from .output import EXIT_OK


def cmd_secret(args: argparse.Namespace) -> int:
    from .. import secrets

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
    if name == "apprise_urls" and value:
        from ..alerts.apprise_channel import problems

        found = problems(value)
        if found:  # nothing stored
            raise UserError(found[0], found[1:])
    if name in secrets.BOUND:
        print(f"{name}: stored in the keyring, {_store_bound(args, name, value)}")
        return EXIT_OK
    secrets.put(name, value)
    print(f"{name}: stored in the keyring")
    return EXIT_OK


def _store_bound(args: argparse.Namespace, name: str, value: str) -> str:
    """Store a password bound to the server of this moment (the e-mail settings in the
    database; the team database this command would use); what it is bound to, in words."""
    from .. import password_binding as binding

    if name == binding.SMTP:
        from ..store.settings import load_settings

        server: dict[str, str] | None = binding.smtp_server(load_settings().part("email"))
    else:
        from .. import team
        from ..store import team_url

        target = team.database_target(getattr(args, "database", None), args.data_folder)
        server = team_url.server_of(target) if isinstance(target, str) else None
    binding.store(name, value, server)
    if server is None:
        return "for the first team database it is used with (no team database is chosen now)"
    return f"for {binding.describe(server)} only"


def cmd_alert_test(args: argparse.Namespace) -> int:
    from ..alerts.channels import DeliveryError
    from ..alerts.sender import send_test
    from ..secrets import redact
    from ..store.settings import load_settings

    if args.channel == "apprise":
        return _alert_test_apprise()
    try:
        what = send_test(load_settings(), args.channel)
    except DeliveryError as exc:
        raise UserError(f"alert-test {args.channel}: not sent: {redact(exc.reason)}") from None
    print(f"alert-test {args.channel}: {what}")
    return EXIT_OK


def _alert_test_apprise() -> int:
    """One test message to every URL, a line each saying what happened (secrets hidden); exit 2
    when one was not sent."""
    from ..alerts.channels import DeliveryError
    from ..alerts.sender import send_test_apprise
    from ..core.status import plural

    try:
        outcomes = send_test_apprise()
    except DeliveryError as exc:
        raise UserError(f"alert-test apprise: not sent: {exc.reason}") from None
    for outcome in outcomes:
        if outcome.ok:
            print(f"alert-test apprise: {outcome.what}")
    failed = [f"alert-test apprise: not sent: {o.what}" for o in outcomes if not o.ok]
    if failed:
        sent = len(outcomes) - len(failed)
        raise UserError(
            f"alert-test apprise: {plural(len(failed), 'URL')} of {len(outcomes)} not sent "
            f"({sent} sent)",
            failed,
        )
    return EXIT_OK
