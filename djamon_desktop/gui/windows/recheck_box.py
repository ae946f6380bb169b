"""The site window's Recheck everywhere: a button that asks every desktop whose app runs (on
SQLite: this one) to check the site now, and each desktop's answer as it arrives.

The ask goes to the reads thread (the registry hands it ``jobs.ask_recheck``); the answers come
in the pictures that follow (``SiteDetail.recheck``), shown as plain text, one line a desktop.
A desktop that has not answered says "waiting" until the wait is over, then "no answer within
15 s": a timer of the box's own shows that moment without waiting for another picture."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from ...core.clock import Clock
from ...core.rechecks import WAIT, Asked, vantage_line
from ...core.status import local_text
from ..plain import label, set_text


def recheck_text(asked: Asked, now: datetime) -> str:
    """The recheck's heading and one line per desktop asked."""
    head = f"Recheck asked {local_text(asked.asked_at)} by {asked.asked_by}:"
    return "\n".join([head, *(vantage_line(asked, v, now) for v in asked.vantages)])


class RecheckBox(QWidget):
    asked = Signal()  # the button was clicked: ask the recheck

    def __init__(self, clock: Clock) -> None:
        super().__init__()
        self.clock = clock
        self.button = QPushButton("&Recheck everywhere")
        self.button.setToolTip("Every desktop whose app runs checks this site now")
        self.button.clicked.connect(self._ask)
        self.answers = label()
        self.answers.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.answers)
        self._shown: Asked | None = None
        self._over = QTimer(self)  # the wait's end, shown when it comes
        self._over.setSingleShot(True)
        self._over.timeout.connect(lambda: self.show_recheck(self._shown))

    def _ask(self) -> None:
        self.button.setEnabled(False)  # until the ask is stored, or refused
        set_text(self.answers, "Asking every desktop whose app runs…")
        self.asked.emit()

    def refused(self, why: str) -> None:
        """The ask was not stored: why (no desktop's app runs, the site is inactive...)."""
        self.button.setEnabled(True)
        set_text(self.answers, f"Not rechecked: {why}")

    def taken(self) -> None:
        self.button.setEnabled(True)

    def show_recheck(self, asked: Asked | None) -> None:
        """The site's last recheck as the picture has it (None: none, nothing shown)."""
        self._shown = asked
        self._over.stop()
        if asked is None:
            return
        now = self.clock()
        set_text(self.answers, recheck_text(asked, now))
        if not asked.over(now):
            left = (asked.asked_at + WAIT - now).total_seconds()
            self._over.start(max(0, int(left * 1000)) + 100)
