"""A line above a window's content: a message and one button (shown only with a message); and
the dashboard's page before there is anything to show."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from .. import plain


class NoticeBar(QFrame):
    """A line above the table: a message and one button."""

    def __init__(self, name: str, button_text: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = plain.label()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(button_text)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_text(self, text: str | None) -> None:
        if text:
            plain.set_text(self.label, text)
            self.button.setAccessibleDescription(plain.visible(text))  # what it acts on
        self.setVisible(bool(text))


NOTHING_YET = (
    "<h2>Nothing is monitored yet</h2>"
    "<p>Add the first site to watch, or import a djamon-desktop file.</p>"
)


class EmptyPage(QWidget):
    """Nothing monitored yet: two buttons to begin. While the database can't be reached it says
    that instead (nothing was read: the sites may well be there)."""

    def __init__(self, add, load) -> None:
        super().__init__()
        lay = QVBoxLayout(self)
        lay.addStretch()
        self.note = QLabel(NOTHING_YET)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.setWordWrap(True)
        lay.addWidget(self.note)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.add = QPushButton("Add a site…")
        self.add.clicked.connect(lambda *_: add())
        self.load = QPushButton("Import a file…")
        self.load.clicked.connect(lambda *_: load())
        buttons.addWidget(self.add)
        buttons.addWidget(self.load)
        buttons.addStretch()
        lay.addLayout(buttons)
        lay.addStretch()

    def show_unreachable(self, why: str | None) -> None:
        plain, rich = Qt.TextFormat.PlainText, Qt.TextFormat.RichText
        self.note.setTextFormat(rich if why is None else plain)
        self.note.setText(NOTHING_YET if why is None else f"Database unreachable\n\n{why}")
        self.add.setEnabled(why is None)
        self.load.setEnabled(why is None)
