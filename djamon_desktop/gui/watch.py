"""Noticing what other processes stored (another desktop, ``check`` from cron, an import in a
terminal), so that the tray and the windows show it within seconds.

On SQLite the UI thread asks the file's data_version every two seconds (next to free). On a
team's PostgreSQL a thread of its own waits on a connection of its own for the database's
change notices (``store.changes``: LISTEN/NOTIFY, no polling); the UI thread only hears a
signal. Bursts are merged: at most a few refreshes a second, and none queued while one is still
waiting to run. When that connection breaks (the server stopped or restarted, the network
gone) the thread connects again, waiting longer between tries up to :data:`RETRY_MAX_S`, and
asks for one refresh when it is back, for the changes it could not hear meanwhile. ``stop``
wakes it at once, connecting or waiting, and waits for it to end.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from ..errors import UserError
from ..store import changes
from ..store.engine import is_team

log = logging.getLogger(__name__)

WATCH_MS = 2000  # how often to ask SQLite whether another process wrote (PRAGMA data_version)
DEBOUNCE_S = 0.25  # notices closer together than this make one refresh
RETRY_FIRST_S = 0.5  # the first wait before connecting again; doubled each failure
RETRY_MAX_S = 8.0


class DatabaseWatch(QObject):
    changed = Signal()  # another connection committed something: read the database again
    _noticed = Signal()  # from the listening thread; queued to the UI thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(WATCH_MS)
        self._timer.timeout.connect(self._poll)
        self._version: int | None = None
        self._noticed.connect(self._on_notice)
        self._thread: threading.Thread | None = None
        self._wake: tuple[int, int] | None = None
        self._pending = False  # a refresh asked for and not begun: more notices add nothing
        self.listening = threading.Event()  # set while the listener's connection is up
        self.listener: changes.Listener | None = None  # the thread's (for the tests to see)

    def start(self) -> None:
        """Watch the open database (after a switch of database: again, the new one)."""
        self.stop()
        if not is_team():
            self._version = changes.data_version()
            self._timer.start()
            return
        self._wake = os.pipe()
        self._thread = threading.Thread(target=self._listen, name="djamon-listen", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._timer.stop()
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
        try:
            version = changes.data_version()
        except Exception:  # a locked or vanished file: try again next time
            log.exception("watching the database failed")
            return
        if self._version is not None and version != self._version:
            self.changed.emit()
        self._version = version

    # -- PostgreSQL --------------------------------------------------------------------------

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
                self.listening.set()
                self._notice()  # whatever was stored while not listening
                self._hear(listener)
            except UserError as exc:  # DatabaseUnreachable: one line, password ***
                if not failing:
                    log.warning("not hearing the team database's changes: %s", exc.message)
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
            if not listener.wait(None):
                return  # woken: stopping
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
