"""The dashboard's status bar: the tray's words (the overview) at its right, and passing
messages (an import's counts, an export's file) at its left. Qt paints a passing message on
under a permanent widget, so the two are fitted to each other here: the overview gives way to a
message down to a third of the width, and a message is cut to the room the overview leaves."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QMainWindow

from ...core.status import ON_IT
from ...core.text import one_line
from .. import plain

#: pixels of the status bar that neither the passing message nor the overview may use: Qt's
#: margin at the left, the gap between the two, the size grip's corner at the right
STATUS_MARGINS = 48


class StatusLine(QObject):
    """The status bar of ``window``; the window calls :meth:`fit` when it is resized."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._bar = window.statusBar()
        self.label = plain.label()  # the tray's words: titles
        self._bar.addPermanentWidget(self.label)
        self._bar.messageChanged.connect(lambda _text: self.fit())
        self._overview = ""

    def show_overview(self, text: str) -> None:
        """The tray's words, at the right (cut to fit; all of them in its tooltip)."""
        self._overview = text
        self.label.setToolTip(plain.tip(text))
        self.fit()

    def fit(self) -> None:
        """The overview takes at most 60% of the window's width; while a passing message shows,
        only the room the message leaves (down to a third): the two never share a pixel."""
        window_width = self._window.width()
        width = max(200, int(window_width * 0.6))
        message = self._bar.currentMessage()
        if message:
            wanted = self._bar.fontMetrics().horizontalAdvance(message) + STATUS_MARGINS
            width = min(width, max(window_width // 3, self._bar.width() - wanted))
        metrics = self.label.fontMetrics()
        self.label.setText(_elided(self._overview, metrics, width))

    def show_status(self, text: str, seconds: int = 8) -> None:
        """A passing message at the left, on one line, cut to the room the overview leaves."""
        line = one_line(" ".join(text.split("\n")))
        self._bar.showMessage(line, seconds * 1000)  # the overview makes room for it, if it can
        right = self.label.sizeHint().width() if self.label.isVisible() else 0
        room = max(0, self._bar.width() - right - STATUS_MARGINS)
        shown = self._bar.fontMetrics().elidedText(line, Qt.TextElideMode.ElideRight, room)
        if shown != line:
            self._bar.showMessage(shown, seconds * 1000)


def _elided(text: str, metrics, width: int) -> str:
    """``text`` cut at its right to ``width`` pixels, but for who is on the open outage, which
    the overview says last (``; alice is on it · 4 minutes``): the words before it give way,
    down to an ellipsis (the tooltip holds them all)."""
    right = Qt.TextElideMode.ElideRight
    head, sep, tail = text.rpartition("; ")
    if not sep or ON_IT not in tail or metrics.horizontalAdvance(text) <= width:
        return metrics.elidedText(text, right, width)
    kept = sep + tail
    room = width - metrics.horizontalAdvance(kept)
    cut = metrics.elidedText(head, right, room) if room > 0 else ""
    return (cut or "…") + kept
