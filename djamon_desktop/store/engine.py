"""The two engines behind the one ``db``: SQLite in the data folder (the default) and a team's
PostgreSQL. Everything that differs between them lives here and in the store's own modules:
how a writer takes its turn, how placeholders are written, how a team URL is read and shown.

Writers take turns on both engines. SQLite does it with ``BEGIN IMMEDIATE``; on PostgreSQL a
write transaction first takes one transaction-scoped advisory lock, so the read-then-write rules
(open one outage, add a site to it once, queue each alert once) hold with many desktops writing,
exactly as they hold with the app and ``check`` sharing a file.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from peewee import PostgresqlDatabase

from ..errors import UserError
from .models import db

if TYPE_CHECKING:
    from .bulk import Staged

#: advisory lock keys (any two fixed numbers of ours): writers' turn, migrations, the purge
WRITE_LOCK = 0x646A_6D01
MIGRATE_LOCK = 0x646A_6D02
PURGE_LOCK = 0x646A_6D03
CONNECT_TIMEOUT_S = 10
ENV_URL = "DJAMON_DATABASE_URL"
SCHEMES = ("postgresql://", "postgres://")
#: the channel a team database's writers notify and desktops listen on
CHANNEL = "djamon_desktop"
# only a transaction that changed a row has a transaction ID (taking the advisory lock or a
# write that matched nothing gives none): one that changed nothing tells nobody
_NOTIFY = f"SELECT pg_notify('{CHANNEL}', '') WHERE txid_current_if_assigned() IS NOT NULL"


class DatabaseUnreachable(UserError):
    """A team database that is down, refuses the login or does not answer: exit 4."""

    exit_code = 4


class TeamDatabase(PostgresqlDatabase):
    """PostgreSQL through psycopg2. The store's own SQL is written with ``?`` placeholders (as
    SQLite takes them); they are turned into psycopg's ``%s`` here."""

    def execute_sql(self, sql, params=None, *args, **kwargs):
        if params and "?" in sql:
            sql = sql.replace("%", "%%").replace("?", "%s")
        return super().execute_sql(sql, params, *args, **kwargs)


def is_team() -> bool:
    """Whether the open database is a team's PostgreSQL."""
    return isinstance(db.obj, PostgresqlDatabase)


@contextlib.contextmanager
def writing(staged: Sequence[Staged] = ()) -> Iterator[None]:
    """One write transaction, taken in turn with every other writer (any process, any desktop).
    Nested inside another it is a savepoint of it.

    ``staged``: rows no other writer's work decides (:class:`.bulk.Staged`, such as a round's
    checks), handed to the database in the same transaction before the turn is taken, so the
    turn is held only for the part that reads what others wrote and writes upon it.

    On PostgreSQL one that changed something also tells every listening desktop
    (:mod:`.changes`): the notice is delivered at commit, dropped on rollback, and the notices of
    one transaction arrive as one."""
    if not is_team():
        with db.atomic("IMMEDIATE"):
            yield
        return
    with db.atomic():
        for rows in staged:
            rows.stage()
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        yield
        db.execute_sql(_NOTIFY)


# -- a team URL ---------------------------------------------------------------------------


def is_team_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(SCHEMES)


def shown(url: str) -> str:
    """The URL as messages show it: a password in it is ``***``."""
    parts = urlsplit(url)
    if parts.password is None:
        return _hide_query_password(url)
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{user}:***@{host}"
    return _hide_query_password(parts._replace(netloc=netloc).geturl())


def _hide_query_password(url: str) -> str:
    return re.sub(r"([?&]password=)[^&]*", r"\1***", url)


def check_url(url: str) -> str:
    """The URL as libpq takes it, or UserError (exit 2) saying what is wrong with it."""
    if not is_team_url(url):
        raise UserError(f"database URL {shown(url)!r}: use postgresql://USER@HOST:PORT/DBNAME")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    from psycopg2 import ProgrammingError
    from psycopg2.extensions import parse_dsn

    try:
        params = parse_dsn(url)
    except ProgrammingError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "not a libpq URL"
        raise UserError(f"database URL {shown(url)}: {reason}") from None
    if not params.get("dbname"):
        raise UserError(f"database URL {shown(url)}: name the database (…/DBNAME)")
    try:
        urlsplit(url).port  # noqa: B018 - a bad port raises here
    except ValueError as exc:
        raise UserError(f"database URL {shown(url)}: {exc}") from None
    return url


def connect_params(url: str) -> dict:
    """What psycopg2 is given besides the URL: a connect timeout unless the URL sets one, and
    keepalives so a server that vanished mid-round is noticed rather than waited on forever."""
    params = _url_params(url)
    extra: dict = {}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    if "tcp_user_timeout" not in params:
        extra["tcp_user_timeout"] = CONNECT_TIMEOUT_S * 1000
    if "keepalives_idle" not in params:
        extra.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=2)
    if "application_name" not in params:
        extra["application_name"] = "djamon-desktop"
    return extra


def _url_params(url: str) -> dict[str, str]:
    from psycopg2.extensions import parse_dsn

    return parse_dsn(url)


def needs_password(url: str) -> bool:
    """Whether libpq would have no password of its own for this URL (none in the URL, no
    ``PGPASSWORD``); ``~/.pgpass`` is left to libpq and tried first."""
    return "password" not in _url_params(url) and not os.environ.get("PGPASSWORD")
