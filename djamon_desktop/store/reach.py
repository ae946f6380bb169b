"""Trying a team database without switching to it (the Team tab's "Test connection"): one
connection of its own, never the shared ``db``, closed at once. The password is found as when
the database is used: the URL's, else libpq's own (``PGPASSWORD``, ``~/.pgpass``), else the one
being typed or the keyring's ``database_password``."""

from __future__ import annotations

from collections.abc import Callable

from ..errors import UserError
from . import engine, team_url
from .database import unreachable
from .migrations import LATEST
from .models import db

#: where the Team tab looks for a password libpq does not have, for its message
LOOKED_IN = "URL, PGPASSWORD, ~/.pgpass, the Password field or the keyring"


def database_in_use() -> str:
    """The open database: a team's URL without its password, or the SQLite file's path ("" when
    none is open)."""
    if db.obj is None:
        return ""
    if not engine.is_team():
        return str(db.obj.database)
    return team_url.without_password(str(db.obj.database))[0]


def try_team(url: str, password: Callable[[], str | None]) -> str:
    """One line saying what was reached (server version, user, the schema's state); raises
    UserError for a URL libpq can't read and DatabaseUnreachable with the reason (password as
    ``***``). ``password`` is asked only when the server wants one libpq does not have."""
    from .connection import PasswordSource, connect

    url = team_url.check_url(url)
    connection = connect(url, PasswordSource(lambda _url: password(), LOOKED_IN))
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), current_user")
            version, user = cursor.fetchone()
            cursor.execute("SELECT to_regclass('schema_version') IS NOT NULL")
            found = 0
            if cursor.fetchone()[0]:
                cursor.execute("SELECT max(version) FROM schema_version")
                found = int(cursor.fetchone()[0] or 0)
    except UserError:
        raise  # DatabaseUnreachable: no answer in time
    except Exception as exc:  # psycopg2's errors: the server went away, no rights...
        raise unreachable(url, exc) from None
    finally:
        connection.close()
    return f"Reached PostgreSQL {version.split()[0]} as {user}; {schema_state(found)}."


def schema_state(found: int) -> str:
    if found == 0:
        return "no djamon-desktop tables yet: they are made on first use"
    if found < LATEST:
        return f"schema {found}, brought up to {LATEST} on first use"
    if found > LATEST:
        return (
            f"schema {found} was written by a newer djamon-desktop (this one knows up to "
            f"{LATEST}): install the newer version"
        )
    return f"schema {found}, up to date"
