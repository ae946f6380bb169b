"""Many rows in one go, each engine its own way: SQLite runs a statement once a row (in-process,
that is fast); PostgreSQL, where each statement is a round trip and each row's execution costs,
gets many rows by COPY, through temporary tables of its connection where a statement has more
to do than insert them (a 1,000-site round, stored this way, held the writers' turn about 85 ms
instead of 180 ms one row at a time: ``tests/bench/team.py``).

A round itself now goes another way on PostgreSQL (``store.team_rounds``): its rows as arrays
written into the statements (:func:`unnest`), in the same round trips as the statements around
them, since a desktop may be far from its team's database and a COPY is two round trips of its
own. What else writes many rows (a nested round, the hour summary's own writers) comes here.

A role that may not make temporary tables (PostgreSQL lets every role unless an administrator
revoked ``TEMPORARY``) gets the same statements with the rows written into them instead
(multi-row ``VALUES``): slower, still one statement a page of rows.
"""

from __future__ import annotations

import io
import itertools
import re
import weakref
import zlib
from collections.abc import Callable, Collection, Sequence
from typing import Any

from .engine import is_team
from .models import db

_prepared = itertools.count(1)
#: an INSERT of one row of placeholders, the open database's own (``engine.marks``: ``?`` on
#: SQLite, ``%s`` on PostgreSQL); ``rest``: what follows its VALUES, such as ON CONFLICT
_INSERT = re.compile(
    r'\s*INSERT\s+INTO\s+(?P<table>"?\w+"?)\s*\((?P<columns>[^()]*)\)'
    r"\s*VALUES\s*\(\s*(?P<mark>\?|%s)(?:\s*,\s*(?P=mark))*\s*\)(?P<rest>.*)\Z",
    re.IGNORECASE | re.DOTALL,
)
#: what psycopg2 reads in a statement sent with parameters: a placeholder, or a literal ``%``
_PSYCOPG_MARK = re.compile(r"%%|%s")
#: rows a multi-row VALUES statement carries (without temporary tables)
PAGE = 1000
#: whether each connection may make temporary tables (asked once a connection)
_may_stage: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
#: what COPY's text format escapes in a value
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _insert(sql: str) -> re.Match[str] | None:
    """``sql`` as an INSERT of one row of placeholders with none after its VALUES, or None."""
    insert = _INSERT.match(sql)
    if insert is None or (insert["mark"] == "?" and "?" in insert["rest"]):
        return None
    if insert["mark"] == "%s" and "%s" in _PSYCOPG_MARK.sub(_unmark, insert["rest"]):
        return None
    return insert


def _unmark(match: re.Match[str]) -> str:
    return "%s" if match[0] == "%s" else ""


def executemany(sql: str, rows: Sequence[Sequence]) -> None:
    """One statement for many rows, written with the open database's placeholders
    (``engine.marks``), in as few round trips as the engine allows.

    On PostgreSQL an INSERT of one row of placeholders goes as COPY: straight into its table,
    or, one with more to say (``ON CONFLICT``), into a temporary table that one
    ``INSERT … SELECT`` then takes the rows from, so an upsert must not meet the same key
    twice among them."""
    if not rows:
        return
    if not is_team():
        db.cursor().executemany(sql, rows)
        return
    insert = _insert(sql)
    cursor = db.cursor()
    if insert:
        table, columns, rest = insert["table"], insert["columns"], insert["rest"].strip()
        if not rest:
            _copy(cursor, table, columns, rows)
            return
        if not _stages():
            from psycopg2.extras import execute_values

            values = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
            statement = f"INSERT INTO {table} ({columns}) VALUES %s {rest}"
            execute_values(cursor, statement, rows, template=values, page_size=PAGE)
            return
        staged, make = _staging(f"{table}({columns})", query=f"SELECT {columns} FROM {table}")
        _copy(cursor, staged, columns, rows, make)
        cursor.execute(  # with parameters (none): ``rest`` is written as psycopg2 reads them
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM {staged} {rest};"
            f" DELETE FROM {staged}",
            (),
        )
        return
    from psycopg2.extras import execute_batch

    # Prepared once, so the server plans it once instead of once a row. A prepared statement
    # outlives a rolled-back transaction: each gets a name of its own, let go of once it has
    # done its work.
    name = f"djamon_many_{next(_prepared)}"
    numbers = itertools.count(1)
    prepared = _PSYCOPG_MARK.sub(lambda m: "%" if m[0] == "%%" else f"${next(numbers)}", sql)
    cursor.execute(f"PREPARE {name} AS {prepared}")
    marks = ", ".join(["%s"] * len(rows[0]))
    execute_batch(cursor, f"EXECUTE {name} ({marks})", rows, page_size=200)
    cursor.execute(f"DEALLOCATE {name}")


class Staged:
    """An INSERT's rows (``sql`` as :func:`executemany` takes it, an INSERT of one row of
    placeholders)
    that no other writer's work decides, handed to the database before the writers' turn is
    taken (``engine.writing(staged=...)``) and stored inside it by :meth:`insert`. The last
    placeholders' values may be left out of the rows: values every row shares, known only
    inside the turn.

    On PostgreSQL :meth:`stage` copies the rows into a temporary table of the connection, in
    the write transaction, before its turn: only the INSERT … SELECT is left for the turn.
    SQLite keeps them here (its writers take turns for the whole transaction anyway)."""

    def __init__(self, sql: str, rows: Sequence[Sequence]) -> None:
        insert = _insert(sql)
        if insert is None:
            raise ValueError(f"not an INSERT of one row of placeholders: {sql}")
        self.sql, self.rows = sql, rows
        self._table, self._rest = insert["table"], insert["rest"].strip()
        self._columns = [column.strip() for column in insert["columns"].split(",")]
        self._staged: str | None = None

    def stage(self) -> None:
        if not is_team() or not self.rows or self._staged or not _stages():
            return
        given = ", ".join(self._columns[: len(self.rows[0])])
        self._staged, make = _staging(
            f"{self._table}({given})", query=f"SELECT {given} FROM {self._table}"
        )
        _copy(db.cursor(), self._staged, given, self.rows, make)

    def insert(self, keep: Collection[int], *shared: object) -> None:
        """Store the rows whose first value is in ``keep`` (such as the sites not deleted while
        the round ran), each with the ``shared`` values (not None) after its own."""
        if not self.rows:
            return
        if not is_team() or not _stages():
            executemany(self.sql, [(*row, *shared) for row in self.rows if row[0] in keep])
            return
        self.stage()  # if the transaction did not
        given = self._columns[: len(self.rows[0])]
        values = ", ".join(given + ["%s"] * len(shared))
        params: list = list(shared)
        where = ""
        if not all(row[0] in keep for row in self.rows):  # as a rule, all are kept
            where, params = f"WHERE {given[0]} = ANY(%s)", [*params, list(keep)]
        db.cursor().execute(
            f"INSERT INTO {self._table} ({', '.join(self._columns)}) SELECT {values}"
            f" FROM {self._staged} {where} {self._rest}; DELETE FROM {self._staged}",
            params,
        )
        self._staged = None


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
    if not _stages():
        from psycopg2.extras import execute_values

        # typed, or a column of NULLs in every row would be text
        values = "(" + ", ".join(f"%s::{sql_type}" for _name, sql_type in columns) + ")"
        execute_values(
            cursor,
            f"UPDATE {table} SET {_literal(assignments)} FROM (VALUES %s) AS v"
            f" ({', '.join(names)}) WHERE {table}.id = v.{names[-1]}",
            rows,
            template=values,
            page_size=PAGE,
        )
        return
    typed = ", ".join(f"{name} {sql_type}" for name, sql_type in columns)
    staged, make = _staging(f"{table}({typed})", columns=f"({typed})")
    _copy(cursor, staged, ", ".join(names), rows, make)
    cursor.execute(
        f"UPDATE {table} SET {assignments} FROM {staged} v WHERE {table}.id = v.{names[-1]};"
        f" DELETE FROM {staged}"
    )


def _stages() -> bool:
    """Whether this PostgreSQL connection may make temporary tables."""
    connection = db.connection()
    may = _may_stage.get(connection)
    if may is None:
        may = _may_stage[connection] = db.execute_sql(
            "SELECT has_database_privilege(current_database(), 'TEMPORARY')"
        ).fetchone()[0]
    return may


def _staging(shape: str, columns: str = "", query: str = "") -> tuple[str, str]:
    """A temporary table of this connection for rows of ``shape``, with ``columns`` (typed) or
    those of ``query``: its name, and the statement that makes it the first time (sent with
    the COPY into it, one round trip). It lasts as long as the connection and is emptied at
    each commit (a rollback takes its rows, or itself, back)."""
    name = f"djamon_rows_{zlib.crc32(shape.encode()):08x}"
    made = f"AS {query} WITH NO DATA" if query else ""
    return name, (
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} {columns} ON COMMIT DELETE ROWS {made};"
    )


def _literal(sql: str) -> str:
    """SQL text as psycopg's parameter substitution reads it (a ``%`` is ``%%``)."""
    return sql.replace("%", "%%")


def _copy(cursor, table: str, columns: str, rows: Sequence[Sequence], first: str = "") -> None:
    """Rows into ``table`` by COPY, in its text format (``first``: a statement run before)."""
    cursor.copy_expert(
        f"{first} COPY {table} ({columns}) FROM STDIN", io.StringIO(copy_lines(rows))
    )


def copy_lines(rows: Sequence[Sequence]) -> str:
    """Rows as COPY's text format reads them: a line each, tab-separated (also what
    copy-database sends)."""
    text = _COPY_TEXT.get
    return "".join("\t".join([text(type(v), _copy_text)(v) for v in row]) + "\n" for row in rows)


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


def unnest(types: Sequence[str], rows: Sequence[Sequence]) -> tuple[str, list[str]]:
    """Rows as one ``unnest`` of a typed array a column, to write into a statement (PostgreSQL,
    psycopg's ``%s``): the SQL and its parameters. Many statements of many rows then go in one
    round trip, where a COPY takes two of its own. Each column goes as one array literal in
    text (``{1,2,NULL}``), which the server reads at once: as ``ARRAY[...]`` of a value each it
    took three times as long to parse, and psycopg as long again to write."""
    columns = list(zip(*rows, strict=True)) or [() for _ in types]
    marks = ", ".join(f"%s::{sql_type}[]" for sql_type in types)
    return f"unnest({marks})", [array_literal(column) for column in columns]


def array_literal(values: Sequence) -> str:
    """Values of the plain types as a PostgreSQL array literal in text."""
    text = _ARRAY_TEXT.get
    return "{" + ",".join([text(type(v), _array_text)(v) for v in values]) + "}"


def _array_text(value: object) -> str:
    """A value as an element of an array literal (the plain types by :data:`_ARRAY_TEXT`)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, bytes | bytearray | memoryview):
        return '"\\\\x' + bytes(value).hex() + '"'
    return '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'


_ARRAY_TEXT: dict[type, Callable[[Any], str]] = {
    type(None): lambda _value: "NULL",
    bool: lambda value: "t" if value else "f",
    int: str,
    float: repr,
    str: lambda value: '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"',
    bytes: lambda value: '"\\\\x' + value.hex() + '"',
}
