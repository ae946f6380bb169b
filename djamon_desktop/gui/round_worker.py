"""The poller's worker-thread side: the round itself and the tries of a team database that
can't be reached. Each lives on the poller's QThread and reports by signal only; the poller
(``gui.poller``) decides when they run."""

from __future__ import annotations

import logging
from collections.abc import Collection

from PySide6.QtCore import QObject, Signal, Slot

from ..core.clock import Clock, utc_now
from ..cycle import run_cycle
from ..errors import UserError
from ..rechecking import RecheckRound, run_recheck
from ..store import vantages
from ..store.database import reach, reaching
from ..store.engine import DatabaseUnreachable

log = logging.getLogger(__name__)

__all__ = ["DatabaseTry", "RoundWorker"]


class RoundWorker(QObject):
    """Lives on the worker thread. ``run`` does one whole cycle (``djamon_desktop.cycle``), of
    every active site or (``only``) of the fast lane's sites; with ``reading``, it then reads
    the picture the windows show (``report.picture``), so a round's end is shown at once."""

    finished = Signal(object, object)  # CycleReport, its list[Delivery]
    failed = Signal(str, bool)  # the one line saying why; True: the team database can't be reached

    def __init__(self, clock: Clock = utc_now, reading=None) -> None:
        super().__init__()
        self._clock = clock
        self.reading = reading

    @Slot(object)
    def run(self, only: Collection[int] | RecheckRound | None = None) -> None:
        try:
            with reaching(), vantages.app_rounds():  # (this vantage's app runs: a heartbeat)
                if isinstance(only, RecheckRound):  # rechecks asked of this vantage: answered
                    report = run_recheck(self._clock, only)
                else:
                    report = run_cycle(self._clock, only)
        except DatabaseUnreachable as exc:
            self.failed.emit(exc.message, True)
            return
        except UserError as exc:
            self.failed.emit(exc.message, False)
            return
        except Exception as exc:
            log.exception("the round failed")
            self.failed.emit(f"the round failed: {type(exc).__name__}: {exc}", False)
            return
        if self.reading is not None:
            try:
                report.picture = self.reading.read()
            except DatabaseUnreachable as exc:  # stored, then lost: the reads thread tells
                log.warning("the round was stored; reading it back failed: %s", exc.message)
            except Exception:
                log.exception("reading the database after the round failed")
        self.finished.emit(report, report.deliveries)


class DatabaseTry(QObject):
    """Lives on the worker thread beside the RoundWorker (never at the same time as a round):
    tries the team database again while it can't be reached."""

    unreachable = Signal(str)  # still not: the one line saying why
    reached = Signal()

    @Slot()
    def run(self) -> None:
        try:
            reach()  # a connection of this thread's own, made afresh
        except DatabaseUnreachable as exc:
            self.unreachable.emit(exc.message)
        except Exception as exc:  # a newer schema, say: still no database to show
            log.exception("trying the database again failed")
            self.unreachable.emit(f"the database can't be used: {type(exc).__name__}: {exc}")
        else:
            self.reached.emit()
