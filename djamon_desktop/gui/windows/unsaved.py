"""The question a window asks before it closes with input not saved: Save, Discard or Cancel.
Settings and the site editor ask it the same way, so that Escape, Cancel and the close button
never throw away what a person typed."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from .base import window_title

Button = QMessageBox.StandardButton


def ask_unsaved(
    window: QWidget, title: str, text: str, question: str, answered: Callable[[Button], None]
) -> QMessageBox:
    """Ask over ``window`` (modal to it alone), once: while the question is open, asking again
    gives the same box. ``answered`` gets the button chosen (Cancel for Escape). The box is
    ``window.close_question`` while it is open."""
    open_now = getattr(window, "close_question", None)
    if open_now is not None and open_now.isVisible():
        return open_now
    box = QMessageBox(
        QMessageBox.Icon.Question,
        window_title(title),
        text,
        Button.Save | Button.Discard | Button.Cancel,
        window,
    )
    box.setInformativeText(question)
    box.setDefaultButton(Button.Save)
    box.setEscapeButton(Button.Cancel)
    box.setWindowModality(Qt.WindowModality.WindowModal)

    def finished(_result: int) -> None:
        button = box.standardButton(box.clickedButton())
        window.close_question = None  # type: ignore[attr-defined]
        box.deleteLater()
        answered(button)

    box.finished.connect(finished)
    window.close_question = box  # type: ignore[attr-defined]
    box.open()
    return box
