"""What every window shares: a title as docs/contract.md gives it, a remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSettings, QSize, Qt
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from .. import plain
from ..icons import app_icon

SUFFIX = " — djamon-desktop"


def window_title(name: str) -> str:
    return f"{plain.visible(name)}{SUFFIX}"


def label_form(keys: tuple[str, ...]) -> tuple[QFormLayout, dict[str, QLabel]]:
    """A form of read-only, selectable values, one row per key. The values are data (titles,
    messages, vantage names from import files and other desktops): shown as plain text."""
    form = QFormLayout()
    labels: dict[str, QLabel] = {}
    for key in keys:
        label = plain.label()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(f"{key}:", label)
        labels[key] = label
    return form, labels


#: what a window manager's frame may add around a window not shown yet (its title bar above,
#: borders around): kept free of the available screen when a window is fitted to it
FRAME = QSize(16, 40)


def fitted(wanted: QRect, available: QRect) -> QRect:
    """``wanted`` made to fit ``available`` (a screen's room, less the frame): no larger, and
    moved inside it."""
    room = available.size() - FRAME
    size = wanted.size().boundedTo(room.expandedTo(QSize(1, 1)))
    left = min(
        max(wanted.left(), available.left()), available.right() - FRAME.width() - size.width()
    )
    top = min(
        max(wanted.top(), available.top()), available.bottom() - FRAME.height() - size.height()
    )
    return QRect(
        max(left, available.left()), max(top, available.top()), size.width(), size.height()
    )


class RememberedWindow:
    """Mixin for top-level windows: restores and saves geometry under ``key`` in QSettings,
    always fitting the screen it opens on. A saved size too large for that screen (saved at
    another scale, or on a larger screen) is shrunk to fit, but is not saved back shrunk unless
    the person resizes the window: on the larger screen it comes back as it was."""

    settings: QSettings | None = None  # set once by the app (an INI file in the data folder)

    def remember(self, key: str, default_size: tuple[int, int]) -> None:
        self._geometry_key = f"geometry/{key}"
        self._shrunk: QSize | None = None  # the size fitted to the screen, while unchanged
        self._fit_on_show = True
        widget: QWidget = self  # type: ignore[assignment]
        widget.setWindowIcon(app_icon())
        restored = False
        if RememberedWindow.settings is not None:
            saved = RememberedWindow.settings.value(self._geometry_key)
            if saved is not None:
                restored = widget.restoreGeometry(saved)
        if not restored:
            widget.resize(*default_size)
        self.fit_screen()
        QShortcut(QKeySequence.StandardKey.Close, widget, activated=widget.close)

    def fit_screen(self) -> None:
        """Shrink and move the window into the available part of the screen it is on (less
        panels and docks), as far as its minimum size allows."""
        widget: QWidget = self  # type: ignore[assignment]
        geometry = widget.geometry()
        screen = QGuiApplication.screenAt(geometry.center()) or widget.screen()
        if screen is None:
            return
        room = fitted(geometry, screen.availableGeometry())
        if room == geometry:
            return
        if room.size() != geometry.size():
            widget.resize(room.size())  # (never under the layout's minimum size)
            self._shrunk = widget.size()
        widget.move(room.topLeft())

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        if getattr(self, "_fit_on_show", False):  # its layout in force now: fitted again
            self._fit_on_show = False
            self.fit_screen()

    def save_geometry(self) -> None:
        if RememberedWindow.settings is None or not hasattr(self, "_geometry_key"):
            return
        widget: QWidget = self  # type: ignore[assignment]
        columns = getattr(self, "columns", None)  # a table's widths the person dragged
        if columns is not None:
            columns.save(RememberedWindow.settings)
        if self._shrunk is not None and widget.size() == self._shrunk:
            return  # fitted to this screen, not the person's choice: the saved size stays
        RememberedWindow.settings.setValue(self._geometry_key, widget.saveGeometry())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.save_geometry()
        super().closeEvent(event)  # type: ignore[misc]
