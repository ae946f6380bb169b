"""What every window shares: a title as docs/contract.md gives it, a remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut, QShowEvent
from PySide6.QtWidgets import QFormLayout, QLabel, QWidget

from .. import plain
from ..icons import app_icon
from .fit import fit_to_screen

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
        """Shrink and move the window into the available part of the screen it is on."""
        shrunk = fit_to_screen(self)  # type: ignore[arg-type]
        if shrunk is not None:
            self._shrunk = shrunk

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
