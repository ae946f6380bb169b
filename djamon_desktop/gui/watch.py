"""Noticing what other processes stored (another desktop, ``check`` from cron, an import in a
terminal), so that the tray and the windows show it within seconds; and, on a team database,
noticing at once that it went away, even between rounds.

A thread of its own does the watching; the UI thread only hears signals. On SQLite it asks the
file's data_version every two seconds (next to free). On a team's PostgreSQL it waits on a
connection of its own for the database's change notices (``store.changes``: LISTEN/NOTIFY, no
polling), and when none came for :data:`HEARTBEAT_S` it asks the server for a trivial answer:
a server that went silent (stopped, or a network that holds traffic) is told apart from a quiet
one within a statement's deadline. Bursts are merged: at most a few refreshes a second, and
none queued while one is still waiting to run. When that connection breaks it says so at once
(``lost``: the tray turns grey) and connects again, waiting longer between tries up to
:data:`RETRY_MAX_S`, and asks for one refresh when it is back, for the changes it could not hear
meanwhile. ``stop`` wakes it at once, connecting or waiting, and waits for it to end.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from ..errors import UserError
from ..store import changes
from ..store.database import close_database
from ..store.engine import is_team

log = logging.getLogger(__name__)

WATCH_S = 2.0  # how often to ask SQLite whether another process wrote (PRAGMA data_version)
HEARTBEAT_S = 3.0  # a team database that sent nothing for this long is asked for an answer
DEBOUNCE_S = 0.25  # notices closer together than this make one refresh
RETRY_FIRST_S = 0.5  # the first wait before connecting again; doubled each failure
RETRY_MAX_S = 8.0


class DatabaseWatch(QObject):
    changed = Signal()  # another connection committed something: read the database again
    lost = Signal(str)  # the team database's connection broke or went silent: why
    _noticed = Signal()  # from the listening thread; queued to the UI thread
    _lost = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._version: int | None = None
        self._noticed.connect(self._on_notice)
        self._lost.connect(self._on_lost)
        self._thread: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None
        self._pending = False  # a refresh asked for and not begun: more notices add nothing
        self.listening = threading.Event()  # set while the listener's connection is up
        self.listener: changes.Listener | None = None  # the thread's (for the tests to see)

    def start(self) -> None:
        """Watch the open database (after a switch of database: again, the new one)."""
        self.stop()
        self._wake = os.pipe()
        work = self._listen if is_team() else self._poll
        self._thread = threading.Thread(target=work, name="djamon-watch", daemon=True)
        self._thread.start()

    def settled(self) -> bool:
        """Listening, and the refresh asked for on connecting has begun on the UI thread (its
        ``changed`` was emitted): what a caller counting changes from now on waits for."""
        return self.listening.is_set() and not self._pending

    def stop(self) -> None:
        if self._thread is not None:
            os.write(self._wake[1], b"x")
            self._thread.join()
            self._thread = None
        if self._wake is not None:
            for fd in self._wake:
                os.close(fd)
            self._wake = None

    # -- SQLite ------------------------------------------------------------------------------

    def _poll(self) -> None:
        """The thread, on SQLite: ask the file's data_version every :data:`WATCH_S`."""
        try:
            self._version = changes.data_version()
            while not self._sleep(WATCH_S):
                try:
                    version = changes.data_version()
                except Exception:  # a locked or vanished file: try again next time
                    log.exception("watching the database failed")
                    continue
                if self._version is not None and version != self._version:
                    self._notice()
                self._version = version
        finally:
            close_database()  # this thread's own connection

    # -- PostgreSQL --------------------------------------------------------------------------

    @Slot(str)
    def _on_lost(self, message: str) -> None:
        if self._thread is not None:
            self.lost.emit(message)

    @Slot()
    def _on_notice(self) -> None:
        self._pending = False  # before reading: a notice from now on asks again
        if self._thread is not None:  # (not one that was queued as it stopped)
            self.changed.emit()

    def _notice(self) -> None:
        if not self._pending:
            self._pending = True
            self._noticed.emit()

    def _listen(self) -> None:
        """The thread: connect, hear, tell; when the connection breaks, connect again."""
        retry = RETRY_FIRST_S
        failing = False
        while not self._stopping():
            # made afresh each time: the app's own connection may have found the password in
            # the keyring meanwhile
            listener = changes.listener(self._wake[0])
            self.listener = listener
            try:
                if not listener.connect():
                    break
                if failing:
                    log.info("hearing the team database's changes again")
                failing, retry = False, RETRY_FIRST_S
                self._notice()  # whatever was stored while not listening (asked before
                self.listening.set()  # listening is said: see settled())
                self._hear(listener)
            except UserError as exc:  # DatabaseUnreachable: one line, password ***
                if not failing:
                    log.warning("not hearing the team database's changes: %s", exc.message)
                    self._lost.emit(exc.message)
                failing = True
            except Exception:  # a bug of ours: say so, never spin
                log.exception("listening to the team database failed")
                failing = True
            finally:
                self.listening.clear()
                listener.close()
            if self._sleep(retry):
                break
            retry = min(retry * 2, RETRY_MAX_S)

    def _hear(self, listener: changes.Listener) -> None:
        last = float("-inf")
        while True:
            if not listener.wait(HEARTBEAT_S):
                if self._stopping():
                    return  # woken: stopping
                getattr(
                    listener, "ping", lambda: None
                )()  # nothing came: is it quiet, or silent? (unreachable: raises)
                continue
            gap = time.monotonic() - last
            if gap < DEBOUNCE_S:  # the rest of this burst is heard with it
                deadline = time.monotonic() + DEBOUNCE_S - gap
                while (left := deadline - time.monotonic()) > 0:
                    listener.wait(left)
                    if self._stopping():
                        return
            self._notice()
            last = time.monotonic()

    def _stopping(self) -> bool:
        return self._wake is None or bool(select.select([self._wake[0]], [], [], 0)[0])

    def _sleep(self, seconds: float) -> bool:
        """Wait before the next try; True when stopping."""
        return bool(select.select([self._wake[0]], [], [], seconds)[0])
