"""``copy-database``: everything in the open database (normally the data folder's SQLite file)
into an empty team database, in one transaction.

The copy knows no table by name. The target's schema is made by the same migrations as the
source's, so both are at the same version; the tables, their columns and the order their foreign
keys ask for are read from the target, and each column's values are put in the target's terms
(SQLite's 0/1 become booleans; blobs go as bytea). Serial ids are copied as they are, and each
id sequence is then set past the highest copied id, so later rows get new ones.

A target where any of our tables already holds a row is refused before anything is written (and
again inside the transaction, in case another desktop started on it meanwhile).
"""

from __future__ import annotations

import contextlib
import io
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from graphlib import TopologicalSorter

from peewee import Database, DatabaseError, InterfaceError, OperationalError

from ..errors import UserError
from . import engine
from .bulk import copy_lines
from .database import close_database, connect_team, open_database, unreachable
from .models import db
from .team_database import TeamDatabase

#: rows read and written at a time
BATCH = 5000
#: a long table reports its progress every so many rows
PROGRESS_EVERY = 100_000
_SKIPPED = {"schema_version"}

#: progress(table, rows copied so far, rows in the table)
Progress = Callable[[str, int, int], None]


@dataclass
class Copied:
    """What a copy wrote: rows per table, in the order they were copied."""

    url: str
    rows: dict[str, int] = field(default_factory=dict)


class _SourceFailed(Exception):
    """Reading the current database failed (its error is the cause)."""


def copy_to(url: str, progress: Progress | None = None) -> Copied:
    """Copy the open database into the empty PostgreSQL database at ``url``: all of it in one
    transaction, or nothing. UserError (exit 2) for a bad URL, a target that holds data or a row
    the target refuses; DatabaseUnreachable (exit 4) when it can't be reached."""
    url = engine.check_url(url)
    source = db.obj
    copied = Copied(engine.shown(url))
    if isinstance(source, TeamDatabase) and _same(source.database, url):
        raise UserError(
            f"copy-database: {copied.url} is the database in use, the copy's source; run "
            "copy-database before choosing the team database"
        )
    tables = [t for t in source.get_tables() if t not in _SKIPPED]
    try:
        _probe(url, tables)  # a used database is refused before a migration touches it
        open_database(url)  # creates the schema, at the source's version
        with _reading(source), engine.writing():
            _refuse_data(url, tables)
            for table in _in_key_order(db.obj):
                copied.rows[table] = _copy_table(source, table, progress)
            _advance_sequences(db.obj)
    except _SourceFailed as failed:
        raise UserError(
            f"copy-database: the current database can't be read: {_line(failed.__cause__)}; "
            f"nothing was copied to {copied.url}"
        ) from None
    except (OperationalError, InterfaceError) as exc:
        raise unreachable(url, exc) from None
    except DatabaseError as exc:
        raise UserError(_refused(copied, "", exc)) from None
    except _TableFailed as failed:
        cause = failed.__cause__
        if _lost_connection(cause):
            raise unreachable(url, cause) from None
        raise UserError(_refused(copied, failed.table, cause)) from None
    finally:
        close_database()
        db.initialize(source)
    return copied


class _TableFailed(Exception):
    def __init__(self, table: str):
        super().__init__(table)
        self.table = table


def _refused(copied: Copied, table: str, exc: BaseException | None) -> str:
    where = f" table {table}:" if table else ""
    return (
        f"copy-database:{where} the target refused a row ({_line(exc)}); "
        f"nothing was copied to {copied.url}"
    )


def _same(one: str, other: str) -> bool:
    """Whether two URLs name the same database (host, port and name)."""
    from psycopg2.extensions import parse_dsn

    def where(url: str) -> tuple[str, str, str]:
        params = parse_dsn(url)
        return params.get("host", ""), params.get("port", "5432"), params.get("dbname", "")

    return where(one) == where(other)


def _lost_connection(exc: BaseException | None) -> bool:
    import psycopg2

    return isinstance(exc, (psycopg2.OperationalError, psycopg2.InterfaceError))


def _line(exc: BaseException | None) -> str:
    text = str(exc or "").strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _probe(url: str, tables: list[str]) -> None:
    """Refuse a target that holds data, before its schema is created or migrated."""
    db.initialize(TeamDatabase(url, **engine.connect_params(url)))
    try:
        connect_team(url)
        _refuse_data(url, tables)
    except (OperationalError, InterfaceError) as exc:
        raise unreachable(url, exc) from None
    finally:
        close_database()


def _refuse_data(url: str, tables: list[str]) -> None:
    present = set(db.get_tables())
    used = [
        t
        for t in tables
        if t in present and db.execute_sql(f'SELECT EXISTS (SELECT 1 FROM "{t}")').fetchone()[0]
    ]
    if used:
        raise UserError(
            f"copy-database: {engine.shown(url)} already holds data (in {', '.join(used)}); "
            "copy into a new, empty database. Nothing was changed"
        )


@contextlib.contextmanager
def _reading(source: Database) -> Iterator[None]:
    """One read transaction on the source, so the copy is of one moment even while the app or
    ``check`` writes it."""
    try:
        source.connect(reuse_if_open=True)
        source.begin()
        if isinstance(source, TeamDatabase):
            source.execute_sql("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    except (DatabaseError, sqlite3.Error) as exc:
        raise _SourceFailed from exc
    try:
        yield
    finally:
        with contextlib.suppress(DatabaseError, sqlite3.Error):
            source.rollback()  # it only read


def _in_key_order(target: Database) -> list[str]:
    """The target's tables, each after the tables its foreign keys point to."""
    graph = TopologicalSorter()
    for table in sorted(set(target.get_tables()) - _SKIPPED):
        graph.add(table, *{fk.dest_table for fk in target.get_foreign_keys(table)} - {table})
    return list(graph.static_order())


def _copy_table(source: Database, table: str, progress: Progress | None) -> int:
    """One table's rows, a batch at a time through ``COPY ... FROM STDIN`` (several times
    faster than INSERTs for a long check history)."""
    import psycopg2

    columns = db.obj.get_columns(table)
    names = ", ".join(f'"{c.name}"' for c in columns)
    booleans = [c.data_type == "boolean" for c in columns]
    total, batches = _source_rows(source, table, names)
    done = 0
    cursor = db.cursor()
    sql = f'COPY "{table}" ({names}) FROM STDIN'
    try:
        for rows in batches:
            if any(booleans):  # SQLite's 0/1 where the target column is a boolean
                rows = [_as_booleans(row, booleans) for row in rows]
            cursor.copy_expert(sql, io.StringIO(copy_lines(rows)))
            before, done = done, done + len(rows)
            if progress and done < total and done // PROGRESS_EVERY > before // PROGRESS_EVERY:
                progress(table, done, total)
    except psycopg2.Error as exc:
        raise _TableFailed(table) from exc
    if progress:
        progress(table, done, max(total, done))
    return done


def _as_booleans(row: Sequence, booleans: Sequence[bool]) -> list:
    return [bool(v) if b and v is not None else v for v, b in zip(row, booleans, strict=True)]


def _source_rows(source: Database, table: str, names: str) -> tuple[int, Iterator[list]]:
    try:
        total = source.execute_sql(f'SELECT count(*) FROM "{table}"').fetchone()[0]
    except (DatabaseError, sqlite3.Error) as exc:
        raise _SourceFailed from exc

    def batches() -> Iterator[list]:
        try:
            cursor = source.execute_sql(f'SELECT {names} FROM "{table}"')
            while rows := cursor.fetchmany(BATCH):
                yield rows
        except (DatabaseError, sqlite3.Error) as exc:
            raise _SourceFailed from exc

    return total, batches()


def _advance_sequences(target: Database) -> None:
    """Each serial column's sequence past the highest copied id."""
    for table in sorted(set(target.get_tables()) - _SKIPPED):
        for column in target.get_columns(table):
            if (column.default or "").startswith("nextval("):
                target.execute_sql(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), "
                    f'COALESCE((SELECT max("{column.name}") FROM "{table}"), 0) + 1, false)',
                    (f'"{table}"', column.name),
                )
