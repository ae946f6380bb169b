"""Opening the database, SQLite in the data folder or a team's PostgreSQL (:mod:`.engine`):
pragmas for two writers (the app and the command line), migrations by one process at a time,
and the refusal of a database written by a newer version."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

from peewee import DatabaseError, InterfaceError, OperationalError, SqliteDatabase

from ..errors import DataFolderError, NewerDatabase
from ..paths import create_private
from . import engine, team_tls, team_url
from .engine import DatabaseUnreachable, first_line, unreachable
from .migrations import LATEST, STEPS, check_steps
from .models import db
from .team_database import TeamDatabase

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",  # safe with WAL: a power cut may lose the last round, never corrupt
}
BUSY_TIMEOUT_S = engine.BUSY_TIMEOUT_MS / 1000

#: the team database whose schema this process has brought up to date
_ready_for: str | None = None


def open_database(target: Path | str) -> None:
    """Point the shared ``db`` at ``target`` (a SQLite file's Path, or a team's
    ``postgresql://`` URL: any other text is refused, exit 2, before anything is made), set it
    up and bring its schema up to date. A new file is made readable by its owner only (SQLite
    gives its WAL and SHM files the same mode)."""
    close_database()
    if isinstance(target, str):
        _open_team(target)
        return
    path = Path(target)
    try:
        create_private(path)
    except OSError as exc:
        raise DataFolderError(f"database {path} can't be created: {exc.strerror}") from None
    db.initialize(SqliteDatabase(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S))
    try:
        db.connect(reuse_if_open=True)
        _migrate(path)
    except DataFolderError:
        db.close()
        raise
    except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
        db.close()
        raise DataFolderError(f"database {path} can't be used: {exc}") from None


def close_database() -> None:
    """Close this thread's connection (one that broke is let go of quietly), so that the next
    query opens a new one: after a team database went away, peewee would keep the broken one."""
    if db.obj is None:
        return
    try:
        if not db.is_closed():
            db.close()
    except (DatabaseError, InterfaceError, OperationalError):
        db.obj._state.reset()


def _open_team(url: str) -> None:
    """Point ``db`` at the team database and get it ready. When it can't be reached the
    ``db`` still points at it (DatabaseUnreachable is raised): :func:`reach` tries again."""
    global _ready_for
    url = team_url.check_url(url)
    _ready_for = None
    db.initialize(TeamDatabase(url, **team_tls.connect_params(url)))
    _get_ready(url)


def _get_ready(url: str) -> None:
    """Connect this thread and bring the schema up to date (by one process at a time)."""
    global _ready_for
    connect_team(url)
    try:
        found = schema_version()
        if found >= LATEST:  # up to date (or newer: refused): no lock taken, one round trip
            _migrate(url, found)
        else:
            engine.take_lock(engine.MIGRATE_LOCK, session=True)
            try:
                _migrate(url)
            finally:
                db.execute_sql("SELECT pg_advisory_unlock(%s)", (engine.MIGRATE_LOCK,))
    except DataFolderError:
        close_database()
        raise
    except Exception as exc:
        close_database()
        if _connection_failed(exc):
            raise unreachable(url, exc) from None
        if isinstance(exc, DatabaseError):
            raise DataFolderError(
                f"database {engine.shown(url)} can't be used: "
                f"{team_url.scrubbed(first_line(exc), url)}"
            ) from None
        raise
    _ready_for = url


def reach() -> None:
    """Try the team database again from this thread, on a connection of its own made afresh:
    connected (and its schema brought up to date if opening it had failed), or
    DatabaseUnreachable. The app's retry while it can't be reached (gui.poller)."""
    if not engine.is_team():
        return
    url = db.obj.database
    close_database()
    if _ready_for != url:
        _get_ready(url)
        return
    with reaching():
        connect_team(url)
        db.execute_sql("SELECT 1")


@contextlib.contextmanager
def reaching() -> Iterator[None]:
    """Around a command, a round or the app's reading: on a team database a connection that
    fails (refused, the login refused, the server gone mid-round or restarting) becomes
    DatabaseUnreachable (exit 4) saying so in one line, and this thread's connection is let go
    so that the next use connects afresh. The transaction it was in is lost whole (nothing is
    half stored). SQLite's errors pass unchanged."""
    try:
        yield
    except Exception as exc:
        lost = lost_connection(exc)
        if lost is None or lost is exc:
            raise
        raise lost from None


def lost_connection(exc: BaseException) -> DatabaseUnreachable | None:
    """``exc`` as the one line saying the team database can't be reached when it is its
    connection failing (this thread's connection is let go then), else None."""
    given = _given_up(exc)
    if given is not None:
        close_database()
        return given
    if isinstance(exc, SystemError) and exc.__cause__ is not None:
        exc = exc.__cause__  # psycopg2 cut off mid-COPY: "decode returned ... an exception set"
    if not (engine.is_team() and _connection_failed(exc)):
        return None
    while exc.__context__ is not None and _connection_failed(exc.__context__):
        exc = exc.__context__  # the reason, not the rollback's "connection already closed"
    url = db.obj.database
    close_database()
    log.warning(
        "database %s can't be reached: %s",
        engine.shown(url),
        team_url.scrubbed(first_line(exc), url),
    )
    return unreachable(url, exc)


def _given_up(exc: BaseException | None) -> DatabaseUnreachable | None:
    """The DatabaseUnreachable ``exc`` is, or that the error raised after it was about (a
    statement past its deadline, then the rollback on the connection it left closed)."""
    while exc is not None:
        if isinstance(exc, DatabaseUnreachable):
            return exc
        exc = exc.__context__ if _connection_failed(exc) else None
    return None


def _connection_failed(exc: BaseException) -> bool:
    """Whether a team database error is its connection's (psycopg2's own errors come raw from
    a batch or a rollback, peewee's wrapped)."""
    if isinstance(exc, OperationalError | InterfaceError):
        return True
    psycopg2 = sys.modules.get("psycopg2")
    return psycopg2 is not None and isinstance(
        exc, psycopg2.OperationalError | psycopg2.InterfaceError
    )


def shown_target() -> str | None:
    """The team database in use as messages show it (password as ``***``); None on SQLite."""
    return engine.shown(db.obj.database) if engine.is_team() else None


def connect_team(url: str) -> None:
    """Connect this thread to the team database (:func:`.connection.connect`: the keyring's
    ``database_password`` is used when libpq has none of its own and the server asks for one);
    DatabaseUnreachable when it can't."""
    try:
        db.connect(reuse_if_open=True)
    except (OperationalError, InterfaceError) as exc:
        raise unreachable(url, exc) from None


#: the schema version on PostgreSQL in one round trip, 0 before the table exists: the table is
#: read only once to_regclass has found it (a name that may not exist can't be written as such)
_TEAM_VERSION = (
    "SELECT CASE WHEN to_regclass('schema_version') IS NULL THEN 0 ELSE coalesce(("
    "xpath('/row/v/text()', query_to_xml('SELECT max(version) AS v FROM schema_version',"
    " false, true, '')))[1]::text::int, 0) END"
)


def team_schema_version(conn) -> int:
    """The schema version of the team database on ``conn``, a connection of its own made by
    :func:`.connection.connect` (its deadline holds), 0 before the table exists: ``doctor``
    reads it so, beside whatever the process has open."""
    with conn.cursor() as cursor:
        cursor.execute(_TEAM_VERSION)
        return int(cursor.fetchone()[0])


def schema_version() -> int:
    if engine.is_team():
        return int(db.execute_sql(_TEAM_VERSION).fetchone()[0])
    if "schema_version" not in db.get_tables():
        return 0
    row = db.execute_sql("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def _migrate(path: Path | str, found: int | None = None) -> None:
    """Bring the schema up to date (``found``: its version as just read, if it was)."""
    team = engine.is_team()
    shown = engine.shown(str(path)) if team else path
    found = schema_version() if found is None else found
    if found > LATEST:
        todo = (
            "upgrade djamon-desktop on this desktop (another desktop of the team runs a newer one)"
            if team
            else "install the newer version or use another data folder"
        )
        raise NewerDatabase(
            f"database {shown} was written by a newer djamon-desktop (schema {found}; this "
            f"version knows up to {LATEST}); {todo}"
        )
    if found == LATEST:
        return  # up to date: no writer's turn taken (every command opens the database)
    if 0 < found < LATEST and not team:
        _backup(Path(path), found)
    for version, step in check_steps(STEPS):
        with engine.writing():
            current = schema_version()  # another process may have migrated meanwhile
            if current >= version:
                continue
            log.info("migrating %s to schema %d", shown, version)
            step(db)
            db.execute_sql("DELETE FROM schema_version")
            db.execute_sql(
                f"INSERT INTO schema_version (version) VALUES ({engine.marks()})", (version,)
            )


def _backup(path: Path, version: int) -> None:
    target = path.with_name(f"{path.name}.schema{version}.bak")
    if target.exists():
        return
    log.info("copying %s to %s before migrating", path, target)
    create_private(target)
    with sqlite3.connect(target) as copy:
        db.connection().backup(copy)
    copy.close()
