"""How a process learns that another one wrote to the database, soon and cheaply.

SQLite: the file's ``PRAGMA data_version`` changes whenever another connection commits; asking
costs next to nothing, so the app asks every two seconds.

A team's PostgreSQL: every write transaction that changed something notifies the channel
:data:`.engine.CHANNEL` as it commits (:func:`.engine.writing`). A :class:`Listener` holds a
connection of its own that LISTENs on it and waits for those notices without polling. The
connection is non-blocking, so every wait (connecting included) also ends at once when the
caller's ``wake`` file descriptor becomes readable: a thread that waits here can be stopped
without waiting out a connect timeout.
"""

from __future__ import annotations

import contextlib
import select
import time
from collections.abc import Iterator

from . import engine
from .database import unreachable
from .engine import CHANNEL, DatabaseUnreachable
from .models import db
from .team_url import CONNECT_TIMEOUT_S, shown


def data_version() -> int:
    """SQLite's count that changes whenever another connection commits (cheap to ask)."""
    return db.execute_sql("PRAGMA data_version").fetchone()[0]


def listener(wake: int | None = None) -> Listener:
    """A listener on the open team database, connected as its own connections are (the
    keyring's password included, when that is where it came from)."""
    return Listener(db.obj.database, db.obj.connect_params, wake)


class Listener:
    """A connection of its own to a team database (``url`` and psycopg2's connection
    parameters), listening for the change notices."""

    def __init__(self, url: str, params: dict, wake: int | None = None) -> None:
        self._url = url
        # libpq ignores connect_timeout on a non-blocking connection: connect() keeps its own
        self._params = {k: v for k, v in params.items() if k != "connect_timeout"}
        if self._params.get("application_name") == "djamon-desktop":  # ours, not the URL's
            self._params["application_name"] = "djamon-desktop listener"
        self._wake = [] if wake is None else [wake]
        self._conn = None

    def connect(self, timeout: float = CONNECT_TIMEOUT_S) -> bool:
        """Connect and LISTEN: True when listening, False when woken first. A database that
        refuses or does not answer within ``timeout`` is DatabaseUnreachable (password ***)."""
        import psycopg2

        self.close()
        deadline = time.monotonic() + timeout
        with self._closed_on_failure():
            self._conn = psycopg2.connect(self._url, async_=True, **self._params)
            if not self._settle(deadline, timeout):
                return False
            cursor = self._conn.cursor()  # kept until its statement is done
            cursor.execute(f"LISTEN {CHANNEL}")
            listening = self._settle(deadline, timeout)
            cursor.close()
            return listening

    def wait(self, timeout: float | None = None) -> int:
        """How many notices came: returns as soon as there is at least one, or with 0 once
        ``timeout`` seconds passed (None: no limit) or when woken. A broken connection (the
        server stopped or restarted, the network gone: keepalives notice it) is
        DatabaseUnreachable; connect again to go on."""
        if self._conn is None:
            raise DatabaseUnreachable(f"database {shown(self._url)}: not listening")
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._closed_on_failure():
            count = self._take()
            while not count:
                left = None if deadline is None else max(0.0, deadline - time.monotonic())
                ready, _, _ = select.select([self._conn, *self._wake], [], [], left)
                if not ready or self._woken(ready):
                    return 0
                count = self._take()
            return count

    def ping(self, timeout: float | None = None) -> bool:
        """A heartbeat: one trivial statement on the listening connection, answered within
        ``timeout`` seconds (default :data:`.engine.DEADLINE_S`, the statements' deadline).
        True when it was. False when woken first (the connection is closed then: connect
        again to go on). DatabaseUnreachable (password ``***``, the connection closed) when
        the server went silent (no answer in time: stopped, or a network that holds the
        connection open without moving anything) or the connection broke. A quiet server (no
        notices) still answers; notices that come meanwhile are kept for :meth:`wait`."""
        if self._conn is None:
            raise DatabaseUnreachable(f"database {shown(self._url)}: not listening")
        timeout = engine.DEADLINE_S if timeout is None else timeout
        deadline = time.monotonic() + timeout
        with self._closed_on_failure():
            cursor = self._conn.cursor()  # kept until its statement is done
            cursor.execute("SELECT 1")
            answered = self._settle(deadline, timeout)
            if answered:
                cursor.close()
            else:
                self.close()  # woken mid-statement: the connection is not idle to go on with
            return answered

    @contextlib.contextmanager
    def _closed_on_failure(self) -> Iterator[None]:
        """A driver error or no answer in time closes the connection (connect again to go
        on): DatabaseUnreachable in one line, its password as ``***``."""
        import psycopg2

        try:
            yield
        except psycopg2.Error as exc:
            self.close()
            raise unreachable(self._url, exc) from None
        except DatabaseUnreachable:
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn = self._conn, None
            conn.close()

    @property
    def backend_pid(self) -> int | None:
        """The server process serving this connection (None when not connected)."""
        return None if self._conn is None else self._conn.info.backend_pid

    def _take(self) -> int:
        self._conn.poll()
        count = sum(1 for notice in self._conn.notifies if notice.channel == CHANNEL)
        self._conn.notifies.clear()
        return count

    def _settle(self, deadline: float, timeout: float) -> bool:
        """Drive the non-blocking connection until it is idle; False when woken first."""
        from psycopg2.extensions import POLL_OK, POLL_READ

        while True:
            state = self._conn.poll()
            if state == POLL_OK:
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                raise DatabaseUnreachable(
                    f"database {shown(self._url)} can't be reached: no answer within {timeout:g} s"
                )
            fd = self._conn.fileno()
            reading, writing = ([fd], []) if state == POLL_READ else ([], [fd])
            ready, _, _ = select.select(reading + self._wake, writing, [], left)
            if self._woken(ready):
                return False

    def _woken(self, ready: list) -> bool:
        return bool(self._wake) and self._wake[0] in ready
