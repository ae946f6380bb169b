"""Pausing one site by hand from the dashboard: the Sites menu's "Pause site…" (a small dialog:
for so many minutes, or until resumed) and "Resume site", enabled by what the selected site is.
While paused a site is in maintenance (``core.maintenance``): not checked, never blamed."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QMenu,
    QSpinBox,
    QVBoxLayout,
)

from ...core.maintenance import MINUTES_MAX
from ...core.sites import SiteInfo
from .. import plain
from .base import window_title


class SitePauseActions:
    """The two actions of the dashboard's Sites menu: they emit the window's ``pause_site`` or
    ``resume_site`` with the selected site's id."""

    def __init__(self, window, menu: QMenu) -> None:
        self._current: Callable[[], int | None] = lambda: window._current()[0]
        pause, resume = window.pause_site, window.resume_site
        self.act_pause = QAction("&Pause site…", window)
        self.act_pause.setShortcut(QKeySequence("Ctrl+P"))
        self.act_pause.triggered.connect(lambda *_: self._emit(pause))
        self.act_resume = QAction("&Resume site", window)
        self.act_resume.setShortcut(QKeySequence("Ctrl+Shift+P"))
        self.act_resume.triggered.connect(lambda *_: self._emit(resume))
        menu.addSeparator()
        menu.addAction(self.act_pause)
        menu.addAction(self.act_resume)

    def _emit(self, signal) -> None:
        site_id = self._current()
        if site_id is not None:
            signal.emit(site_id)

    def update(self, site_id: int | None, sites: Sequence[SiteInfo]) -> None:
        site = None if site_id is None else next((s for s in sites if s.site_id == site_id), None)
        self.act_pause.setEnabled(site is not None)
        self.act_resume.setEnabled(site is not None and site.paused)


class PauseDialog(QDialog):
    """How long to pause a site: so many minutes, or until resumed. ``until_resumed()`` and
    ``minutes()`` say what was chosen once it is accepted."""

    def __init__(self, title: str, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(window_title(f"Pause {title}"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            plain.label(
                f"While paused, {title} is not checked, keeps its strikes and opens no outage."
            )
        )
        form = QFormLayout()
        self.length = QSpinBox()
        self.length.setRange(1, MINUTES_MAX)
        self.length.setValue(60)
        self.length.setSuffix(" minutes")
        form.addRow("Pause for:", self.length)
        self.forever = QCheckBox("Until I resume it")
        self.forever.toggled.connect(lambda on: self.length.setEnabled(not on))
        form.addRow("", self.forever)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Pause")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.length.setFocus()

    def until_resumed(self) -> bool:
        return self.forever.isChecked()

    def minutes(self) -> int:
        return self.length.value()
