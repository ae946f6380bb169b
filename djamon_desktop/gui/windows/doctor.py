"""Help › Check this desktop: ``doctor``'s checks (:mod:`djamon_desktop.doctor`) in a window, as
plain text, with Copy (for a bug report or a colleague) and Check again. The checks run on a
thread of their own (they ask the session bus, the keyring, the database and the disk, each
with a deadline); the UI thread only starts them and shows the text they end with. Escape
closes the window."""

from __future__ import annotations

import contextlib
import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ... import doctor
from .. import plain
from .base import window_title

log = logging.getLogger(__name__)

TITLE = "Check this desktop"
CHECKING = (
    "Checking the display, the tray, notifications, the keyring, the database and the data folder…"
)


def checked_text(data_dir: Path) -> str:
    """Every check, as ``doctor`` prints them (run off the UI thread: it waits on buses and
    the database). The database is the one this app has open."""
    try:
        checks = doctor.run_checks(data_dir, database=doctor.database_in_use())
    except Exception as exc:  # a bug: said in the window, not raised on a bare thread
        log.exception("checking this desktop failed")
        return f"The check itself failed ({type(exc).__name__}); the log has the details."
    return doctor.as_text(checks)


class _Checker(QObject):
    """Runs the checks on a thread; ``done(text)`` comes on the UI thread."""

    done = Signal(str)
    _finished = Signal(str)

    def __init__(self, data_dir: Path, parent: QObject) -> None:
        super().__init__(parent)
        self.data_dir = data_dir
        self.running = False
        self._finished.connect(self._finish)

    def start(self) -> bool:
        if self.running:
            return False
        self.running = True
        threading.Thread(target=self._run, name="djamon-doctor", daemon=True).start()
        return True

    def _run(self) -> None:
        text = checked_text(self.data_dir)
        with contextlib.suppress(RuntimeError):  # the window (and this object) went meanwhile
            self._finished.emit(text)

    def _finish(self, text: str) -> None:
        self.running = False
        self.done.emit(text)


class DoctorWindow(QDialog):
    """Non-modal; closed by Escape, Close or the window manager, and then deleted."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("doctor")
        self.setWindowTitle(window_title(TITLE))
        self.setModal(False)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.heading = plain.label("What this desktop offers djamon-desktop:")
        self.text = QPlainTextEdit()
        self.text.setObjectName("checks")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.text.setAccessibleName("Checks of this desktop")
        self.text.setAccessibleDescription("each check: ok or missing, what was found, what to do")
        self.heading.setBuddy(self.text)
        buttons = QDialogButtonBox()
        self.again = QPushButton("Check &again")
        self.copy = QPushButton("&Copy")
        self.again.setAccessibleDescription("run every check again")
        self.copy.setAccessibleDescription("copy the checks as text to the clipboard")
        buttons.addButton(self.again, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.copy, QDialogButtonBox.ButtonRole.ActionRole)
        close = buttons.addButton(QDialogButtonBox.StandardButton.Close)
        close.clicked.connect(self.close)
        self.again.clicked.connect(lambda *_: self.check())
        self.copy.clicked.connect(lambda *_: self._copy())
        self.status = plain.label()
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.checker = _Checker(data_dir, self)
        self.checker.done.connect(self._show)
        self.resize(820, 460)

    def check(self) -> None:
        """Start the checks (at most one run at a time); the text says they are running."""
        if not self.checker.start():
            return
        self.text.setPlainText(CHECKING)
        self.again.setEnabled(False)
        self.copy.setEnabled(False)
        plain.set_text(self.status, "Checking…")

    def _show(self, text: str) -> None:
        self.text.setPlainText(plain.visible(text))
        self.again.setEnabled(True)
        self.copy.setEnabled(True)
        plain.set_text(self.status, text.splitlines()[-1] if text else "")

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text.toPlainText())
        plain.set_text(self.status, "Copied the checks to the clipboard.")


def show_doctor(data_dir: Path, parent: QWidget) -> DoctorWindow:
    """The window, checking; one that is open already is raised and checks again."""
    window = parent.findChild(DoctorWindow)
    if window is None:
        window = DoctorWindow(data_dir, parent)
    window.show()
    window.raise_()
    window.activateWindow()
    window.check()
    return window
