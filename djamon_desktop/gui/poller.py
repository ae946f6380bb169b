"""The schedule's timer and the worker thread that runs rounds.

A single-shot QTimer wakes at the next minute the schedule names; waits are cut into pieces of
at most a minute, so a long gap can't overflow the timer and a wall-clock jump is noticed soon.
A timer that fires late (the machine slept) runs one round, never a burst: the next time is
always counted from now. Each round is one ``djamon_desktop.cycle.run_cycle``, the very function
``check`` calls, with the same clock, on a QThread; the report reaches windows only as a signal.

The fast lane (``core.fastlane``): the App hands the poller the sites it read after each
refresh (:meth:`Poller.track`), so a failure stored by any process of this vantage is seen; the
same timer then also wakes for the failing sites' retries, each a small round of just those sites
(``run_cycle(clock, only=...)``). A retry due within a second of a scheduled round merges into
it, and a scheduled round that comes due while a retry runs starts as soon as the retry ends.
Sites added since the first picture (the editor, an import, another process) that were never
checked get a small round of their own at once (:meth:`Poller.first_checks`), and waking from
sleep (``gui.sleep``) asks for a whole round at once (:meth:`Poller.woke`).

A team database that can't be reached (``DatabaseUnreachable``: a round, or the App's own
reading, found it down, refusing the login or restarting) is told apart from a failed round:
``database_lost``. From then on the UI thread asks the database nothing (a query could wait the
whole connect timeout): the timer only has the worker try it again every few seconds, and
``database_back`` says when it answers; a round missed meanwhile then runs at once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from ..core import fastlane
from ..core.clock import Clock, utc_now
from ..core.maintenance import Pause
from ..core.sites import SiteInfo
from ..core.states import State
from ..errors import UserError
from ..rechecking import Heartbeat, RecheckRound
from .jobs import pause_everything, resume_everything
from .round_worker import DatabaseTry, RoundWorker

log = logging.getLogger(__name__)

MAX_WAIT = timedelta(minutes=1)
RETRY_UNREACHABLE_MS = 2000  # while the team database can't be reached: how often to try it

__all__ = ["Poller", "RoundWorker"]


class Poller(QObject):
    round_started = Signal()
    round_finished = Signal(object, object)  # CycleReport, its list[Delivery]
    round_failed = Signal(str)
    next_round = Signal(object)  # aware datetime, or None
    next_retry = Signal(object)  # when a failing site is checked next (aware datetime), or None
    paused_changed = Signal()
    database_lost = Signal(str)  # the team database can't be reached (each failed try says why)
    database_back = Signal()  # ... and answers again
    _kick = Signal(object)  # None: every active site; else the site ids of a fast-lane round
    _try = Signal()

    def __init__(
        self,
        next_after: Callable[[datetime], datetime | None],
        clock: Clock = utc_now,
        worker: RoundWorker | None = None,
    ):
        super().__init__()
        self._next_after = next_after
        self._clock = clock
        self._due: datetime | None = None
        self._busy = False
        self._stopping = False
        self._started = False
        self._owed = False  # a scheduled round came due while another ran: it runs next
        self._failing: list[SiteInfo] = []  # the fast lane's sites, as last read
        self._retry_seconds = 0
        self._round_seconds = 0.0  # a round's deadline: a retry that would overlap one waits
        self._tried: dict[int, datetime] = {}  # when a round of ours last started with each
        self._retry: fastlane.Retry | None = None
        self._lost: str | None = None  # why the team database can't be reached, while it can't
        self._trying = False  # the worker is trying the database (not running a round)
        self._pause: Pause | None = None  # all monitoring's, as last read or set here
        self._asks: dict[int, int] = {}  # rechecks to answer: recheck id -> site id
        self._taken: set[int] = set()  # the rechecks already taken to answer
        self._seen: set[int] | None = None  # the active sites pictures showed (first_checks)
        self._new: set[int] = set()  # active sites added since, never checked: checked at once
        self.rounds = 0  # whole rounds started (``woke``: one started since waking is enough)
        self.first = False  # the round running (or just ended) is new sites' first checks
        self.heartbeat = Heartbeat()  # this vantage's app runs: its ``send`` is the App's
        #: runs a change to the database off the UI thread (the App's ``Reads.call``)
        self.change: Callable[[Callable[[], object]], None] = lambda job: job()
        self.retry_unreachable_ms = RETRY_UNREACHABLE_MS
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._wake)
        self._thread = QThread()
        self._thread.setObjectName("djamon-rounds")
        self._worker = worker or RoundWorker(clock)
        self._worker.moveToThread(self._thread)
        self._tries = DatabaseTry()
        self._tries.moveToThread(self._thread)
        self._kick.connect(self._worker.run)
        self._try.connect(self._tries.run)
        self._worker.finished.connect(self._finished)
        self._worker.failed.connect(self._failed)
        self._tries.unreachable.connect(self._unreachable)
        self._tries.reached.connect(self._reached)

    # -- control ---------------------------------------------------------------------------------

    def start(self, first_round: bool = True) -> None:
        """Start the worker and run a round at once (or just wait for the next round time)."""
        self._thread.start()
        self._started = True
        if self._lost is None:
            self.heartbeat.beat(self._clock())
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

    # All monitoring's pause is stored (store.maintenance), so the app and the command line's
    # ``pause``/``resume`` share it. The poller knows it from the last picture read (``shown``)
    # and from its own changes: the UI thread never asks the database.
    def pause_state(self) -> Pause | None:
        """All monitoring's pause while it runs, or None."""
        pause = self._pause
        if pause is not None and not pause.active(self._clock()):
            return None
        return pause

    @property
    def paused(self) -> bool:
        return self.pause_state() is not None

    def shown(self, pause: Pause | None) -> None:
        """All monitoring's pause as the last picture read it."""
        if pause != self._pause:
            self._pause = pause
            if self._started and not self._busy and not self._stopping:
                self.arm()

    def run_now(self) -> bool:
        """Start a round unless one is running; False when it could not start."""
        return self._start(None)

    def _start(
        self, only: Sequence[int] | None, asked: RecheckRound | None = None, first: bool = False
    ) -> bool:
        if self._busy or self._stopping:
            return False
        self._busy, self.first = True, first
        self._owed = False if only is None else self._owed
        self.rounds += only is None
        self._timer.stop()
        now = self._clock()
        for site in self._failing:
            if only is None or site.site_id in only:
                self._tried[site.site_id] = now
        self.round_started.emit()
        self._kick.emit(asked or (None if only is None else list(only)))
        return True

    def recheck(self, asks: Sequence[tuple[int, int]]) -> None:
        """Rechecks asked of this vantage, as the last picture found them: (recheck id, site
        id) each. Each is answered once, by a small round of its sites (``rechecking``): now,
        or as soon as the round under way ends."""
        listed = {recheck_id for recheck_id, _ in asks}
        self._taken &= listed  # one no longer listed is answered, or too old to answer
        for recheck_id, site_id in asks:
            if recheck_id not in self._taken:
                self._taken.add(recheck_id)
                self._asks[recheck_id] = site_id
        if self._started and not self._busy and self._lost is None:
            self._answer()

    def _answer(self) -> bool:
        """Start the round that answers the rechecks waiting; False when none waits."""
        if not self._asks or self._stopping:
            return False
        asks, self._asks = tuple(self._asks.items()), {}
        return self._start([site_id for _, site_id in asks], RecheckRound(asks))

    def first_checks(self, sites: Sequence[SiteInfo]) -> None:
        """The sites as the last picture read them. Active ones that were not there before and
        were never checked are checked at once, in a small round of just them (or as soon as
        the round under way ends), not at the schedule's next minute: 200 sites imported, one
        small round. The first picture's own wait for the first round, as they always did."""
        active = {site.site_id for site in sites if site.active}
        unknown = {site.site_id for site in sites if site.state == State.UNKNOWN} & active
        if self._seen is not None:
            self._new = unknown & (self._new | (active - self._seen))
        self._seen = active | (self._seen or set())
        if self._started and not self._busy and self._lost is None:
            self._first()

    def _first(self) -> bool:
        """Start the small round of the new sites; False when none waits (or all is paused)."""
        if not self._new or self._stopping or self.paused:
            return False
        new, self._new = sorted(self._new), set()
        return self._start(new, first=True)

    def woke(self, rounds: int) -> None:
        """The machine woke from sleep (``rounds``: ``self.rounds`` then): a whole round now,
        or as soon as the one under way ends (it may have been cut short by the sleep), unless
        a whole round started since waking or all monitoring is paused."""
        if rounds == self.rounds and not self.paused and not self.run_now():
            self._owed = True

    def track(
        self, failing: Sequence[SiteInfo], retry_seconds: int, round_seconds: float = 0
    ) -> None:
        """The sites failing from this vantage (its own strikes, not another desktop's: each
        vantage retries what it sees failing), as the last picture read them (the App calls
        this after each): they make the fast lane. ``round_seconds``: a round's
        deadline (the timeout); a retry that could still run when a scheduled round is due waits
        for it. The timer is set again unless a round is running (its end sets it)."""
        self._failing = list(failing)
        self._retry_seconds, self._round_seconds = retry_seconds, round_seconds
        kept = {site.site_id for site in self._failing}
        self._tried = {i: when for i, when in self._tried.items() if i in kept}
        if self._started and not self._busy and not self._stopping and self._lost is None:
            self._set_timer(self._clock())

    def pause(self, until: datetime | None) -> None:
        """Pause until a time, or (None) until resumed (stored by ``change``'s worker)."""
        self._pause = Pause(until)
        self.change(lambda: pause_everything(until, self._clock))
        self.paused_changed.emit()
        self.arm()

    def resume(self) -> None:
        self._pause = None
        self.change(lambda: resume_everything(self._clock))
        self.paused_changed.emit()
        self.arm()

    # -- timing ----------------------------------------------------------------------------------

    def arm(self) -> None:
        """Set the timer for the next round time (or a minute, whichever is sooner)."""
        if self._stopping:
            return
        if self._lost is not None:  # nothing is read until the database answers again
            self._timer.start(self.retry_unreachable_ms)
            return
        now = self._clock()
        try:
            self._due = self._next_after(now)
        except UserError as exc:
            self._due = None
            self.round_failed.emit(exc.message)
        self.next_round.emit(self._due)
        self._set_timer(now)

    def _set_timer(self, now: datetime) -> None:
        """Wake at the scheduled round, the fast lane's next retry, or in a minute, whichever is
        first (the scheduled round's time as it is: only ``arm`` counts it again)."""
        due = {} if self.paused else fastlane.lane(self._failing, self._retry_seconds, self._tried)
        self._retry = fastlane.next_retry(due, self._due, self._round_seconds)
        self.next_retry.emit(fastlane.next_check(due, self._due, self._round_seconds))
        wake = [when for when in (self._due, self._retry and self._retry.at) if when is not None]
        wait = min([*(when - now for when in wake), MAX_WAIT])
        self._timer.start(max(0, int(wait.total_seconds() * 1000)) + 50)

    @Slot()
    def _wake(self) -> None:
        now = self._clock()
        if self._lost is not None:
            if self._due is not None and now >= self._due:
                self._owed = True  # it runs as soon as the database answers
            if not self._busy and not self._stopping:
                self._busy = self._trying = True
                self._try.emit()
            return
        self.heartbeat.beat(now)
        pause = self._pause
        if pause is not None and pause.until is not None and now >= pause.until:
            self.resume()
            return
        if pause is None:
            if self._due is not None and now >= self._due:
                if self._busy:
                    self._owed = True  # after the round that runs, not a minute later
                    return
                self.run_now()  # one round, however many minutes were missed
                return
            retry = self._retry
            if retry is not None and now >= retry.at and not self._busy:
                self._start(retry.site_ids)  # one small round, however late
                return
        if not self._busy:
            self.arm()

    def _next(self) -> None:
        if self._busy:  # a round started meanwhile (a picture's first checks): its end decides
            return
        if self._lost is not None:
            self.arm()  # the next try
            return
        if self._answer() or (self._owed and not self.paused and self.run_now()) or self._first():
            return
        self._owed = False
        self.arm()

    @Slot(object, object)
    def _finished(self, report, deliveries) -> None:
        self._busy = False
        if getattr(report, "outcomes", None):  # stored: its write marked the app seen
            self.heartbeat.stored(self._clock())
        self._back()
        self.round_finished.emit(report, deliveries)
        self._next()

    def _failed(self, message: str, unreachable: bool = False) -> None:
        if unreachable:
            self._unreachable(message)
            return
        self._busy = False
        self.round_failed.emit(message)
        self._next()

    # -- a team database that can't be reached -------------------------------------------------

    @property
    def unreachable(self) -> str | None:
        """Why the team database can't be reached, while it can't (the UI reads nothing then)."""
        return self._lost

    def lost(self, message: str) -> None:
        """The team database can't be reached (the App's own reading found it so, or a round):
        grey until a try gets through, every ``retry_unreachable_ms``."""
        self._lost = message
        self.database_lost.emit(message)
        if self._started and not self._busy:
            self.arm()

    @Slot(str)
    def _unreachable(self, message: str) -> None:
        if not self._trying:
            self._owed = True  # the round that failed runs again once the database answers
        self._busy = self._trying = False
        self.lost(message)

    @Slot()
    def _reached(self) -> None:
        self._busy = self._trying = False
        self._back()
        self._next()

    def _back(self) -> None:
        if self._lost is not None:
            self._lost = None
            self.database_back.emit()
