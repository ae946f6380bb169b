"""The team's PostgreSQL as peewee sees it (:class:`TeamDatabase`): a connection lost while
idle made afresh (and, for a while, ``?`` placeholders turned into psycopg2's), and
connections made by :func:`.connection.connect` (the deadline on every call, the password source).

Apart from :mod:`.engine`, which only asks whether the open database is a team's and never
makes one, so it needs nothing of this module's nor of :mod:`.connection`'s. psycopg2 (loaded by
:mod:`.connection`) is loaded only when a team database is opened: here, when it connects.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

from peewee import InterfaceError, OperationalError, PostgresqlDatabase, Psycopg2Adapter

from .team_url import shown

if TYPE_CHECKING:
    from .connection import Connection, PasswordSource

log = logging.getLogger(__name__)


class _Adapter(Psycopg2Adapter):
    """peewee's psycopg2 adapter, with psycopg2 loaded only when a team database is opened
    (peewee is imported without it, see the store's ``__init__``) and connections made by
    :func:`.connection.connect`: the deadline on every call, the password source."""

    def __init__(self) -> None:
        from psycopg2 import extensions

        self.txn_idle = extensions.TRANSACTION_STATUS_IDLE
        self.txn_inerror = extensions.TRANSACTION_STATUS_INERROR
        self.txn_unknown = extensions.TRANSACTION_STATUS_UNKNOWN
        super().__init__()

    def check_driver(self) -> None:
        pass  # loaded in __init__

    def get_binary_type(self):
        import psycopg2

        return psycopg2.Binary

    def connect(self, db, **params):
        from .connection import KEYRING, connect

        conn = connect(db.database, db.password_source or KEYRING, **params)
        if conn.password is not None:  # the next connections need not ask for it again
            db.connect_params["password"] = conn.password
        return conn


class TeamDatabase(PostgresqlDatabase):
    """PostgreSQL through psycopg2. The store's hand-written SQL uses the database's own
    placeholder (``engine.marks``: peewee's ``param``, ``%s`` here) and reaches psycopg2 as
    written.

    A connection that was lost while idle (the server restarted between two rounds) is made
    afresh, silently, when the first statement of a transaction fails on it: nothing of a
    transaction can be lost then. Not while its session holds an advisory lock of its own (the
    lock would be gone on the new one)."""

    psycopg2_adapter = _Adapter
    #: asked for a password libpq does not have (None: the keyring's ``database_password``)
    password_source: PasswordSource | None = None

    def execute_sql(self, sql, params=None, *args, **kwargs):
        cursor = self._once_more_if_lost(super().execute_sql, sql, params, *args, **kwargs)
        if "advisory_" in sql:
            _count_session_locks(self._state.conn, sql)
        return cursor

    def begin(self, *args, **kwargs):
        return self._once_more_if_lost(super().begin, *args, **kwargs)

    def _once_more_if_lost(self, call, *args, **kwargs):
        conn = None if self._state.closed else self._state.conn
        idle = self._adapter.txn_idle  # outside any transaction
        if conn is None or conn.session_locks or conn.get_transaction_status() != idle:
            return call(*args, **kwargs)
        try:
            return call(*args, **kwargs)
        except (OperationalError, InterfaceError) as exc:
            if not conn.closed:
                raise  # the server's own refusal (a lock timeout...): the connection is fine
            why = str(exc).strip().partition("\n")[0]
            log.info("database %s lost while idle (%s): connecting anew", shown(self.database), why)
        with contextlib.suppress(Exception):
            conn.close()
        self._state.reset()
        return call(*args, **kwargs)


def _count_session_locks(conn: Connection | None, sql: str) -> None:
    """Keep count of the session-level advisory locks statements took on ``conn`` (a
    ``pg_try_advisory_lock`` counts whatever it answered: a connection is then only less
    often made afresh)."""
    if conn is None:
        return
    if "pg_advisory_lock(" in sql or "pg_try_advisory_lock(" in sql:
        conn.session_locks += 1
    elif "pg_advisory_unlock(" in sql:
        conn.session_locks = max(0, conn.session_locks - 1)
