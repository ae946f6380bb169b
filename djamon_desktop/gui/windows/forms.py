"""Small pieces the editing windows share: a field with its error shown right under it. The
error goes away as soon as the field is changed, not only at the next Save."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from .. import plain
from .colours import colour_text, error_text


def changed_signals(field: QWidget) -> list:
    """The signals a field sends when its value changes, typed or set."""
    if isinstance(field, QLineEdit | QPlainTextEdit):
        return [field.textChanged]
    if isinstance(field, QAbstractSpinBox):
        return [field.valueChanged]  # type: ignore[attr-defined]
    if isinstance(field, QComboBox):
        return [field.currentTextChanged, field.editTextChanged]
    if isinstance(field, QAbstractButton):
        return [field.toggled]
    return []


def quiet_label(text: str) -> QLabel:
    """A help text under a field, in the placeholder's colour."""
    label = plain.label(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setToolTip(plain.tip(text))
    colour_text(label, QPalette.ColorRole.PlaceholderText)  # (a readable shade of it)
    return label


def labelled_by(label: QWidget | None, field: QWidget) -> None:
    """Make ``label`` (a form's row label) name ``field`` for a screen reader: its buddy (which
    Qt's bridge gives as labelled-by, and Alt+its letter focuses the field) and, for fields Qt
    names only by their own name (lists, tables), that name."""
    if not isinstance(label, QLabel):
        return
    label.setBuddy(field)
    name = label.text().replace("&", "").rstrip(":").strip()
    if not field.accessibleName() and isinstance(field, QAbstractItemView):
        field.setAccessibleName(name)
    if isinstance(field, QComboBox):  # (Qt names it by its current text; labelled-by: name)
        field.view().setAccessibleName(f"{name} choices")
        if field.lineEdit() is not None:  # where a name is typed
            field.lineEdit().setAccessibleName(name)


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
        error = plain.label()
        error_text(error)
        error.setWordWrap(True)
        error.hide()
        column.addWidget(error)
        form.addRow(label, box)
        labelled_by(form.labelForField(box), field)
        self.labels[key] = error
        for signal in changed_signals(field):
            signal.connect(lambda *_, key=key: self.hide(key))

    def hide(self, key: str) -> None:
        """The field was changed: its old error no longer applies."""
        label = self.labels[key]
        if label.text() or label.isVisible():
            label.clear()
            label.hide()

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


def test_button_row(form: QFormLayout, tip: str, clicked) -> tuple[QPushButton, QLabel]:
    """A channel's "Send a test" button on a row of ``form`` (at its left, under the fields),
    and under it the label where what happened is said (hidden until then)."""
    row = QWidget()
    line = QHBoxLayout(row)
    line.setContentsMargins(0, 0, 0, 0)
    button = QPushButton("Send a test")
    button.setToolTip(tip)
    button.clicked.connect(clicked)
    line.addWidget(button)
    line.addStretch(1)
    form.addRow("", row)
    result = plain.label()
    result.setWordWrap(True)
    result.hide()
    form.addRow("", result)
    return button, result
