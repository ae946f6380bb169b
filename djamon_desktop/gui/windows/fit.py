"""Windows that fit the screen they open on. A size chosen for one screen or scale (a saved
geometry, a default, a dialog's size hint) may not fit another: at QT_SCALE_FACTOR=2 on a
1024×600 screen the dashboard opened at 2200×1200 and Settings with its Save button off-screen.
Windows are shrunk and moved into the screen's available part (less panels and docks), and the
forms that can be taller than a screen scroll, so their buttons stay in reach."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

#: what a window manager's frame may add around a window not shown yet (its title bar above,
#: borders around): kept free of the available screen when a window is fitted to it
FRAME = QSize(16, 40)


def fitted(wanted: QRect, available: QRect) -> QRect:
    """``wanted`` made to fit ``available`` (a screen's room, less the frame): no larger, and
    moved inside it."""
    room = available.size() - FRAME
    size = wanted.size().boundedTo(room.expandedTo(QSize(1, 1)))
    right = available.right() - FRAME.width() - size.width()
    bottom = available.bottom() - FRAME.height() - size.height()
    left = max(min(max(wanted.left(), available.left()), right), available.left())
    top = max(min(max(wanted.top(), available.top()), bottom), available.top())
    return QRect(left, top, size.width(), size.height())


def fit_to_screen(widget: QWidget) -> QSize | None:
    """Shrink and move the top-level ``widget`` into the available part of the screen it is on,
    as far as its minimum size allows. Returns the size it was shrunk to, or None."""
    geometry = widget.geometry()
    screen = QGuiApplication.screenAt(geometry.center()) or widget.screen()
    if screen is None:
        return None
    room = fitted(geometry, screen.availableGeometry())
    shrunk = None
    if room.size() != geometry.size():
        widget.resize(room.size())  # (never under the layout's minimum size)
        shrunk = widget.size()
    if room.topLeft() != geometry.topLeft():
        widget.move(room.topLeft())
    return shrunk


class Scrolled(QScrollArea):
    """A form that scrolls when the screen is smaller than it, and otherwise asks for the room
    its content wants (a plain scroll area asks for less, and would scroll on a large screen)."""

    def __init__(self, content: QWidget, name: str) -> None:
        super().__init__()
        self.setAccessibleName(name)  # (a screen reader names every control)
        # not a stop of its own: the window's first field gets the keyboard, and Tab goes from
        # field to field (the area still scrolls to the one that has it)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.setWidget(content)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = self.widget().sizeHint()
        return QSize(hint.width() + self.verticalScrollBar().sizeHint().width(), hint.height())


def scrolled_column(window: QWidget, name: str) -> QVBoxLayout:
    """The column of ``window``'s content, scrolled (as ``name``) when the screen is smaller."""
    outer = QVBoxLayout(window)
    outer.setContentsMargins(0, 0, 0, 0)
    body = QWidget()
    outer.addWidget(Scrolled(body, name))
    return QVBoxLayout(body)
