"""Working an outage from its window: who is on it ("On it: alice · 4 minutes"), the button
that says "I'm on it" (Acknowledge; Take over, after a confirmation naming who has it, when
someone else is; Unacknowledge when it is this desktop's person), and a note for the team.

The window only asks: the change is made on the reads thread (``store.incidents``, which
checks everything again, whoever calls) and shows from the next picture, on every desktop of a
team alike. A refusal (someone took it over meanwhile, the outage closed) comes back as one line
under the note field. A closed outage keeps who was on it and still takes notes."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.clock import Clock, utc_now
from ...core.people import NOTE_MAX, note_problem
from ...core.status import on_it_length
from .. import plain
from .base import window_title
from .colours import error_text

#: the button's words, each with its Alt key (Alt+A, Alt+O, Alt+U)
ACKNOWLEDGE, TAKE_OVER, UNACKNOWLEDGE = "&Acknowledge", "Take &over…", "&Unacknowledge"


def on_it_words(by: str | None, at: datetime | None, now: datetime, open_: bool) -> str:
    """``On it: alice · 4 minutes`` (for how long), ``Nobody is on it yet``; of a closed
    outage, who was."""
    if by is None:
        return "Nobody is on it yet" if open_ else "Nobody acknowledged it"
    if not open_:
        return f"Was on it: {by}"
    return f"On it: {by} · {on_it_length(at or now, now)}"


class IncidentPanel(QWidget):
    acknowledge = Signal(bool)  # take over
    unacknowledge = Signal()
    add_note = Signal(str)

    def __init__(self, me: str, clock: Clock = utc_now) -> None:
        super().__init__()
        self.me = me
        self.clock = clock
        self.code = ""
        self.holder: str | None = None
        self.held_since: datetime | None = None
        self.open = True
        self._pending_note: str | None = None
        self.take_over_question: QMessageBox | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        self.on_it = plain.label("Nobody is on it yet")
        self.on_it.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.on_it.font()
        font.setBold(True)
        self.on_it.setFont(font)
        row.addWidget(self.on_it, 1)
        self.ack_button = QPushButton(ACKNOWLEDGE)
        self.ack_button.setAutoDefault(False)
        self.ack_button.clicked.connect(self._ack_clicked)
        row.addWidget(self.ack_button)
        layout.addLayout(row)
        notes = QHBoxLayout()
        self.note_field = QLineEdit()
        self.note_field.setMaxLength(NOTE_MAX)
        self.note_field.setAccessibleName("Note for the team")
        self.note_field.setPlaceholderText("A note for the team: what you found, what you did…")
        self.note_field.setToolTip(
            f"Plain text, at most {NOTE_MAX:,} characters; Ctrl+Return adds it."
        )
        self.note_field.textChanged.connect(self._typed)
        self.note_field.returnPressed.connect(self._add_clicked)
        QShortcut(
            QKeySequence(Qt.Modifier.CTRL | Qt.Key.Key_Return),
            self.note_field,
            self._add_clicked,
            Qt.ShortcutContext.WidgetShortcut,
        )
        notes.addWidget(self.note_field, 1)
        self.add_button = QPushButton("Add &note")
        self.add_button.setAutoDefault(False)
        self.add_button.setEnabled(False)
        self.add_button.setAccessibleDescription("Adds the note to the outage's timeline")
        self.add_button.clicked.connect(self._add_clicked)
        notes.addWidget(self.add_button)
        layout.addLayout(notes)
        self.problem = plain.label()
        self.problem.setWordWrap(True)
        error_text(self.problem)
        self.problem.hide()
        layout.addWidget(self.problem)

    # -- what is shown ---------------------------------------------------------------------------

    def show_state(self, code: str, open_: bool, by: str | None, at: datetime | None) -> None:
        self.code, self.open, self.holder, self.held_since = code, open_, by, at
        if not open_:
            self.ack_button.hide()
        else:
            self.ack_button.show()
            if by is None:
                self.ack_button.setText(ACKNOWLEDGE)
            elif by == self.me:
                self.ack_button.setText(UNACKNOWLEDGE)
            else:
                self.ack_button.setText(TAKE_OVER)
        self.ack_button.setToolTip(self._button_help())
        self.tick()

    def _button_help(self) -> str:
        text = self.ack_button.text()
        if text == ACKNOWLEDGE:
            return plain.tip(f"Tell the team you are on it (as {self.me}).")
        if text == UNACKNOWLEDGE:
            return "Tell the team nobody is on it any more."
        return plain.tip(f"{self.holder} is on it; take it over (as {self.me}).")

    def tick(self) -> None:
        plain.set_text(
            self.on_it, on_it_words(self.holder, self.held_since, self.clock(), self.open)
        )

    # -- asking ----------------------------------------------------------------------------------

    def _ack_clicked(self) -> None:
        text = self.ack_button.text()
        if text == ACKNOWLEDGE:
            self._send(lambda: self.acknowledge.emit(False))
        elif text == UNACKNOWLEDGE:
            self._send(self.unacknowledge.emit)
        else:
            self._ask_take_over()

    def _ask_take_over(self) -> None:
        box = plain.box(
            QMessageBox.Icon.Question,
            window_title("Take over"),
            f"{self.holder} is on outage {self.code}. Take it over?",
            self,
        )
        plain.inform(box, f"{self.holder} and the team will see that {self.me} is on it.")
        box.setStandardButtons(QMessageBox.StandardButton.Cancel)
        take = box.addButton("Take over", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(take)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(lambda *_: self._take_over_answered(box, take))
        self.take_over_question = box
        box.open()

    def _take_over_answered(self, box: QMessageBox, take: QPushButton) -> None:
        self.take_over_question = None
        box.deleteLater()
        if box.clickedButton() is take:
            self._send(lambda: self.acknowledge.emit(True))

    def _send(self, emit) -> None:
        self.problem.hide()
        self.ack_button.setEnabled(False)  # until it is done (or refused)
        emit()

    def _typed(self) -> None:
        self.add_button.setEnabled(bool(self.note_field.text().strip()))
        self.problem.hide()

    def _add_clicked(self) -> None:
        text = self.note_field.text()
        if not text.strip() or self._pending_note is not None:
            return
        problem = note_problem(text)
        if problem:  # a pasted tab or bidi control: said here, nothing sent
            self.failed(f"Not added: the note {problem}")
            return
        self._pending_note = text
        self.add_button.setEnabled(False)
        self.add_button.setAccessibleDescription("Adds the note to the outage's timeline")
        self.add_note.emit(text)

    # -- the answer ------------------------------------------------------------------------------

    def done(self) -> None:
        """A change asked for was made (it shows with the next picture)."""
        self.ack_button.setEnabled(True)
        if self._pending_note is not None:
            if self.note_field.text() == self._pending_note:
                self.note_field.clear()
            self._pending_note = None
        self._typed()

    def failed(self, line: str) -> None:
        """A change was refused: said in one line under the note field; what was typed stays."""
        self.ack_button.setEnabled(True)
        self._pending_note = None
        self.add_button.setEnabled(bool(self.note_field.text().strip()))
        plain.set_text(self.problem, line)
        self.problem.show()
