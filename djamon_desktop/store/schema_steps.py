"""How a schema step after the frozen ones (:data:`FROZEN`, see :mod:`.migrations`) is
written: as an :class:`EngineStep`, which says what it does on each engine itself, so no
statement of it is ever translated from one engine's SQL to the other's.

- its statements as SQLite says them and as PostgreSQL says them, run as written::

      (7, EngineStep(
          sqlite=["ALTER TABLE site ADD COLUMN note TEXT NOT NULL DEFAULT ''"],
          postgres=["ALTER TABLE site ADD COLUMN note TEXT NOT NULL DEFAULT ''"],
      )),

- or its changes through ``playhouse.migrate``, which words them for the engine it runs on::

      (7, EngineStep(change=lambda m: [m.add_column("site", "note", TextField(null=True))])),

Both may be given (the changes run first). Appended to ``migrations.STEPS``; the migration
runs it like any step, in one write transaction with the new schema version.

SQLite keeps its foreign keys on inside that transaction, so a table rebuilt there (a new
table, its rows copied, the old one dropped) deletes by cascade the rows that refer to the old
one: a ``playhouse.migrate`` change that would rebuild a SQLite table (a column made NOT NULL,
its type changed) is refused before anything is done, and a step's own SQLite statements
rebuild only tables nothing refers to. A statement with parameters is written with the
engine's own placeholder (``engine.marks``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from peewee import Database, PostgresqlDatabase

if TYPE_CHECKING:
    from playhouse.migrate import Operation, SchemaMigrator

#: the last step written for SQLite alone and translated for PostgreSQL (``migrations._run``)
FROZEN = 6

Step = Callable[[Database], None]


def is_postgres(db: Database) -> bool:
    return isinstance(getattr(db, "obj", db), PostgresqlDatabase)  # db may be the store's proxy


@dataclass(frozen=True)
class EngineStep:
    """A schema step past :data:`FROZEN`, as each engine says it: ``sqlite`` and ``postgres``,
    statements run as written on that engine; ``change``, given a ``playhouse.migrate``
    migrator for the open engine, the operations to run (before the statements)."""

    sqlite: Sequence[str] = ()
    postgres: Sequence[str] = ()
    change: Callable[[SchemaMigrator], Iterable[Operation]] | None = None

    def __call__(self, db: Database) -> None:
        if self.change is not None:
            from playhouse.migrate import SchemaMigrator, migrate

            database = getattr(db, "obj", db)  # db may be the store's proxy
            migrator = SchemaMigrator.from_database(database)
            if not is_postgres(db):
                migrator.database = _InPlace(database)
            migrate(*self.change(migrator))
        for statement in self.postgres if is_postgres(db) else self.sqlite:
            db.execute_sql(statement)
        if is_postgres(db):
            serials_past_ids(db)  # as after a frozen step: ids a step copied in


class _InPlace:
    """The SQLite database as a ``playhouse.migrate`` change sees it: what SQLite's ALTER TABLE
    does in place (add a nullable column, rename, index...) goes through; a table rebuilt (a
    column made NOT NULL, its type changed) is refused before anything is done. A step runs in
    one transaction, where SQLite can't turn foreign keys off: dropping the old table would
    delete, by cascade, the rows of every table that refers to it."""

    def __init__(self, database: Database) -> None:
        self._database = database

    def __getattr__(self, name: str):
        return getattr(self._database, name)

    def execute(self, query, **context):
        sql, params = self._database.get_sql_context(**context).sql(query).query()
        if re.match(r"\s*DROP\s+TABLE\b", sql, re.IGNORECASE):
            raise ValueError(
                "a schema step's playhouse.migrate change would rebuild a SQLite table in the"
                f" step's transaction ({sql}): give its SQLite statements instead"
            )
        return self._database.execute_sql(sql, params)


def check_steps(steps: Sequence[tuple[int, Step]]) -> Sequence[tuple[int, Step]]:
    """``steps`` as given, once each step past :data:`FROZEN` is known to be an
    :class:`EngineStep` (else ValueError): no new step goes through the frozen translation."""
    for version, step in steps:
        if version > FROZEN and not isinstance(step, EngineStep):
            raise ValueError(f"schema step {version} must be a migrations.EngineStep")
    return steps


def serials_past_ids(db: Database) -> None:
    """PostgreSQL: each serial id's sequence moved past the ids a step copied in (a table
    rebuilt with ``INSERT ... SELECT id, ...`` keeps its ids, and a sequence does not move for
    ids given; SQLite takes the next id from the table itself)."""
    serials = db.execute_sql(
        "SELECT t.relname, a.attname FROM pg_class s"
        " JOIN pg_depend d ON d.objid = s.oid AND d.deptype = 'a'"
        " JOIN pg_class t ON t.oid = d.refobjid"
        " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = d.refobjsubid"
        " WHERE s.relkind = 'S' AND t.relnamespace = current_schema()::regnamespace"
    ).fetchall()
    for table, column in serials:
        db.execute_sql(
            f'SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max("{column}"), 0) + 1,'
            f' false) FROM "{table}"',
            (f'"{table}"', column),
        )
