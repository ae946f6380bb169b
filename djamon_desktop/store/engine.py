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
import io
import itertools
import os
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import unquote, urlsplit

from peewee import PostgresqlDatabase

from ..errors import UserError
from .models import db

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
def writing() -> Iterator[None]:
    """One write transaction, taken in turn with every other writer (any process, any desktop).
    Nested inside another it is a savepoint of it.

    On PostgreSQL one that changed something also tells every listening desktop
    (:mod:`.changes`): the notice is delivered at commit, dropped on rollback, and the notices of
    one transaction arrive as one."""
    if not is_team():
        with db.atomic("IMMEDIATE"):
            yield
        return
    with db.atomic():
        db.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK,))
        yield
        db.execute_sql(_NOTIFY)


_prepared = itertools.count(1)
#: an INSERT of one row of ``?`` (``rest``: what follows its VALUES, such as ON CONFLICT)
_INSERT = re.compile(
    r'\s*INSERT\s+INTO\s+(?P<table>"?\w+"?)\s*\((?P<columns>[^()]*)\)'
    r"\s*VALUES\s*\(\s*\?(?:\s*,\s*\?)*\s*\)(?P<rest>[^?]*)\Z",
    re.IGNORECASE | re.DOTALL,
)
#: what COPY's text format escapes in a value
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def executemany(sql: str, rows: Sequence[Sequence]) -> None:
    """One statement for many rows (``?`` placeholders), in as few round trips as the engine
    allows.

    On PostgreSQL an INSERT of one row of ``?`` goes as COPY: straight into its table, or, one
    with more to say (``ON CONFLICT``), into a temporary table of this connection that one
    ``INSERT … SELECT`` then takes the rows from, so an upsert must not meet the same key
    twice among them. A round's 1,000 rows take a tenth of the time they take one at a time."""
    if not rows:
        return
    if not is_team():
        db.cursor().executemany(sql, rows)
        return
    insert = _INSERT.match(sql)
    cursor = db.cursor()
    if insert:
        table, columns, rest = insert["table"], insert["columns"], insert["rest"].strip()
        if not rest:
            _copy(cursor, table, columns, rows)
            return
        staged = _staging(cursor, f"{table}({columns})", query=f"SELECT {columns} FROM {table}")
        _copy(cursor, staged, columns, rows)
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staged} {rest};"
            f" DELETE FROM {staged}"
        )
        return
    from psycopg2.extras import execute_batch

    # Prepared once, so the server plans it once instead of once a row. A prepared statement
    # outlives a rolled-back transaction: each gets a name of its own, let go of once it has
    # done its work.
    name = f"djamon_many_{next(_prepared)}"
    numbers = iter(range(1, sql.count("?") + 1))
    cursor.execute(f"PREPARE {name} AS " + re.sub(r"\?", lambda _: f"${next(numbers)}", sql))
    marks = ", ".join(["%s"] * len(rows[0]))
    execute_batch(cursor, f"EXECUTE {name} ({marks})", rows, page_size=200)
    cursor.execute(f"DEALLOCATE {name}")


def update_many(
    table: str, columns: Sequence[tuple[str, str]], assignments: str, rows: Sequence[Sequence]
) -> None:
    """Update rows of ``table`` by their ``id``, one row of values each. ``columns`` names each
    value and its SQL type, the row's id last; ``assignments`` is the SET list, naming the
    values ``v.NAME`` and the table's own columns by the table's name (``site.last_seen``).

    SQLite runs it once a row (as :func:`executemany`); PostgreSQL copies the rows into a
    temporary table and runs one ``UPDATE … FROM`` it, so each id must come once."""
    if not rows:
        return
    names = [name for name, _type in columns]
    if not is_team():
        number = {name: index for index, name in enumerate(names, 1)}
        sets = re.sub(r"\bv\.(\w+)\b", lambda m: f"?{number[m[1]]}", assignments)
        db.cursor().executemany(f"UPDATE {table} SET {sets} WHERE id = ?{len(names)}", rows)
        return
    cursor = db.cursor()
    typed = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    staged = _staging(cursor, f"{table}({typed})", columns=f"({typed})")
    _copy(cursor, staged, ", ".join(names), rows)
    cursor.execute(
        f"UPDATE {table} SET {assignments} FROM {staged} v WHERE {table}.id = v.{names[-1]};"
        f" DELETE FROM {staged}"
    )


def _staging(cursor, shape: str, columns: str = "", query: str = "") -> str:
    """A temporary table of this connection for rows of ``shape``, with ``columns`` (typed) or
    those of ``query``, its name. Made the first time; it lasts as long as the connection and
    is emptied at each commit."""
    name = f"djamon_rows_{zlib.crc32(shape.encode()):08x}"
    made = f"AS {query} WITH NO DATA" if query else ""
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} {columns} ON COMMIT DELETE ROWS {made}"
    )
    return name


def _copy(cursor, table: str, columns: str, rows: Sequence[Sequence]) -> None:
    """Rows into ``table`` by COPY, in its text format."""
    text = _COPY_TEXT.get
    lines = ("\t".join([text(type(v), _copy_text)(v) for v in row]) + "\n" for row in rows)
    cursor.copy_expert(f"COPY {table} ({columns}) FROM STDIN", io.StringIO("".join(lines)))


def _copy_text(value: object) -> str:
    """A value as COPY's text format writes it (the plain types by :data:`_COPY_TEXT`)."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))  # as exact as a parameter; inf and nan as PostgreSQL reads them
    if isinstance(value, bytes | bytearray | memoryview):
        return "\\\\x" + bytes(value).hex()
    return str(value).translate(_COPY_ESCAPES)


#: the plain types' COPY text, by type (a round formats 30,000 values inside its turn)
_COPY_TEXT: dict[type, Callable[[Any], str]] = {
    type(None): lambda _value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    float: repr,
    str: lambda value: value.translate(_COPY_ESCAPES),
    bytes: lambda value: "\\\\x" + value.hex(),
}


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


def url_user_host(url: str) -> str:
    parts = urlsplit(url)
    return unquote(parts.hostname or "localhost")
