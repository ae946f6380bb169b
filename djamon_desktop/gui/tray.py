"""The tray icon: its colour and shape say the state, its tooltip says it in words, and its menu
is rebuilt each time it opens. While a failing site waits for its retry (the fast lane), both
count down to it: ``Payments failing: 1st failure in a row — retrying in 12 s``. While the team
database can't be reached the icon is grey and both say so, whatever was last read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ..core.clock import Clock, utc_now
from ..core.states import FAILING, State
from ..core.status import Overview, retry_words
from .icons import state_icon
from .plain import dbus_tray, menu_text, tray_tip

TICK_MS = 1000  # how often the countdown to a retry is redrawn


class Tray(QObject):
    open_dashboard = Signal()
    open_outages = Signal()
    open_settings = Signal()
    open_sandbox_settings = Signal()
    check_now = Signal()
    pause = Signal(object)  # a timedelta, or None for "until I resume"
    resume = Signal()
    quit = Signal()

    def __init__(
        self, clock: Clock = utc_now, new_timer: Callable[[QObject], QTimer] = QTimer
    ) -> None:
        """``new_timer`` makes the countdown's timer: a test fires it itself (see App)."""
        super().__init__()
        self.clock = clock
        self.icon = QSystemTrayIcon()
        self._dbus_tray = dbus_tray()  # its tooltip: plain text there, escaped on XEmbed
        self.retry_at: datetime | None = None  # a failing site's next check, while there is one
        self._tick = new_timer(self.icon)  # the icon's: it goes when the icon is deleted
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._show_text)
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.overview = Overview(State.IDLE, "Starting")
        self.paused = False
        self.checking = False
        self.connectivity_lost = False
        self.next_round: datetime | None = None
        self.unreachable: str | None = None  # the team database (shown URL) while unreachable
        self.show_overview(self.overview)
        self.rebuild_menu()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def show_overview(self, overview: Overview) -> None:
        self.overview = overview
        self.icon.setIcon(state_icon(State.IDLE if self.unreachable else overview.state))
        self._show_text()

    def show_unreachable(self, shown_url: str | None) -> None:
        """The team database can't be reached (its URL, password as ***), or (None) it can."""
        self.unreachable = shown_url
        self.show_overview(self.overview)

    def show_retry(self, when: datetime | None) -> None:
        """A failing site's next check (the poller's fast lane), or None when no site fails."""
        self.retry_at = when
        if when is None:
            self._tick.stop()
        elif not self._tick.isActive():
            self._tick.start()
        self._show_text()

    def status_text(self) -> str:
        """The overview in words, with the countdown to the next retry while a site fails."""
        if self.unreachable:
            return f"database unreachable: {self.unreachable}"
        text, lead = self.overview.text, self.overview.lead
        if self.retry_at is not None and self.overview.state in FAILING:
            retry = f" — {retry_words((self.retry_at - self.clock()).total_seconds())}"
            if lead and text.startswith(lead):  # after the failing clause, before the others
                return f"{lead}{retry}{text[len(lead) :]}"
            text += retry
        return text

    def _show_text(self) -> None:
        self.icon.setToolTip(tray_tip(f"djamon-desktop: {self.status_text()}", self._dbus_tray))

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_dashboard.emit()

    def rebuild_menu(self) -> None:
        menu = self.menu
        menu.clear()
        status = menu.addAction(menu_text(self.status_text()))
        status.setEnabled(False)
        if self.checking:
            menu.addAction("Checking now…").setEnabled(False)
        elif self.next_round is not None and not self.paused:
            when = self.next_round.astimezone().strftime("%H:%M")
            menu.addAction(f"Next round at {when}").setEnabled(False)
        if self.connectivity_lost:
            self._add(menu, "Sandbox URLs in Settings…", self.open_sandbox_settings.emit)
        menu.addSeparator()
        self._add(menu, "Open dashboard", self.open_dashboard.emit)
        check = self._add(menu, "Check now", self.check_now.emit)
        check.setEnabled(not self.checking)
        if self.paused:
            resume = self._add(menu, "Resume monitoring", self.resume.emit)
            resume.setEnabled(not self.unreachable)  # the pause is stored in the database
        else:
            pause = menu.addMenu("Pause monitoring")
            pause.setEnabled(not self.unreachable)
            self._add(pause, "For 1 hour", lambda: self.pause.emit(timedelta(hours=1)))
            self._add(pause, "Until I resume", lambda: self.pause.emit(None))
        menu.addSeparator()
        self._add(menu, "Outages…", self.open_outages.emit)
        self._add(menu, "Settings…", self.open_settings.emit)
        menu.addSeparator()
        self._add(menu, "Quit", self.quit.emit)

    @staticmethod
    def _add(menu: QMenu, text: str, slot) -> QAction:
        action = menu.addAction(text)
        # Wrapped: connecting a signal's bound emit to triggered(bool) straight makes
        # PySide6 miscount references to True (it ends in a crash at exit).
        action.triggered.connect(lambda *_: slot())
        return action
