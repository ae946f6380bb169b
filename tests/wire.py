"""Counting what the program sends to a team's PostgreSQL, at the client: every statement psycopg2
sends on the connections it makes while installed (a cursor and a connection class of our own,
given through ``team_tls.connect_params``; nothing of the program is replaced), a COPY as the two
round trips it takes (its statement, then its rows), and each connection made. Used by
tests/cli/test_round_trips.py and tests/bench/team.py."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from djamon_desktop.store.connection import Connection, Cursor


class Wire:
    """What the command line sends on its team connections while installed (``connect_params``
    gives each connection a cursor that counts)."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.copies = 0
        self.connections = 0

    @property
    def round_trips(self) -> int:
        return len(self.statements) + self.copies  # a COPY: its statement, then its rows

    def clear(self) -> None:
        self.statements, self.copies, self.connections = [], 0, 0

    def cursor_class(self):
        wire = self

        class Counting(Cursor):
            def execute(self, query, params=None):
                text = query.decode() if isinstance(query, bytes) else str(query)
                wire.statements.append(" ".join(text.split())[:100])
                return super().execute(query, params)

            def copy_expert(self, sql, file, size=8192):
                wire.copies += 1
                wire.statements.append(" ".join(sql.split())[:100])
                return super().copy_expert(sql, file, size)

        return Counting

    def connection_class(self):
        wire = self

        class Counted(Connection):
            def __init__(self, *args, **kwargs):
                wire.connections += 1
                super().__init__(*args, **kwargs)

        return Counted


@contextlib.contextmanager
def counting() -> Iterator[Wire]:
    """A :class:`Wire` counting what the store's team connections made meanwhile send."""
    from djamon_desktop.store import team_tls

    wire = Wire()
    original = team_tls.connect_params

    def connect_params(url: str) -> dict:
        return {
            **original(url),
            "cursor_factory": wire.cursor_class(),
            "connection_factory": wire.connection_class(),
        }

    team_tls.connect_params = connect_params  # what the store gives each team connection
    try:
        yield wire
    finally:
        team_tls.connect_params = original
