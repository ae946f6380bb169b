"""Help > About and Help > README."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import QProcess, Qt, QUrl
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


def open_readme(data_dir: Path, status: Callable[[str], None], parent: QWidget | None) -> None:
    """Open the README with the desktop's viewer; ``status`` says what happened. On Linux
    xdg-open is run here rather than through QDesktopServices, which only says whether
    xdg-open started: its exit status is what tells whether a viewer opened. When no viewer
    opens, the README's path is offered instead (a box with the path to copy)."""
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
    process = QProcess(parent)

    def finished(code: int, exit_status: QProcess.ExitStatus) -> None:
        process.deleteLater()
        if exit_status == QProcess.ExitStatus.NormalExit and code == 0:
            status(f"Opened {path}")
        else:
            normal = exit_status == QProcess.ExitStatus.NormalExit
            why = XDG_OPEN_STATUS.get(code, "it failed") if normal else "it crashed"
            _not_opened(path, f"xdg-open said {why} (exit status {code})", status, parent)

    def failed(error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            process.deleteLater()
            _not_opened(path, "xdg-open could not be started", status, parent)

    process.finished.connect(finished)
    process.errorOccurred.connect(failed)
    process.setProcessChannelMode(QProcess.ProcessChannelMode.ForwardedErrorChannel)
    status(f"Opening {path}…")
    process.start(launcher, [path])


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
