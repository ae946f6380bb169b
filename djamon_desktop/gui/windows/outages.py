"""The outage list (25 a page, newest first) and one outage in full."""

from __future__ import annotations

import math
from datetime import UTC, datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.outages import duration_words
from ...core.status import local_text
from ...store.outbox import AlertInfo
from ...store.repo import OUTAGES_PER_PAGE, OutageInfo
from .base import RememberedWindow, label_form, window_title

ID_ROLE = Qt.ItemDataRole.UserRole


class OutagesWindow(RememberedWindow, QWidget):
    open_outage = Signal(int)
    page_wanted = Signal(int)

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(window_title("Outages"))
        self.page = 1
        self.pages = 1
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
        self.empty = QLabel("No outages so far.")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)
        pager = QHBoxLayout()
        self.prev = QPushButton("‹ Newer")
        self.prev.clicked.connect(lambda: self.page_wanted.emit(self.page - 1))
        self.next = QPushButton("Older ›")
        self.next.clicked.connect(lambda: self.page_wanted.emit(self.page + 1))
        QShortcut(QKeySequence.StandardKey.MoveToPreviousPage, self, activated=self.prev.click)
        QShortcut(QKeySequence.StandardKey.MoveToNextPage, self, activated=self.next.click)
        self.page_label = QLabel()
        pager.addWidget(self.prev)
        pager.addStretch()
        pager.addWidget(self.page_label)
        pager.addStretch()
        pager.addWidget(self.next)
        layout.addLayout(pager)
        self.remember("outages", (760, 520))

    def show_page(self, page: int, items: list[OutageInfo], total: int) -> None:
        self.page = page
        self.pages = max(1, math.ceil(total / OUTAGES_PER_PAGE))
        self.table.setRowCount(len(items))
        for row, info in enumerate(items):
            cells = [
                info.code,
                local_text(info.start_time),
                "open" if info.end_time is None else local_text(info.end_time),
                "-" if info.seconds_down is None else duration_words(info.seconds_down),
                ", ".join(s.title for s in info.sites),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, info.id)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.empty.setVisible(total == 0)
        self.table.setVisible(total > 0)
        self.page_label.setText(f"Page {page} of {self.pages} ({total} outages)")
        self.prev.setEnabled(page > 1)
        self.next.setEnabled(page < self.pages)

    def codes(self) -> list[str]:
        return [self.table.item(r, 0).text() for r in range(self.table.rowCount())]

    def _activated(self, row: int, _column: int) -> None:
        self.open_outage.emit(self.table.item(row, 0).data(ID_ROLE))


class OutageWindow(RememberedWindow, QWidget):
    save_extra = Signal(int, str)

    def __init__(self, outage_id: int) -> None:
        super().__init__()
        self.outage_id = outage_id
        layout = QVBoxLayout(self)
        form, self.labels = label_form(
            ("Code", "Started", "Ended", "Duration", "Content", "Alerts delivered")
        )
        layout.addLayout(form)
        layout.addWidget(QLabel("Sites:"))
        self.sites = QListWidget()
        self.sites.setMaximumHeight(120)
        layout.addWidget(self.sites)
        layout.addWidget(QLabel("Alerts:"))
        self.alerts = QListWidget()
        self.alerts.setMaximumHeight(90)
        layout.addWidget(self.alerts)
        layout.addWidget(QLabel("Extra information:"))
        self.extra = QPlainTextEdit()
        self.extra.setPlaceholderText("What happened, what was done…")
        self.extra.textChanged.connect(self._edited)
        layout.addWidget(self.extra)
        buttons = QHBoxLayout()
        self.saved_note = QLabel()
        buttons.addWidget(self.saved_note)
        buttons.addStretch()
        self.save_button = QPushButton("Save")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self._save)
        self.save_button.setEnabled(False)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._stored_extra = ""
        self.remember("outage", (600, 620))

    def show_outage(self, info: OutageInfo, alerts: list[AlertInfo]) -> None:
        self.setWindowTitle(window_title(f"Outage {info.code}"))
        if info.end_time is None:
            since = (datetime.now(UTC) - info.start_time).total_seconds()
            duration = f"still open ({duration_words(since)} so far)"
        else:
            duration = duration_words(info.seconds_down or 0)
        values = {
            "Code": f"{info.code} (ID {info.id})",
            "Started": local_text(info.start_time),
            "Ended": "-" if info.end_time is None else local_text(info.end_time),
            "Duration": duration,
            "Content": info.content,
            "Alerts delivered": "yes" if info.notification_sent else "no",
        }
        for key, value in values.items():
            self.labels[key].setText(value)
        self.sites.clear()
        for s in info.sites:
            primary = " — primary" if s.primary else ""
            self.sites.addItem(f"{s.title}{primary} (since {local_text(s.start_time)})")
        self.alerts.clear()
        for a in alerts:
            self.alerts.addItem(f"{a.channel} ({a.event}): {a.state_text()}")
        if not alerts:
            self.alerts.addItem("none (no alert channel was enabled)")
        if not self.save_button.isEnabled():  # never overwrite what the user is typing
            self._stored_extra = info.extra_information
            self.extra.blockSignals(True)
            self.extra.setPlainText(info.extra_information)
            self.extra.blockSignals(False)

    def _edited(self) -> None:
        self.save_button.setEnabled(self.extra.toPlainText() != self._stored_extra)
        self.saved_note.setText("")

    def _save(self) -> None:
        text = self.extra.toPlainText()
        self.save_extra.emit(self.outage_id, text)
        self._stored_extra = text
        self.save_button.setEnabled(False)
        self.saved_note.setText("Saved")
