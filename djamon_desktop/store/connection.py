"""A connection to a team's PostgreSQL: the one way it is opened (:func:`connect`, for the
command line, the app and the Team tab alike), and a deadline on everything asked of it.

The deadline. A server that accepted the connection and then went silent (stopped, or a network
path that keeps the connection open but moves nothing) is not noticed by TCP: the kernel still
acknowledges what is sent, so keepalives and ``tcp_user_timeout`` never fire, and libpq would
wait for the answer forever. So every statement, ``executemany``, COPY, commit and rollback on a
connection made here is watched: when it has no answer within :data:`.engine.DEADLINE_S` seconds, a
watchdog thread shuts the connection's socket down, libpq's blocked read returns, and the call
raises :class:`~.engine.DatabaseUnreachable` saying there was no answer in time. The connection
is then dead, as it would be after the server went away. Watching costs a dictionary entry and an
uncontended lock per call (about 1.5 µs); the watchdog thread sleeps until the earliest deadline
(about one wake-up per deadline period while calls are made, none while idle).

Connecting keeps libpq's own ``connect_timeout`` (:func:`.team_tls.connect_params`).

This module loads psycopg2: only a team database's code imports it.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import psycopg2
from psycopg2 import extensions

from . import engine
from .engine import DatabaseUnreachable, unreachable
from .team_tls import connect_params
from .team_url import needs_password, server_of, shown


def no_answer(url: str, seconds: float | None = None) -> DatabaseUnreachable:
    seconds = engine.DEADLINE_S if seconds is None else seconds
    return DatabaseUnreachable(
        f"database {shown(url)} can't be reached: no answer within {seconds:g} s"
    )


# -- the watchdog ----------------------------------------------------------------------------


class _Watchdog:
    """Calls in flight, each with its deadline and connection; one thread cuts the connection
    of any call still in flight at its deadline."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[int, tuple[float, Connection]] = {}
        self._numbers = itertools.count()
        self._wake = threading.Event()
        self._next = math.inf  # when the thread looks next (inf: asleep until woken)
        self._last = 0.0  # the deadline of the call watched last
        self._thread: threading.Thread | None = None

    def watch(self, conn: Connection) -> int:
        deadline = time.monotonic() + engine.DEADLINE_S
        call = next(self._numbers)
        with self._lock:
            self._calls[call] = (deadline, conn)
        self._last = deadline
        if deadline < self._next:  # asleep, or sleeping past this one (a lowered DEADLINE_S)
            self._start_or_wake()
        return call

    def done(self, call: int) -> bool:
        """Forget ``call``; True when its deadline had passed and its connection was cut."""
        with self._lock:
            return self._calls.pop(call, None) is None

    def _start_or_wake(self) -> None:
        if self._thread is None:
            with self._lock:
                if self._thread is None:
                    self._thread = threading.Thread(
                        target=self._run, name="database-deadline", daemon=True
                    )
                    self._thread.start()
        self._wake.set()

    def _run(self) -> None:
        while True:
            self._wake.clear()
            with self._lock:
                now = time.monotonic()
                late = [c for c, (deadline, _) in self._calls.items() if deadline <= now]
                for call in late:
                    _cut(self._calls.pop(call)[1])  # under the lock: its owner waits to close it
                # no call in flight: look again at the last one's deadline all the same, so
                # that calls made meanwhile (later deadlines) need not wake this thread
                after = self._last if self._last > now else math.inf
                self._next = min((d for d, _ in self._calls.values()), default=after)
                wait = None if self._next == math.inf else self._next - now
            self._wake.wait(wait)

    def _forked(self) -> None:
        """In a child process: no thread yet (the parent's did not come along), nothing watched."""
        self.__init__()


_watchdog = _Watchdog()
os.register_at_fork(after_in_child=_watchdog._forked)


def _cut(conn: Connection) -> None:
    """Shut the connection's socket down both ways (libpq's blocked read or write returns);
    the descriptor stays libpq's, to be closed with the connection."""
    with contextlib.suppress(Exception):
        sock = socket.socket(fileno=conn.fileno())
        try:
            sock.shutdown(socket.SHUT_RDWR)
        finally:
            sock.detach()


def _guarded(conn: Connection, call: Callable, *args, **kwargs):
    watched = _watchdog.watch(conn)
    try:
        result = call(*args, **kwargs)
    except Exception:
        if _watchdog.done(watched):
            raise no_answer(conn.url) from None
        raise
    _watchdog.done(watched)
    return result


class Cursor(extensions.cursor):
    """psycopg2's cursor, each call that waits on the server under the deadline."""

    def execute(self, query, vars=None):  # noqa: A002 - psycopg2's own name
        return _guarded(self.connection, super().execute, query, vars)

    def executemany(self, query, vars_list):
        return _guarded(self.connection, super().executemany, query, vars_list)

    def callproc(self, procname, parameters=None):
        return _guarded(self.connection, super().callproc, procname, parameters)

    def copy_expert(self, sql, file, size=8192):
        return _guarded(self.connection, super().copy_expert, sql, file, size)

    def copy_from(self, *args, **kwargs):
        return _guarded(self.connection, super().copy_from, *args, **kwargs)

    def copy_to(self, *args, **kwargs):
        return _guarded(self.connection, super().copy_to, *args, **kwargs)


class Connection(extensions.connection):
    """psycopg2's connection with the deadline on commit and rollback and :class:`Cursor` as
    its cursors. ``url`` is what messages name (shown with its password as ``***``);
    ``password`` the one a password source gave (None when libpq found its own);
    ``session_locks`` how many session-level advisory locks statements may have taken on it
    (see :meth:`.team_database.TeamDatabase.execute_sql`)."""

    url = ""
    password: str | None = None
    session_locks = 0

    def commit(self):
        return _guarded(self, super().commit)

    def rollback(self):
        return _guarded(self, super().rollback)


# -- connecting --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PasswordSource:
    """Where a password comes from when the server asks for one libpq does not have (not in the
    URL, no ``PGPASSWORD``, nothing in ``~/.pgpass``): ``get(url)`` returns it or None, or
    raises :class:`~...password_binding.BoundElsewhere` when the one it has was set for another
    server; ``where`` names the places for the message when there is none."""

    get: Callable[[str], str | None]
    where: str


def keyring_password(url: str) -> str | None:
    """The keyring's ``database_password`` when it was set for the server ``url`` names (see
    :mod:`...password_binding`), else None; BoundElsewhere when it was set for another."""
    from .. import password_binding, secrets

    try:
        return password_binding.password_for(password_binding.DATABASE, server_of(url))
    except password_binding.BoundElsewhere:
        raise
    except secrets.SecretStoreError:  # the keyring's own message would say no more
        return None


#: the command line's and the app's source: the keyring's ``database_password``
KEYRING = PasswordSource(
    keyring_password, "URL, PGPASSWORD, ~/.pgpass or the keyring's database_password"
)


def connect(url: str, password_source: PasswordSource = KEYRING, **params) -> Connection:
    """A connection to the team database at ``url`` (a URL :func:`.team_url.check_url`
    accepted), with :func:`.team_tls.connect_params` and ``params`` (they win), its calls under
    the deadline. When the server asks for a password libpq does not have, ``password_source``
    is asked and the connect tried once more. Anything that keeps it from connecting (refused,
    no answer within the connect timeout, the login refused, no password anywhere, the
    keyring's set for another server: then it is not sent) is
    :class:`~.engine.DatabaseUnreachable` in one line, the password as ``***``."""
    from ..password_binding import BoundElsewhere

    params = {**connect_params(url), **params}
    try:
        return _connected(url, params)
    except psycopg2.Error as exc:
        asked = "no password supplied" in str(exc)
        if not asked or "password" in params or not needs_password(url):
            raise _refused(url, exc) from None
    try:
        given = password_source.get(url)
    except BoundElsewhere as exc:
        raise DatabaseUnreachable(
            f"database {shown(url)} can't be reached: it asks for a password, and the "
            f"keyring's is not sent: {exc.message}"
        ) from None
    if not given:
        raise DatabaseUnreachable(
            f"database {shown(url)} can't be reached: it asks for a password and none was "
            f"found ({password_source.where})"
        )
    try:
        conn = _connected(url, {**params, "password": given})
    except psycopg2.Error as exc:
        raise _refused(url, exc) from None
    conn.password = given
    return conn


def _connected(url: str, params: dict) -> Connection:
    # (a caller's own classes, such as the tests' counting ones, subclass these two)
    factories = {"connection_factory": Connection, "cursor_factory": Cursor}
    conn = psycopg2.connect(url, **{**factories, **params})
    conn.url = url
    return conn


def _refused(url: str, exc: Exception) -> DatabaseUnreachable:
    return unreachable(url, exc)
