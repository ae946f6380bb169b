"""The app's one way to the database besides rounds: a worker thread of its own that reads the
picture the windows show (``djamon_desktop.picture``) and makes the changes a person asks for
(an edit, a pause, a note), so that the UI thread never waits on the database: a team's may be
slow, hung or gone, and a statement can take up to its 10 s deadline to say so.

:class:`Reads` is the UI side. ``request`` asks for a new picture (requests made while one is
being read merge into one more reading); ``call`` runs a change on the worker and hands its
result (or its error) to a callback on the UI thread; ``wait`` does the same for a dialog that
must know before it closes (the editors' Save), keeping the event loop turning meanwhile, so the
windows keep answering. Changes and readings run in the order asked, so a picture asked for
after a change shows it.

A team database that can't be reached is reported (``lost``) rather than raised; while it can't,
``request`` reads nothing (the poller tries the database every few seconds and says when it is
back), and a change fails at once with the one line saying why.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, QThread, Signal, Slot

from ..core.problems import DocumentRefused
from ..errors import UserError
from ..picture import Reading, Wants
from ..store.database import reaching, shown_target
from ..store.engine import DatabaseUnreachable

log = logging.getLogger(__name__)


class SharedReading:
    """A :class:`~djamon_desktop.picture.Reading` that the round thread (a picture after each
    round) and the reads thread both use, one at a time."""

    def __init__(self, clock) -> None:
        self._reading = Reading(clock)
        self._lock = threading.Lock()
        self.wants = Wants()  # set by the UI thread (one reference, replaced whole)

    def read(self):
        with self._lock, reaching():
            return self._reading.read(self.wants)

    @staticmethod
    def target() -> str | None:
        """The team database in use as messages show it (password ``***``); None on SQLite."""
        return shown_target()


class ReadWorker(QObject):
    """Lives on the reads thread."""

    pictured = Signal(object)  # a Picture
    lost = Signal(str)  # the team database can't be reached: why
    failed = Signal(str)  # a reading failed for another reason (a bug): said, not raised
    called = Signal(int, object, object)  # a change's number, its result, its error (or None)

    def __init__(self, reading: SharedReading) -> None:
        super().__init__()
        self._reading = reading

    @Slot()
    def read(self) -> None:
        try:
            picture = self._reading.read()
        except DatabaseUnreachable as exc:
            self.lost.emit(exc.message)
            return
        except Exception as exc:
            log.exception("reading the database failed")
            self.failed.emit(f"reading the database failed: {type(exc).__name__}: {exc}")
            return
        self.pictured.emit(picture)

    @Slot(int, object)
    def call(self, number: int, job: Callable[[], Any]) -> None:
        try:
            with reaching():
                result = job()
        except (UserError, DocumentRefused) as exc:  # DatabaseUnreachable, a refusal
            self.called.emit(number, None, exc)
            return
        except Exception as exc:
            log.exception("a change to the database failed")
            self.called.emit(number, None, exc)
            return
        self.called.emit(number, result, None)


class Reads(QObject):
    pictured = Signal(object)  # a Picture, on the UI thread
    lost = Signal(str)
    failed = Signal(str)
    _read = Signal()
    _call = Signal(int, object)

    def __init__(self, reading: SharedReading) -> None:
        super().__init__()
        self.reading = reading
        self.blocked: Callable[[], str | None] = lambda: None  # why not to read now, or None
        self._thread = QThread()
        self._thread.setObjectName("djamon-reads")
        self._worker = ReadWorker(reading)
        self._worker.moveToThread(self._thread)
        self._read.connect(self._worker.read)
        self._call.connect(self._worker.call)
        self._worker.pictured.connect(self._pictured)
        self._worker.lost.connect(self._lost)
        self._worker.failed.connect(self._failed)
        self._worker.called.connect(self._called)
        self._reading = False  # a reading asked of the worker and not back yet
        self._again = False  # asked for while one was being read
        self._waiting: dict[int, Callable[[Any, BaseException | None], None]] = {}
        self._numbers = 0
        self._stopped = False
        self._thread.start()

    @property
    def busy(self) -> bool:
        """A reading or a change is under way (the tests wait for it to settle)."""
        return self._reading or self._again or bool(self._waiting)

    def request(self) -> None:
        """Read a new picture (one more after the one being read, however often asked)."""
        if self._stopped:
            return
        if self._reading:
            self._again = True
            return
        if self.blocked() is not None:
            self._again = True  # read once the database is back (``resume``)
            return
        self._reading, self._again = True, False
        self._read.emit()

    def resume(self) -> None:
        """The database answers again: read what was asked for meanwhile."""
        if self._again and not self._reading:
            self.request()

    def call(
        self,
        job: Callable[[], Any],
        done: Callable[[Any], None] | None = None,
        failed: Callable[[str], None] | None = None,
    ) -> None:
        """Run ``job`` on the worker; then ``done(result)`` or ``failed(one line)`` here."""

        def back(result: Any, error: BaseException | None) -> None:
            if error is None:
                if done is not None:
                    done(result)
            elif failed is not None:
                failed(_line(error))
            elif not isinstance(error, DatabaseUnreachable):
                log.warning("a change was not made: %s", _line(error))

        self._send(job, back)

    def wait(self, job: Callable[[], Any]) -> Any:
        """Run ``job`` on the worker and return its result, or raise its error; the event loop
        turns meanwhile (the windows keep answering)."""
        if self._stopped:
            raise UserError("the app is closing; nothing was saved")
        loop = QEventLoop()
        out: list = []

        def back(result: Any, error: BaseException | None) -> None:
            out.append((result, error))
            loop.quit()

        self._send(job, back)
        if not out:
            loop.exec()
        result, error = out[0]
        if error is not None:
            raise error
        return result

    def _send(self, job, back) -> None:
        if self._stopped:
            return
        self._numbers += 1
        self._waiting[self._numbers] = back
        self._call.emit(self._numbers, job)

    def stop(self, wait_ms: int = 12000) -> bool:
        """No more readings; let the one under way end (a statement's deadline at most)."""
        self._stopped = True
        self._thread.quit()
        return self._thread.wait(wait_ms)

    # -- back from the worker -------------------------------------------------------------------

    def _pictured(self, picture) -> None:
        self._reading = False
        if not self._stopped:
            self.pictured.emit(picture)
        if self._again:
            self.request()

    def _lost(self, message: str) -> None:
        if self._reading:
            self._reading, self._again = False, True
        if not self._stopped:
            self.lost.emit(message)

    def _failed(self, message: str) -> None:
        self._reading = False
        if not self._stopped:
            self.failed.emit(message)
        if self._again:
            self.request()

    def _called(self, number: int, result: Any, error: BaseException | None) -> None:
        back = self._waiting.pop(number, None)
        if isinstance(error, DatabaseUnreachable) and not self._stopped:
            self.lost.emit(error.message)
        if back is not None:
            back(result, error)


def _line(error: BaseException) -> str:
    if isinstance(error, UserError):
        return error.message
    if isinstance(error, DocumentRefused):
        return "; ".join(error.problems)
    return f"{type(error).__name__}: {error}"
