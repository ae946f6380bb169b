"""The tray icon: its colour and shape say the state, its tooltip says it in words, and its menu
is rebuilt each time it opens."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from ..core.status import Overview
from .icons import state_icon


class Tray(QObject):
    open_dashboard = Signal()
    open_outages = Signal()
    open_settings = Signal()
    open_sandbox_settings = Signal()
    check_now = Signal()
    pause = Signal(object)  # a timedelta, or None for "until I resume"
    resume = Signal()
    quit = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.icon = QSystemTrayIcon()
        self.menu = QMenu()
        self.menu.aboutToShow.connect(self.rebuild_menu)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.overview = Overview("idle", "Starting")
        self.paused = False
        self.checking = False
        self.connectivity_lost = False
        self.next_round: datetime | None = None
        self.show_overview(self.overview)
        self.rebuild_menu()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def show_overview(self, overview: Overview) -> None:
        self.overview = overview
        self.icon.setIcon(state_icon(overview.state))
        self.icon.setToolTip(f"djamon-desktop: {overview.text}")

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.open_dashboard.emit()

    def rebuild_menu(self) -> None:
        menu = self.menu
        menu.clear()
        status = menu.addAction(self.overview.text)
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
            self._add(menu, "Resume monitoring", self.resume.emit)
        else:
            pause = menu.addMenu("Pause monitoring")
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
