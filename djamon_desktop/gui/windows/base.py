"""What every window shares: a title as docs/contract.md gives it, a remembered geometry."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
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


class RememberedWindow:
    """Mixin for top-level windows: restores and saves geometry under ``key`` in QSettings."""

    settings: QSettings | None = None  # set once by the app (an INI file in the data folder)

    def remember(self, key: str, default_size: tuple[int, int]) -> None:
        self._geometry_key = f"geometry/{key}"
        widget: QWidget = self  # type: ignore[assignment]
        widget.setWindowIcon(app_icon())
        restored = False
        if RememberedWindow.settings is not None:
            saved = RememberedWindow.settings.value(self._geometry_key)
            if saved is not None:
                restored = widget.restoreGeometry(saved)
        if not restored:
            widget.resize(*default_size)
        QShortcut(QKeySequence.StandardKey.Close, widget, activated=widget.close)

    def save_geometry(self) -> None:
        if RememberedWindow.settings is not None and hasattr(self, "_geometry_key"):
            widget: QWidget = self  # type: ignore[assignment]
            RememberedWindow.settings.setValue(self._geometry_key, widget.saveGeometry())

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        self.save_geometry()
        super().closeEvent(event)  # type: ignore[misc]
