"""The outage list (25 a page, newest first) and one outage in full. The duration of an open
outage counts up every second while its window is shown."""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.clock import Clock, utc_now
from ...core.outages import OUTAGES_PER_PAGE, duration_words
from ...core.status import answer_text, local_text, plural
from ...core.text import text_problem
from ...core.urls import shown_url
from .. import plain
from .apprise_tab import ApprisePlaces
from .base import RememberedWindow, label_form, window_title

if TYPE_CHECKING:
    from ...store.outbox import AlertInfo
    from ...store.queries import OutageInfo, SiteFailure

ID_ROLE = Qt.ItemDataRole.UserRole
DURATION_COLUMN = 3
CHANNELS = {"email": "E-mail", "twitter": "X", "apprise": "Apprise"}
EVENTS = {"opened": "outage opened", "closed": "outage ended"}


def open_duration(start: datetime, now: datetime) -> str:
    """``7 seconds so far``: how long an open outage has lasted."""
    return f"{duration_words((now - start).total_seconds())} so far"


class Ticker:
    """A one-second timer that runs only while its window is shown."""

    def __init__(self, window: QWidget, tick: Callable[[], None]) -> None:
        self.timer = QTimer(window)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(tick)

    def follow(self, window: QWidget, wanted: bool) -> None:
        if wanted and window.isVisible():
            if not self.timer.isActive():
                self.timer.start()
        else:
            self.timer.stop()


class OutagesWindow(RememberedWindow, QWidget):
    open_outage = Signal(int)
    page_wanted = Signal(int)

    def __init__(self, clock: Clock = utc_now) -> None:
        super().__init__()
        self.clock = clock
        self.setWindowTitle(window_title("Outages"))
        self.page = 1
        self.pages = 1
        self._open_rows: dict[int, datetime] = {}  # row -> start of an outage still open
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 5)
        self.table.setHorizontalHeaderLabels(["Code", "Start", "End", "Duration", "Sites"])
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        self.table.cellActivated.connect(self._activated)
        self.table.cellDoubleClicked.connect(self._activated)
        layout.addWidget(self.table)
        self.empty = plain.label("Reading the outages…")  # until a worker has read them
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        pager = QHBoxLayout()
        self.prev = QPushButton("‹ Newer")
        self.prev.clicked.connect(lambda: self.page_wanted.emit(self.page - 1))
        self.next = QPushButton("Older ›")
        self.next.clicked.connect(lambda: self.page_wanted.emit(self.page + 1))
        QShortcut(QKeySequence.StandardKey.MoveToPreviousPage, self, activated=self.prev.click)
        QShortcut(QKeySequence.StandardKey.MoveToNextPage, self, activated=self.next.click)
        self.page_label = plain.label()
        pager.addWidget(self.prev)
        pager.addStretch()
        pager.addWidget(self.page_label)
        pager.addStretch()
        pager.addWidget(self.next)
        layout.addLayout(pager)
        self.ticker = Ticker(self, self.tick)
        self.remember("outages", (760, 520))

    def show_page(self, page: int, items: list[OutageInfo], total: int) -> None:
        self.page = page
        self.pages = max(1, math.ceil(total / OUTAGES_PER_PAGE))
        self.table.setRowCount(len(items))
        self._open_rows = {}
        now = self.clock()
        for row, info in enumerate(items):
            if info.end_time is None:
                self._open_rows[row] = info.start_time
                duration = open_duration(info.start_time, now)
            else:
                duration = duration_words(info.seconds_down or 0)
            cells = [
                info.code,
                local_text(info.start_time),
                "still open" if info.end_time is None else local_text(info.end_time),
                duration,
                ", ".join(s.title for s in info.sites),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, info.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.empty.setText("No outages so far.")
        self.empty.setVisible(total == 0)
        self.table.setVisible(total > 0)
        self.page_label.setText(
            f"Page {page} of {self.pages} ({plural(total, 'outage')})" if total else "No outages"
        )
        self.prev.setEnabled(page > 1)
        self.next.setEnabled(page < self.pages)
        self.ticker.follow(self, bool(self._open_rows))

    def tick(self) -> None:
        now = self.clock()
        for row, start in self._open_rows.items():
            item = self.table.item(row, DURATION_COLUMN)
            if item is not None:
                item.setText(open_duration(start, now))

    def _activated(self, row: int, _column: int) -> None:
        self.open_outage.emit(self.table.item(row, 0).data(ID_ROLE))

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.tick()
        self.ticker.follow(self, bool(self._open_rows))

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.ticker.follow(self, False)
        super().hideEvent(event)


def failure_text(f: SiteFailure) -> str:
    """One site of an outage: why it failed, when, and its address (password hidden)."""
    primary = " — primary" if f.primary else ""
    lines = [f"{f.title}{primary} (since {local_text(f.start_time)})"]
    if f.last_failed is None:
        lines.append("Why: no failed check is kept for it")
    else:
        answer = answer_text(f.status_code, f.error)
        if f.error is None and f.status_code is not None:
            answer = f"answered {answer}"
        lines.append(
            f"Why: {answer} (last failed check {local_text(f.last_failed)}; "
            f"{plural(f.failed_checks, 'failed check')})"
        )
    lines.append(f"URL: {shown_url(f.url)}" if f.url else "URL: - (the site was deleted since)")
    return "\n".join(lines)


def alert_text(a: AlertInfo, places: dict[str, str] | None = None) -> str:
    """``Apprise (hooks.slack.com), outage opened: delivered ...``; an Apprise URL's delivery is
    named by ``places`` (fingerprint -> short name, from the keyring), else by its fingerprint."""
    channel = CHANNELS.get(a.channel, a.channel)
    if a.target:
        channel += f" ({(places or {}).get(a.target) or 'URL ' + a.target[:6]})"
    return f"{channel}, {EVENTS.get(a.event, a.event)}: {a.state_text()}"


class OutageWindow(RememberedWindow, QWidget):
    save_extra = Signal(int, str)

    def __init__(self, outage_id: int, clock: Clock = utc_now) -> None:
        super().__init__()
        self.outage_id = outage_id
        self.clock = clock
        self._open_since: datetime | None = None
        layout = QVBoxLayout(self)
        form, self.labels = label_form(
            ("Code", "Started", "Ended", "Duration", "Content", "Alerts delivered")
        )
        layout.addLayout(form)
        layout.addWidget(QLabel("Sites, and why each failed:"))
        self.sites = QListWidget()
        self.sites.setWordWrap(True)
        self.sites.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.sites.setAlternatingRowColors(True)
        layout.addWidget(self.sites, 2)
        layout.addWidget(QLabel("Alerts:"))
        self.alerts = QListWidget()
        self.alerts.setWordWrap(True)
        self.alerts.setAlternatingRowColors(True)
        self.alerts.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        layout.addWidget(self.alerts, 1)
        layout.addWidget(QLabel("Extra information:"))
        # one line: control characters (a line break too) are refused, as in every way in
        self.extra = QLineEdit()
        self.extra.setPlaceholderText("What happened, what was done…")
        self.extra.textChanged.connect(self._edited)
        self.extra.returnPressed.connect(self._save)
        layout.addWidget(self.extra)
        buttons = QHBoxLayout()
        self.saved_note = plain.label()
        self.saved_note.setWordWrap(True)  # a refusal says which character, and where
        buttons.addWidget(self.saved_note, 1)
        buttons.addStretch()
        self.save_button = QPushButton("Save")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self._save)
        self.save_button.setEnabled(False)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._stored_extra = ""
        self._alerts: list[AlertInfo] = []
        self.places: dict[str, str] = {}  # Apprise URLs' short names, by fingerprint
        self.apprise_places = ApprisePlaces(self)
        self.apprise_places.known.connect(self._places_known)
        self.extra.setFocus()  # the one thing to type in here
        self.ticker = Ticker(self, self.tick)
        self.remember("outage", (640, 680))

    def show_outage(
        self,
        info: OutageInfo,
        alerts: list[AlertInfo],
        failures: list[SiteFailure] = (),
    ) -> None:
        """Show ``info``, its alerts and what each of its sites failed with."""
        self.setWindowTitle(window_title(f"Outage {info.code}"))
        self._open_since = info.start_time if info.end_time is None else None
        values = {
            "Code": f"{info.code} (ID {info.id})",
            "Started": local_text(info.start_time),
            "Ended": "-" if info.end_time is None else local_text(info.end_time),
            "Duration": self._duration(info),
            "Content": info.content,
            "Alerts delivered": "yes" if info.notification_sent else "no",
        }
        for key, value in values.items():
            self.labels[key].setText(value)
        self.sites.clear()
        for f in failures:
            self.sites.addItem(failure_text(f))
        self._alerts = list(alerts)
        self._show_alerts()
        if any(a.target and a.target not in self.places for a in alerts):
            self.apprise_places.ask()  # on the keyring thread; the names follow
        self.sites.setCurrentRow(-1)  # read-only lines: no row looks picked
        if not self.save_button.isEnabled():  # never overwrite what the user is typing
            self._stored_extra = info.extra_information
            self.extra.blockSignals(True)
            self.extra.setText(info.extra_information)
            self.extra.blockSignals(False)
        self.ticker.follow(self, self._open_since is not None)

    def _show_alerts(self) -> None:
        self.alerts.clear()
        for a in self._alerts:
            self.alerts.addItem(alert_text(a, self.places))
        if not self._alerts:
            self.alerts.addItem("none (no alert channel was enabled)")
        self.alerts.setCurrentRow(-1)

    def _places_known(self, places: dict) -> None:
        self.places = places
        self._show_alerts()

    def _duration(self, info: OutageInfo) -> str:
        if info.end_time is None:
            return f"still open ({open_duration(info.start_time, self.clock())})"
        return duration_words(info.seconds_down or 0)

    def tick(self) -> None:
        if self._open_since is not None:
            duration = open_duration(self._open_since, self.clock())
            self.labels["Duration"].setText(f"still open ({duration})")

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.tick()
        self.ticker.follow(self, self._open_since is not None)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.ticker.follow(self, False)
        super().hideEvent(event)

    def _edited(self) -> None:
        self.save_button.setEnabled(self.extra.text() != self._stored_extra)
        self.saved_note.setText("")

    def _save(self) -> None:
        text = self.extra.text()
        if text == self._stored_extra:
            return
        problem = text_problem(text)
        if problem:  # a pasted tab or bidi control: said here, nothing sent to be stored
            self.saved_note.setText(f"Not saved: the text {problem}")
            return
        self.save_extra.emit(self.outage_id, text)
        self._stored_extra = text
        self.save_button.setEnabled(False)
        self.saved_note.setText("Saved")
