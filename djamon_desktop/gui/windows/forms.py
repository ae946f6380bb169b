"""Small pieces the editing windows share: a field with its error shown right under it."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget


class FieldErrors:
    """Error labels under form fields, keyed by the place names validation uses."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}

    def add_row(self, form: QFormLayout, label: str, key: str, field: QWidget) -> None:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(field)
        error = QLabel()
        error.setStyleSheet("color: #b00020;")
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        form.addRow(label, box)
        self.labels[key] = error

    def clear(self) -> None:
        for label in self.labels.values():
            label.clear()
            label.hide()

    def show(self, key: str, message: str) -> None:
        label = self.labels.get(key)
        if label is None:
            return
        label.setText((label.text() + "\n" if label.text() else "") + message)
        label.show()

    def show_problems(self, problems: list[str], strip: str = "") -> list[str]:
        """Put each ``place: message`` under its field; return those with no field."""
        unplaced = []
        for line in problems:
            place, _, message = line.partition(": ")
            if strip and place.startswith(strip):
                place = place[len(strip) :]
            key = place.split("[", 1)[0]
            if key in self.labels:
                self.show(key, message)
            else:
                unplaced.append(line)
        return unplaced

    def text(self, key: str) -> str:
        label = self.labels[key]
        return label.text() if label.isVisible() or label.text() else ""
