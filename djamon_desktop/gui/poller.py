"""The schedule's timer and the worker thread that runs rounds.

A single-shot QTimer wakes at the next minute the schedule names; waits are cut into pieces of
at most a minute, so a long gap can't overflow the timer and a wall-clock jump is noticed soon.
A timer that fires late (the machine slept) runs one round, never a burst: the next time is
always counted from now. Each round is one ``djamon_desktop.cycle.run_cycle``, the very function
``check`` calls, with the same clock, on a QThread; the report reaches windows only as a signal.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ..cycle import run_cycle, utc_now
from ..errors import UserError

log = logging.getLogger(__name__)

MAX_WAIT = timedelta(minutes=1)

__all__ = ["Poller", "RoundWorker", "utc_now"]  # utc_now: the one real clock, the App's default


class RoundWorker(QObject):
    """Lives on the worker thread. ``run`` does one whole cycle (``djamon_desktop.cycle``)."""

    finished = Signal(object, object)  # CycleReport, its list[Delivery]
    failed = Signal(str)

    def __init__(self, clock: Callable[[], datetime] = utc_now) -> None:
        super().__init__()
        self._clock = clock

    @Slot()
    def run(self) -> None:
        try:
            report = run_cycle(self._clock)
        except UserError as exc:
            self.failed.emit(exc.message)
            return
        except Exception as exc:
            log.exception("the round failed")
            self.failed.emit(f"the round failed: {type(exc).__name__}: {exc}")
            return
        self.finished.emit(report, report.deliveries)


class Poller(QObject):
    round_started = Signal()
    round_finished = Signal(object, object)  # CycleReport, its list[Delivery]
    round_failed = Signal(str)
    next_round = Signal(object)  # aware datetime, or None
    paused_changed = Signal()
    _kick = Signal()

    def __init__(
        self,
        next_after: Callable[[datetime], datetime | None],
        clock: Callable[[], datetime] = utc_now,
        worker: RoundWorker | None = None,
    ):
        super().__init__()
        self._next_after = next_after
        self._clock = clock
        self._due: datetime | None = None
        self._busy = False
        self._stopping = False
        self.paused_until: datetime | None = None
        self.paused_forever = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._wake)
        self._thread = QThread()
        self._thread.setObjectName("djamon-rounds")
        self._worker = worker or RoundWorker(clock)
        self._worker.moveToThread(self._thread)
        self._kick.connect(self._worker.run)
        self._worker.finished.connect(self._finished)
        self._worker.failed.connect(self._failed)

    # -- control ---------------------------------------------------------------------------------

    def start(self, first_round: bool = True) -> None:
        """Start the worker and run a round at once (or just wait for the next round time)."""
        self._thread.start()
        if first_round:
            self.run_now()
        else:
            self.arm()

    def stop(self, wait_ms: int = 8000) -> bool:
        """Stop timing and let a round in progress finish storing; True when it ended."""
        self._stopping = True
        self._timer.stop()
        self._thread.quit()
        return self._thread.wait(wait_ms)

    @property
    def paused(self) -> bool:
        return self.paused_forever or self.paused_until is not None

    def run_now(self) -> bool:
        """Start a round unless one is running; False when it could not start."""
        if self._busy or self._stopping:
            return False
        self._busy = True
        self._timer.stop()
        self.round_started.emit()
        self._kick.emit()
        return True

    def pause(self, until: datetime | None) -> None:
        """Pause until a time, or (None) until resumed."""
        self.paused_until = until
        self.paused_forever = until is None
        self.paused_changed.emit()
        self.arm()

    def resume(self) -> None:
        self.paused_until = None
        self.paused_forever = False
        self.paused_changed.emit()
        self.arm()

    # -- timing ----------------------------------------------------------------------------------

    def arm(self) -> None:
        """Set the timer for the next round time (or a minute, whichever is sooner)."""
        if self._stopping:
            return
        now = self._clock()
        try:
            self._due = self._next_after(now)
        except UserError as exc:
            self._due = None
            self.round_failed.emit(exc.message)
        self.next_round.emit(self._due)
        wait = MAX_WAIT if self._due is None else min(self._due - now, MAX_WAIT)
        self._timer.start(max(0, int(wait.total_seconds() * 1000)) + 50)

    @Slot()
    def _wake(self) -> None:
        now = self._clock()
        if self.paused_until is not None and now >= self.paused_until:
            self.resume()
            return
        if self._due is not None and now >= self._due and not self.paused and not self._busy:
            self.run_now()  # one round, however many minutes were missed
            return
        self.arm()

    @Slot(object, object)
    def _finished(self, report, deliveries) -> None:
        self._busy = False
        self.round_finished.emit(report, deliveries)
        self.arm()

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._busy = False
        self.round_failed.emit(message)
        self.arm()
