"""A connection to a team's PostgreSQL, and the one way it is opened (:func:`connect`, for the
command line, the app and the Team tab alike): libpq's own password (the URL, ``PGPASSWORD``,
``~/.pgpass``), else one a password source gives.

This module loads psycopg2: only a team database's code imports it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import psycopg2
from psycopg2 import extensions

from .engine import DatabaseUnreachable
from .team_url import connect_params, needs_password, shown


class Connection(extensions.connection):
    """psycopg2's connection. ``url`` is what messages name (shown with its password as
    ``***``); ``password`` the one a password source gave (None when libpq found its own)."""

    url = ""
    password: str | None = None


# -- connecting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordSource:
    """Where a password comes from when the server asks for one libpq does not have (not in the
    URL, no ``PGPASSWORD``, nothing in ``~/.pgpass``): ``get`` returns it or None; ``where``
    names the places for the message when there is none."""

    get: Callable[[], str | None]
    where: str


def _keyring_password() -> str | None:
    from .. import secrets

    try:
        return secrets.get("database_password")
    except Exception:  # the keyring's own message would say no more than "none found"
        return None


#: the command line's and the app's source: the keyring's ``database_password``
KEYRING = PasswordSource(
    _keyring_password, "URL, PGPASSWORD, ~/.pgpass or the keyring's database_password"
)


def connect(url: str, password_source: PasswordSource = KEYRING, **params) -> Connection:
    """A connection to the team database at ``url`` (a URL :func:`.team_url.check_url`
    accepted), with :func:`.team_url.connect_params` and ``params`` (they win). When the
    server asks for a password libpq does not have, ``password_source`` is asked and the
    connect tried once more. Anything that keeps it from connecting (refused,
    no answer within the connect timeout, the login refused, no password anywhere) is
    :class:`~.engine.DatabaseUnreachable` in one line, the password as ``***``."""
    params = {**connect_params(url), **params}
    try:
        return _connected(url, params)
    except psycopg2.Error as exc:
        asked = "no password supplied" in str(exc)
        if not asked or "password" in params or not needs_password(url):
            raise _refused(url, exc) from None
    given = password_source.get()
    if not given:
        raise DatabaseUnreachable(
            f"database {shown(url)} can't be reached: it asks for a password and none was "
            f"found ({password_source.where})"
        )
    try:
        conn = _connected(url, {**params, "password": given})
    except psycopg2.Error as exc:
        raise _refused(url, exc) from None
    conn.password = given
    return conn


def _connected(url: str, params: dict) -> Connection:
    conn = psycopg2.connect(url, connection_factory=Connection, **params)
    conn.url = url
    return conn


def _refused(url: str, exc: Exception) -> DatabaseUnreachable:
    from .database import unreachable

    return unreachable(url, exc)
