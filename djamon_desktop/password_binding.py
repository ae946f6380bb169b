"""A password goes only where it was given for.

``smtp_password`` and ``database_password`` are each bound, when they are set (``secret set``,
Settings, the Team tab), to the server of that moment: the e-mail ``host``, ``port``,
``username`` and ``security``; the team URL's host, port, user and database. The binding is
kept in the keyring next to the secret (:func:`.secrets.binding_name`), never in the database:
in a team, anyone who can write the shared settings could otherwise move both. When the
server has changed since, the password is not used (:class:`BoundElsewhere`): e-mail alerts
wait in the outbox with :data:`SMTP_ELSEWHERE` as their reason and no login is tried; a team
database that asks for a password is not given this one.

A password stored before bindings were kept (or while no team database was chosen) has none.
Its first use binds it to the server it is used for then, with a warning in the log naming
that server: that is the server an older version would have sent it to at that moment anyway,
and holding every alert of every existing user after an upgrade, until each one typed the
password again, would leave alerts unsent that nobody knew were waiting.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from . import secrets
from .errors import UserError

log = logging.getLogger(__name__)

SMTP = "smtp_password"
DATABASE = "database_password"
SMTP_ELSEWHERE = "the SMTP password was set for another server; set it again"
DATABASE_ELSEWHERE = "the database password was set for another server; set it again"
ELSEWHERE = {SMTP: SMTP_ELSEWHERE, DATABASE: DATABASE_ELSEWHERE}


class BoundElsewhere(UserError):
    """The stored password was set for another server than the one it would go to now."""


def smtp_server(email: Mapping[str, Any]) -> dict[str, str]:
    """The e-mail settings an ``smtp_password`` is bound to (the host without case or spaces:
    ``SMTP.Example.com`` is the same server as ``smtp.example.com``)."""
    return {
        "host": str(email.get("host", "")).strip().lower(),
        "port": str(email.get("port", "")),
        "username": str(email.get("username", "")),
        "security": str(email.get("security", "")),
    }


def describe(server: Mapping[str, str]) -> str:
    """The server in words, for the messages that say what a password is bound to."""
    if "dbname" in server:
        host = server.get("host") or "the local socket"
        return f"{server.get('user', '')}@{host}:{server.get('port', '')}/{server['dbname']}"
    who = f" as {server['username']}" if server.get("username") else ""
    return f"{server.get('host', '')}:{server.get('port', '')} ({server.get('security', '')}){who}"


def _text(server: Mapping[str, str]) -> str:
    return json.dumps(dict(server), sort_keys=True, ensure_ascii=False)


def _read(text: str) -> dict[str, str] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def store(name: str, value: str, server: Mapping[str, str] | None) -> None:
    """Store ``value`` bound to ``server`` (None: bound to nothing yet, see the module)."""
    secrets.put(name, value, None if server is None else _text(server))


def password_for(name: str, server: Mapping[str, str]) -> str | None:
    """The stored password when it may go to ``server``; None when none is stored.
    :class:`BoundElsewhere` when it was set for another server (a binding that can't be read
    counts as another server); :class:`.secrets.SecretStoreError` when the keyring can't be
    used. One stored with no binding is bound to ``server`` now (see the module)."""
    value, bound = secrets.get_bound(name)
    if value is None:
        return None
    if bound is None:
        secrets.bind(name, _text(server))
        log.warning(
            "%s had no server recorded (set before passwords were bound, or with no server "
            "chosen); it is bound from now on to %s: set it again if it was meant for another",
            name,
            describe(server),
        )
        return value
    if _read(bound) != dict(server):
        raise BoundElsewhere(ELSEWHERE[name])
    return value
