"""The editors' list of maintenance windows: each a crontab line for its start and a length in
minutes, added and removed by hand. A line still typed in (not yet added) is saved with the rest,
so "type it, Save" works; the store's check (the import's) names any problem under the field."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ...core.maintenance import MINUTES_MAX, Window
from ...core.schedule import line_problem
from .. import plain
from .colours import error_text


class WindowsField(QWidget):
    changed = Signal()  # the list or what is typed changed (Settings previews quiet hours)

    def __init__(self, windows: Sequence[Window] = (), parent=None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.list = QListWidget()
        self.list.setObjectName("maintenance")
        self.list.setMaximumHeight(90)
        for window in windows:
            self._add_item(window)
        QShortcut(
            QKeySequence.StandardKey.Delete,
            self.list,
            self.remove_selected,
            Qt.ShortcutContext.WidgetShortcut,
        )
        layout.addWidget(self.list)
        row = QHBoxLayout()
        self.line = QLineEdit()
        self.line.setPlaceholderText("starts at, a crontab line: 0 2 * * 0 (Sundays 02:00)")
        self.minutes = QSpinBox()
        self.minutes.setRange(1, MINUTES_MAX)
        self.minutes.setValue(60)
        self.minutes.setSuffix(" min")
        self.add_button = QPushButton("Add")
        self.add_button.setAutoDefault(False)
        self.add_button.clicked.connect(lambda *_: self.add_typed())
        self.remove_button = QPushButton("Remove")
        self.remove_button.setAutoDefault(False)
        self.remove_button.clicked.connect(lambda *_: self.remove_selected())
        row.addWidget(self.line, 1)
        row.addWidget(self.minutes)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout.addLayout(row)
        # the form's label names the whole field; each part says its own job
        self.list.setAccessibleName("Windows added")
        self.line.setAccessibleName("New window starts at")
        self.line.setAccessibleDescription("A crontab line, e.g. 0 2 * * 0 for Sundays at 02:00")
        self.minutes.setAccessibleName("New window's length")
        self.add_button.setAccessibleDescription("Adds the new window to the list")
        self.remove_button.setAccessibleDescription("Removes the window selected in the list")
        self.error = plain.label()
        error_text(self.error)
        self.error.hide()
        self.line.textChanged.connect(lambda *_: self.error.hide())
        layout.addWidget(self.error)
        self.line.textChanged.connect(lambda *_: self.changed.emit())
        self.minutes.valueChanged.connect(lambda *_: self.changed.emit())
        self.list.model().rowsInserted.connect(lambda *_: self.changed.emit())
        self.list.model().rowsRemoved.connect(lambda *_: self.changed.emit())

    def show_windows(self, windows: Sequence[Window]) -> None:
        """Show these windows in place of the list's (what is typed in is cleared)."""
        self.list.clear()
        for window in windows:
            self._add_item(window)
        self.line.clear()

    def _add_item(self, window: Window) -> None:
        item = QListWidgetItem(f"{window.schedule} — {window.minutes} minutes")
        item.setData(Qt.ItemDataRole.UserRole, (window.schedule, window.minutes))
        self.list.addItem(item)

    def add_typed(self) -> bool:
        """Add the typed window to the list, or say what is wrong with its line."""
        line = " ".join(self.line.text().split())
        problem = line_problem(line)
        if problem:
            self.error.setText(problem)
            self.error.show()
            return False
        self._add_item(Window(line, self.minutes.value()))
        self.line.clear()
        return True

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)

    def windows(self) -> list[dict]:
        """Every window as the import has it, the one still typed in last."""
        out = []
        for row in range(self.list.count()):
            schedule, minutes = self.list.item(row).data(Qt.ItemDataRole.UserRole)
            out.append({"schedule": schedule, "minutes": minutes})
        typed = " ".join(self.line.text().split())
        if typed:
            out.append({"schedule": typed, "minutes": self.minutes.value()})
        return out
