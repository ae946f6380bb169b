"""The outage list (25 a page, newest first; one outage in full is ``outage.OutageWindow``).
The duration of an open outage counts up every second while its window is shown."""

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
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.clock import Clock, utc_now
from ...core.outages import OUTAGES_PER_PAGE, duration_words
from ...core.status import local_text, plural
from .. import plain
from .base import RememberedWindow, window_title
from .columns import FittedColumns

if TYPE_CHECKING:
    from ...store.queries import OutageInfo

ID_ROLE = Qt.ItemDataRole.UserRole
DURATION_COLUMN = 3


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
        self.table.setAccessibleName("Outages")
        self.table.setTabKeyNavigation(False)  # arrows move in it, Tab moves on
        self.table.setAccessibleDescription("Newest first; Enter on a row opens that outage")
        self.table.cellDoubleClicked.connect(self._activated)
        self.columns = FittedColumns(self.table, "outages", title_column=None)
        self.columns.restore(RememberedWindow.settings)
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
        self.columns.fit_new(bool(items))  # once: paging and refreshes keep the widths
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
