"""Help > About and Help > README."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QMessageBox, QWidget

from .. import __version__
from ..paths import database_path, log_dir
from ..resources import resource_dir
from .icons import app_icon


def about_text(data_dir: Path) -> str:
    return (
        f"<h3>djamon-desktop {__version__}</h3>"
        "<p>A calm desktop monitor for the web resources a small team depends on.</p>"
        f"<p>Data folder: {escape(str(data_dir))}<br>"
        f"Database: {escape(str(database_path(data_dir)))}<br>"
        f"Logs: {escape(str(log_dir(data_dir)))}</p>"
    )


def show_about(data_dir: Path, parent: QWidget | None) -> QMessageBox:
    """The version and where the data, database and logs are (non-modal, deleted on close)."""
    box = QMessageBox(
        QMessageBox.Icon.NoIcon, "About — djamon-desktop", about_text(data_dir), parent=parent
    )
    box.setObjectName("about")
    box.setIconPixmap(app_icon().pixmap(64))
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box


def readme_url(data_dir: Path) -> QUrl | None:
    """The README beside the package (a source checkout), else the one in the installed
    package's metadata, written to the data folder to be opened."""
    beside = resource_dir().parent / "README.md"
    if beside.is_file():
        return QUrl.fromLocalFile(str(beside))
    from importlib import metadata

    try:
        text = metadata.metadata("djamon-desktop").get_payload()  # type: ignore[attr-defined]
    except metadata.PackageNotFoundError:
        text = None
    if not text:
        return None
    copy = data_dir / "README.md"
    copy.write_text(text, encoding="utf-8")
    return QUrl.fromLocalFile(str(copy))


#: What xdg-open's exit statuses mean (xdg-utils' manual page).
XDG_OPEN_STATUS = {
    1: "it was called wrongly",
    2: "it found no such file",
    3: "this desktop has no application for it",
    4: "the application failed",
}


#: how long xdg-open may run before the viewer is taken as open: for some desktops it runs the
#: viewer itself, in the foreground, until the viewer is closed
STILL_RUNNING_S = 5


class _Outcome(QObject):
    """What xdg-open's thread found, brought to the UI thread: ``said`` carries the empty
    string when the README opened, else why not."""

    said = Signal(str)

    def __init__(self, path: str, status: Callable[[str], None], parent: QWidget | None) -> None:
        super().__init__(parent)
        self._path, self._status, self._parent = path, status, parent
        self.said.connect(self._said)

    @Slot(str)
    def _said(self, why: str) -> None:
        self.deleteLater()
        if why:
            _not_opened(self._path, why, self._status, self._parent)
        else:
            self._status(f"Opened {self._path}")


def _run_xdg_open(launcher: str, path: str) -> str:
    """Run xdg-open on ``path`` (in its own session: closing the app leaves the viewer open);
    "" when it opened, or is still running after STILL_RUNNING_S (the viewer it runs), else
    what it said by its exit status."""
    try:
        process = subprocess.Popen(  # noqa: S603 - the desktop's own opener, on our own file
            [launcher, path],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as exc:
        return f"xdg-open could not be started ({exc.strerror})"
    try:
        code = process.wait(STILL_RUNNING_S)
    except subprocess.TimeoutExpired:
        threading.Thread(target=process.wait, daemon=True).start()  # reaped when it ends
        return ""
    if code == 0:
        return ""
    if code < 0:
        return f"xdg-open was stopped by signal {-code}"
    return f"xdg-open said {XDG_OPEN_STATUS.get(code, 'it failed')} (exit status {code})"


def open_readme(data_dir: Path, status: Callable[[str], None], parent: QWidget | None) -> None:
    """Open the README with the desktop's viewer; ``status`` says what happened. On Linux
    xdg-open is run here (on a thread of its own) rather than through QDesktopServices, which
    only says whether xdg-open started: its exit status is what tells whether a viewer opened.
    When none opens, the README's path is offered instead (a box with the path to copy)."""
    url = readme_url(data_dir)
    if url is None:
        status("No README could be opened: this copy was installed without one.")
        return
    path = url.toLocalFile()
    launcher = shutil.which("xdg-open") if sys.platform.startswith("linux") else None
    if launcher is None:
        if QDesktopServices.openUrl(url):
            status(f"Opened {path}")
        else:
            _not_opened(path, "the desktop could not open it", status, parent)
        return
    outcome = _Outcome(path, status, parent)

    def work() -> None:
        why = _run_xdg_open(launcher, path)
        with contextlib.suppress(RuntimeError):  # the window went meanwhile
            outcome.said.emit(why)

    status(f"Opening {path}…")
    threading.Thread(target=work, name="xdg-open", daemon=True).start()


def _not_opened(
    path: str, why: str, status: Callable[[str], None], parent: QWidget | None
) -> QMessageBox:
    """Say the README was not opened, and why, in the status line and in a box (non-modal)
    whose path can be selected and copied to open it by hand."""
    status(f"The README was not opened: {why}.")
    box = QMessageBox(
        QMessageBox.Icon.Information,
        "README — djamon-desktop",
        f"The README was not opened: {why}.\n\nIt is at:\n{path}",
        parent=parent,
    )
    box.setObjectName("readme")
    box.setTextFormat(Qt.TextFormat.PlainText)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    box.setModal(False)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.show()
    return box
