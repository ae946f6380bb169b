"""The tray app's wiring: the tray, the notifier and the poller connected to the windows
(``registry``), the editing with its undo (``editing``) and File > Import/Export
(``transfer``); and what every round and every change brings to the screen (``show``).

The UI thread never talks to the database (a team's may be slow, hung or gone) nor to the
network: rounds run on the poller's worker thread, readings and changes on the reads thread
(``reader``), imports and exports on their own. Each hands over plain data: a round's report and
a :class:`~djamon_desktop.picture.Picture` of everything shown, which ``show`` only displays.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from ..core.clock import Clock, utc_now
from ..core.people import person
from ..core.schedule import Schedule, local_zone
from ..core.settings_value import Settings
from ..core.states import State
from ..core.status import plural, unanswered_text
from ..picture import Picture, down_from, overview_of
from . import jobs, pausing
from .announce import back_message, down_message
from .editing import Editing
from .no_tray import NoTray
from .notify import Notifier
from .on_it import OnIt
from .poller import Poller, RoundWorker
from .process import start_again
from .reader import Reads, SharedReading
from .registry import WindowRegistry
from .sleep import Waking
from .transfer import Transfer
from .tray import Tray
from .watch import DatabaseWatch
from .windows.dashboard import DashboardWindow
from .wiring import wire_dashboard

log = logging.getLogger(__name__)


class App(QObject):
    shown = Signal()  # a picture was just displayed (the tests wait for it)

    def __init__(
        self,
        data_dir: Path,
        use_dbus: bool | None = None,
        clock: Clock = utc_now,
        target: str | None = None,
        new_timer: Callable[[QObject], QTimer] = QTimer,
    ) -> None:
        """``new_timer`` makes the timers of deadlines (an Undo's, a pause's end) and of the
        tray's countdown: a test gives one whose timers it fires itself, with ``clock`` set to
        the moment they stand for."""
        super().__init__()
        self.data_dir = data_dir
        self.clock = clock
        self.picture: Picture | None = None  # the last one shown
        #: who is at this desktop (``DJAMON_USER``, else the login name), decided once: what
        #: an acknowledgement or a note from the windows is signed with
        self.person = person(None, os.environ)[0]
        self.reading = SharedReading(clock)
        #: the team database as messages show it (password ***); None on SQLite
        self.target = target or self.reading.target()
        self.reads = Reads(self.reading)
        self.windows = WindowRegistry(
            data_dir, self.redisplay, self._wire_dashboard, self._rearm, self.restart, self
        )
        self.editing = Editing(
            self.redisplay,
            self._status,
            lambda: self.windows.dashboard,
            self.windows.close_site,
            self.reads,
            lambda: self.picture,
            new_timer=new_timer,
        )
        self.transfer = Transfer(lambda: self.windows.dashboard, self._status, self._rearm)
        self.tray = Tray(clock, new_timer)
        self.notifier = Notifier(self.tray.icon, use_dbus)
        self.poller = Poller(self._next_after, clock=clock, worker=RoundWorker(clock, self.reading))
        self.poller.change = self.reads.call
        self.waking = Waking(self.poller)  # logind's "awake again": a round within seconds
        # a live app vantage, one rechecks are asked of (its quit clears it: ``quit``)
        self.poller.heartbeat.send = lambda now: self.reads.call(lambda: jobs.app_running(now))
        self.reads.blocked = lambda: self.poller.unreachable
        self.connectivity = True
        self.last_error: str | None = None
        self.sandbox_failed: list[str] = []  # while connectivity is lost
        self.busy = 0  # sites the last round could not start in time (said in the tray)
        self._quitting = False
        self._looked = False  # the first picture was shown
        self.restarting = False  # quit to start again (the Team tab's Restart)
        self._disposed = False
        self._pause_ends = new_timer(self)  # a pause's end is shown when it comes, not later
        self._pause_ends.setSingleShot(True)
        self._pause_ends.timeout.connect(self.redisplay)
        self.on_it = OnIt(
            self.reads,
            self.notifier,
            clock,
            self._status,
            self.refresh,
            self._show_overview,
            new_timer,
        )

        self.notifier.clicked.connect(self.open_outage_or_list)
        self.notifier.on_it.connect(self.on_it.ask)
        self.notifier.undelivered.connect(self._status)  # shown nowhere: said there at least
        self.tray.open_dashboard.connect(self.windows.show_dashboard)
        self.tray.open_outages.connect(self.windows.show_outages)
        self.tray.open_settings.connect(self.windows.show_settings)
        self.tray.open_sandbox_settings.connect(self.windows.show_sandbox_settings)
        self.tray.check_now.connect(self.check_now)
        self.tray.pause.connect(self.pause)
        self.tray.resume.connect(self.poller.resume)
        self.tray.quit.connect(self.quit)
        self.reads.pictured.connect(self.show)
        self.reads.lost.connect(self.poller.lost)
        self.reads.failed.connect(self._status)
        p = self.poller
        self._from_poller = [
            (p.round_started, self._round_started),
            (p.round_finished, self._round_finished),
            (p.round_failed, self._round_failed),
            (p.next_round, self._next_round),
            (p.next_retry, self.tray.show_retry),
            (p.paused_changed, self.redisplay),
            (p.database_lost, self._database_lost),
            (p.database_back, self._database_back),
        ]
        for signal_, slot in self._from_poller:
            signal_.connect(slot)

        self.watch = DatabaseWatch(self)  # what other processes store, shown as it comes
        self.watch.changed.connect(self.refresh)
        self.watch.lost.connect(self.poller.lost)
        self.no_tray = NoTray(self)  # the state in the dashboard's title; a desktop with no tray

    def _wire_dashboard(self, d: DashboardWindow) -> None:
        wire_dashboard(self, d)

    def edit_then_show(self, job) -> None:
        """A change a window asked for, made on the reads thread, then shown."""
        self.reads.call(job, lambda _: self.refresh(), self._status)

    # -- life ------------------------------------------------------------------------------------

    def start(self, first_round: bool = True) -> None:
        self.tray.show()
        self.no_tray.start()
        if self.poller.unreachable is None:
            self.refresh()  # (a team database that can't be reached yet: once it answers)
        self.watch.start()
        self.poller.start(first_round)
        self.waking.start()

    def quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        self.quit_windows()
        ended = self.poller.stop() and self.transfer.wait()
        if ended and self.poller.unreachable is None:  # no live app vantage any more
            with contextlib.suppress(Exception):
                self.reads.wait(lambda: jobs.app_running(None))
        ended = ended and self.reads.stop()
        self.notifier.close()
        self.dispose()
        if not ended:
            # A round, a reading or an import still running. Its storing is one transaction, so
            # leaving now loses at most that; Qt would abort on a thread still running at exit.
            log.warning("quitting with a round, a reading or an import still running")
            if self.restarting:
                start_again()
            logging.shutdown()
            os._exit(0)
        QApplication.quit()

    def restart(self) -> None:
        """Quit, then start again with the same command (a new database choice is used)."""
        self.restarting = True
        self.quit()

    def quit_windows(self) -> None:
        """Finish what the user asked for (pending deletes) and save every window's geometry."""
        self.watch.stop()
        self.editing.finish_all()
        self.windows.save_geometry()

    def dispose(self) -> None:
        """Delete every window and the tray now, while Qt is still up. Undo deadlines still
        running stop here (quit_windows has finished them when the app quits)."""
        if self._disposed:
            return
        self._disposed = True
        self.watch.stop()
        self.waking.stop()
        self.editing.stop()
        self.transfer.stop()
        self.reads.stop()
        self._pause_ends.stop()
        self.on_it.stop()
        self.no_tray.stop()
        for signal_, slot in self._from_poller:
            signal_.disconnect(slot)  # a round still ending reports to nobody
        self._from_poller.clear()
        self.tray.hide()
        self.tray.menu.deleteLater()
        self.tray.icon.deleteLater()
        self.windows.dispose()

    # -- rounds ----------------------------------------------------------------------------------

    def settings(self) -> Settings:
        """The settings as last read (the defaults before the first picture)."""
        return self.picture.settings if self.picture else Settings.defaults()

    def _next_after(self, now: datetime) -> datetime | None:
        return Schedule(self.settings().schedule, local_zone()).next_after(now)

    def _rearm(self) -> None:
        """The schedule or the sites may have changed (Settings saved, a file imported)."""
        self.poller.arm()
        self.refresh()

    def check_now(self) -> None:
        if pausing.say_paused(self.poller.pause_state(), self.windows.dashboard, self.notifier):
            return
        if not self.poller.run_now():
            self._status("A round is running already.")

    def pause(self, length: timedelta | None) -> None:
        self.poller.pause(None if length is None else self.clock() + length)

    def _round_started(self) -> None:
        self.tray.checking = True
        if not self.poller.first:  # (new sites' first checks leave the import's words shown)
            self._status("Checking…")

    def _next_round(self, when) -> None:
        self.tray.next_round = when

    def _round_finished(self, report, deliveries) -> None:
        self.tray.checking = False
        self.last_error, self.busy = None, report.busy
        was = self.connectivity
        self.connectivity = report.connectivity
        # "lost" means no sandbox URL answered: every one of them failed
        self.sandbox_failed = list(report.unanswered)  # the cycle says which, when lost
        if was and not report.connectivity:
            self.notifier.notify(
                "Connectivity lost",
                f"{unanswered_text(self.sandbox_failed).capitalize()}. "
                "No site is blamed until the connection is back.",
                state=State.IDLE,
            )
        elif report.connectivity and not was:
            self.notifier.notify(
                "Connectivity back", "Sites are being checked again.", state=State.UP
            )
        failed = [d for d in deliveries if not d.ok]
        if failed:
            self._status(f"{plural(len(failed), 'alert')} kept queued: {failed[0].what}")
        elif not self.poller.first:
            self._status(f"Round done at {self.clock().astimezone():%H:%M:%S}")
        if report.picture is not None:
            self.show(report.picture)
        else:
            self.refresh()

    def _round_failed(self, message: str) -> None:
        self.tray.checking = False
        self.last_error, self.busy = message, 0
        self._status(message)
        self.refresh()

    # -- what is shown ---------------------------------------------------------------------------

    def _database_lost(self, message: str) -> None:
        self.tray.checking = False
        self.tray.show_unreachable(self.target or message)
        self._status(message)
        if self.windows.dashboard is not None:
            self.windows.dashboard.show_unreachable(message)

    def _database_back(self) -> None:
        self.tray.show_unreachable(None)
        if self.windows.dashboard is not None:
            self.windows.dashboard.show_unreachable(None)
        self.refresh()
        self.reads.resume()

    def refresh(self) -> None:
        """Read the database again on the reads thread; ``show`` displays what comes."""
        self.reading.wants = self.windows.wants()
        self.reads.request()

    def redisplay(self) -> None:
        """What the app itself changed shows at once from the last picture (a delete hidden,
        an undo, a pause, a window opened), then the database is read again."""
        if self.picture is not None and not self._disposed:
            self._display(self.picture)
        self.refresh()

    def show(self, picture: Picture) -> None:
        """Bring the tray and every open window up to date with ``picture``, and tell what its
        news are (an outage opened or ended)."""
        if self._disposed or (self.picture is not None and picture.number < self.picture.number):
            return  # (one read before the picture shown, handed over after it: old news)
        before, self.picture = self.picture, picture
        settings = picture.settings
        self.poller.shown(picture.pause)
        self.poller.track(picture.retrying, settings.retry_seconds, settings.timeout_seconds)
        self.poller.recheck(picture.rechecks_due)  # asked of this desktop: answered at once
        self.poller.first_checks(picture.sites)  # added since, never checked: checked at once
        if before is not None and before.settings.schedule != settings.schedule:
            self.poller.arm()
        for news in picture.announcements:
            if news.up:
                self.notifier.notify(*back_message(news.outage), news.outage.id, state=State.UP)
            else:
                words = down_from(picture, news.outage)
                texts = down_message(news.outage, picture.sites, words)
                self.notifier.notify(*texts, news.outage.id, critical=True, on_it=True)
        pause = picture.pause
        self._pause_ends.stop()
        if pause is not None and pause.until is not None:
            left = (pause.until - self.clock()).total_seconds()
            self._pause_ends.start(max(0, int(left * 1000)) + 100)
        self._display(picture)
        first, self._looked = not self._looked, True
        if first and not picture.sites and not picture.groups and self.windows.dashboard is None:
            self.windows.show_dashboard(False)  # a first launch: Add a site or Import, unasked
        self.shown.emit()

    def _display(self, picture: Picture) -> None:
        ov = self._overview(picture)
        self.tray.paused = self.poller.paused
        self.tray.connectivity_lost = not self.connectivity
        self.tray.show_overview(ov)
        self.windows.show_picture(picture, ov.text, self._connectivity_text(), self.editing)
        self.no_tray.show_state(ov)
        self.on_it.follow(picture.current)

    def _overview(self, picture: Picture):
        last = self.connectivity, self.sandbox_failed, self.last_error  # the last round's
        return overview_of(picture, *last, self.clock(), self.busy)

    def _show_overview(self) -> None:
        """The tray's words and the dashboard's status line again, from the last picture (the
        minutes someone has been on the open outage go on counting between readings)."""
        if self.picture is None or self._disposed:
            return
        ov = self._overview(self.picture)
        self.tray.show_overview(ov)
        if self.windows.dashboard is not None:
            self.windows.dashboard.show_overview(ov.text)

    def _connectivity_text(self) -> str | None:
        if self.connectivity:
            return None
        return (
            f"Connectivity lost: {unanswered_text(self.sandbox_failed)}. "
            "No site is blamed until one answers again."
        )

    def _status(self, text: str) -> None:
        if self.windows.dashboard is not None:
            self.windows.dashboard.show_status(text)

    def open_outage_or_list(self, outage_id: int) -> None:
        """A notification was clicked."""
        if not outage_id or self.windows.show_outage(outage_id) is None:
            self.windows.show_dashboard()
