"""The two engines behind the one ``db``: SQLite in the data folder (the default) and a team's
PostgreSQL. Everything that differs between them lives here and in the store's own modules:
how a writer takes its turn; a team URL is read and shown by :mod:`.team_url`, the team's
database itself (placeholders, a connection lost while idle) is :mod:`.team_database`'s, and a
team connection is made (with its deadline) by :mod:`.connection`.

Writers take turns on both engines. SQLite does it with ``BEGIN IMMEDIATE``; on PostgreSQL a
write transaction first takes one transaction-scoped advisory lock, so the read-then-write rules
(open one outage, add a site to it once, queue each alert once) hold with many desktops writing,
exactly as they hold with the app and ``check`` sharing a file.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from typing import Protocol

from peewee import OperationalError, PostgresqlDatabase

from ..errors import UserError
from .models import db

# the team URL's helpers, under the names the store has always used
from .team_tls import connect_params  # noqa: F401 - kept for the modules that use it from here
from .team_url import (  # noqa: F401 - names kept for the modules that use them from here
    CONNECT_TIMEOUT_S,
    SCHEMES,
    check_url,
    is_team_url,
    needs_password,
    scrubbed,
    shown,
)


class Stages(Protocol):
    """Rows handed to the database before the writers' turn (:class:`.bulk.Staged`)."""

    def stage(self) -> None: ...


log = logging.getLogger(__name__)

#: advisory lock keys (any two fixed numbers of ours): writers' turn, migrations, the purge
WRITE_LOCK = 0x646A_6D01
MIGRATE_LOCK = 0x646A_6D02
PURGE_LOCK = 0x646A_6D03
#: seconds a team database may take to answer a statement, COPY, commit or rollback (and the
#: listener's heartbeat) before it counts as unreachable (:mod:`.connection`); tests may lower it
DEADLINE_S = 10.0
#: the channel a team database's writers notify and desktops listen on
CHANNEL = "djamon_desktop"
# only a transaction that changed a row has a transaction ID (taking the advisory lock or a
# write that matched nothing gives none): one that changed nothing tells nobody
NOTIFY = f"SELECT pg_notify('{CHANNEL}', '') WHERE txid_current_if_assigned() IS NOT NULL"


class DatabaseUnreachable(UserError):
    """A team database that is down, refuses the login or does not answer: exit 4."""

    exit_code = 4


def unreachable(url: str, exc: Exception) -> DatabaseUnreachable:
    """The one line that says a team database could not be used, its password as ``***`` (in
    the URL and in what the driver quoted of it)."""
    line = scrubbed(first_line(exc), url)
    return DatabaseUnreachable(f"database {shown(url)} can't be reached: {line}")


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    line = text.splitlines()[0] if text else type(exc).__name__
    return line.removeprefix("connection to server at ").strip()


def is_team() -> bool:
    """Whether the open database is a team's PostgreSQL."""
    return isinstance(db.obj, PostgresqlDatabase)


def marks(count: int = 1) -> str:
    """``count`` placeholders of the open database, comma-separated: peewee's ``param``, ``?``
    for SQLite and ``%s`` for psycopg2. Hand-written SQL with parameters is written with these,
    so it reaches the driver as written: a ``?`` that is no placeholder (in a string literal,
    PostgreSQL's jsonb ``?`` operator) stays what it is. psycopg2 reads a literal ``%`` in a
    statement sent with parameters as ``%%``: such a statement says it per engine."""
    return ", ".join([db.param] * count)


@contextlib.contextmanager
def writing(staged: Sequence[Stages] = ()) -> Iterator[None]:
    """One write transaction, taken in turn with every other writer (any process, any desktop).
    Nested inside another it is a savepoint of it.

    ``staged``: rows no other writer's work decides (:class:`.bulk.Staged`, such as a round's
    checks), handed to the database in the same transaction before the turn is taken, so the
    turn is held only for the part that reads what others wrote and writes upon it.

    On PostgreSQL one that changed something also tells every listening desktop
    (:mod:`.changes`): the notice is delivered at commit, dropped on rollback, and the notices of
    one transaction arrive as one."""
    if not is_team():
        with contextlib.ExitStack() as turn:
            _sqlite_turn(turn)
            yield
        return
    with db.atomic():
        for rows in staged:
            rows.stage()
        take_lock(WRITE_LOCK)
        yield
        db.execute_sql(NOTIFY)


#: SQLite's busy timeout as the program sets it: one try's wait for the writers' turn
BUSY_TIMEOUT_MS = 15_000


def _sqlite_turn(turn: contextlib.ExitStack) -> None:
    """``BEGIN IMMEDIATE`` (a savepoint inside another transaction), waiting as long as another
    writer holds the turn: the busy timeout is one try's wait, tried again as often as it runs
    out, so a round that meets a long import stores its round once the import lets it in,
    never failing with "database is locked". A busy timeout the connection set itself (other
    than the program's) is kept to, as a team database's own ``lock_timeout`` is."""
    while True:
        try:
            turn.enter_context(db.atomic("IMMEDIATE"))
            return
        except OperationalError as exc:
            if db.in_transaction() or "database is locked" not in str(exc):
                raise
            if db.execute_sql("PRAGMA busy_timeout").fetchone()[0] != BUSY_TIMEOUT_MS:
                raise
            log.info("database: another writer holds its turn; waiting on")


def take_lock(key: int, session: bool = False) -> None:
    """Take the advisory lock ``key`` on the team database: this transaction's, or with
    ``session`` this connection's until ``pg_advisory_unlock``. Waited for as long as another
    holds it (an import, a purge or a migration may keep it for minutes), yet every statement
    is answered within the deadline (:data:`DEADLINE_S`): the wait is made of slices of the
    server's ``lock_timeout`` half as long, so a silent server is still told from a busy one.
    Uncontended, it costs one round trip, as a plain lock does. A ``lock_timeout`` the session
    set itself is kept to: the lock is then waited for plainly, given up at that timeout."""
    kind = "" if session else "xact_"
    got, before = db.execute_sql(
        f"SELECT pg_try_advisory_{kind}lock(%s), current_setting('lock_timeout')", (key,)
    ).fetchone()
    if not got and before != "0":
        db.execute_sql(f"SELECT pg_advisory_{kind}lock(%s)", (key,))
        return
    slice_ms = str(max(50, int(DEADLINE_S * 500)))
    while not got:
        inside = db.in_transaction()
        try:
            if inside:  # a slice's lock_timeout is undone, the lock kept
                db.execute_sql(
                    "SAVEPOINT djamon_lock; SELECT set_config('lock_timeout', %s, true); "
                    f"SELECT pg_advisory_{kind}lock(%s); RELEASE SAVEPOINT djamon_lock; "
                    "SELECT set_config('lock_timeout', '0', true)",
                    (slice_ms, key),
                )
            else:  # one implicit transaction: its lock_timeout ends with it
                db.execute_sql(
                    "SELECT set_config('lock_timeout', %s, true); "
                    f"SELECT pg_advisory_{kind}lock(%s)",
                    (slice_ms, key),
                )
            got = True
        except OperationalError as exc:
            if not _lock_timed_out(exc):
                raise
            if inside:
                db.execute_sql("ROLLBACK TO SAVEPOINT djamon_lock; RELEASE SAVEPOINT djamon_lock")


def in_turn(cursor, sql: str, params: dict | None = None) -> None:
    """Run ``sql`` in a transaction that begins with the writers' turn, in one round trip
    (``BEGIN``, the turn, then ``sql``, which ends with ``COMMIT`` or leaves the transaction
    open). The turn is waited for as :func:`take_lock` waits: in slices of half the deadline,
    each answered, so a writer holding it for minutes (an import) is waited out and a silent
    server is still told apart; nothing was done before the turn, so a slice that ran out is
    rolled back and tried again. A ``lock_timeout`` the session set itself is kept to."""
    slice_ms = max(50, int(DEADLINE_S * 500))
    head = (
        "BEGIN; SELECT set_config('djamon.lock_timeout', current_setting('lock_timeout'), true);"
        " SELECT set_config('lock_timeout', CASE current_setting('djamon.lock_timeout')"
        f" WHEN '0' THEN '{slice_ms}' ELSE current_setting('djamon.lock_timeout') END, true);"
        f" SELECT pg_advisory_xact_lock({WRITE_LOCK});"
        " SELECT set_config('lock_timeout', current_setting('djamon.lock_timeout'), true); "
    )
    while True:
        try:
            cursor.execute(head + sql, params)
            return
        except Exception as exc:
            with contextlib.suppress(Exception):  # the connection may be gone: rolled back
                cursor.execute("ROLLBACK")
            if not _lock_timed_out(exc):
                raise
            cursor.execute("SHOW lock_timeout")
            if cursor.fetchone()[0] != "0":  # the session's own timeout ran out: as it asked
                raise


def _lock_timed_out(exc: BaseException) -> bool:
    """Whether ``exc`` is the server's lock_timeout (SQLSTATE 55P03), peewee's or psycopg2's."""
    causes = [exc, exc.__context__, *(exc.args[:1] if exc.args else ())]
    return any(getattr(cause, "pgcode", None) == "55P03" for cause in causes)
