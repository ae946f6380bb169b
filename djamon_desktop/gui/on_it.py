""" "I'm on it" from a notification, and the minutes it has been so.

Pressing the button of an outage's notification acknowledges the outage as the person at this
desktop (``DJAMON_USER``, else the login name, decided once at start) on the reads thread, never
the UI thread's. One that someone else has already stays theirs: a notification says who has it
(taking over is the outage window's, a deliberate second step). While someone is on the open
outage, a timer has the tray and the dashboard count the minutes again between readings.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer

from ..core.clock import Clock
from ..core.people import person
from ..core.states import State
from . import jobs
from .announce import on_it_message
from .notify import Notifier
from .reader import Reads

TICK_MS = 30_000  # how often "NAME is on it · 4 minutes" is counted again


class OnIt(QObject):
    """``ask(outage_id)`` when "I'm on it" is pressed; ``follow(current)`` with each picture's
    open outage, which starts or stops the minutes' timer (it calls ``recount``)."""

    def __init__(
        self,
        reads: Reads,
        notifier: Notifier,
        clock: Clock,
        status: Callable[[str], None],
        refresh: Callable[[], None],
        recount: Callable[[], None],
        new_timer: Callable[[QObject], QTimer] = QTimer,
    ) -> None:
        super().__init__()
        self._reads = reads
        self._notifier = notifier
        self._clock = clock
        self._status = status
        self._refresh = refresh
        self.person = person(None, os.environ)[0]
        self.minutes = new_timer(self)
        self.minutes.setInterval(TICK_MS)
        self.minutes.timeout.connect(recount)

    def ask(self, outage_id: int) -> None:
        now: datetime = self._clock()
        by = self.person
        self._reads.call(lambda: jobs.on_it(outage_id, by, now), self._done, self._failed)

    def _done(self, ack) -> None:
        if ack.by != self.person:
            texts = on_it_message(ack, self._clock())
            self._notifier.notify(*texts, ack.outage_id, state=State.DOWN)
            self._status(f"{ack.by} is on outage {ack.code} already; it stays theirs.")
        else:
            self._status(f"You are on outage {ack.code}; every desktop of the team sees it.")
        self._refresh()

    def _failed(self, message: str) -> None:
        self._notifier.notify("Not acknowledged", message, state=State.IDLE)
        self._status(f"Not acknowledged: {message}")
        self._refresh()

    def follow(self, current) -> None:
        """The open outage as the last picture has it (None: none is open)."""
        if current is not None and current.acknowledged_by:
            if not self.minutes.isActive():
                self.minutes.start()
        else:
            self.minutes.stop()

    def stop(self) -> None:
        self.minutes.stop()
