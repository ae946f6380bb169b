"""Help > About and Help > README."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
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


def open_readme(data_dir: Path, status: Callable[[str], None]) -> bool:
    """Open the README with the desktop's viewer; ``status`` says what happened."""
    url = readme_url(data_dir)
    if url is None or not QDesktopServices.openUrl(url):
        status("No README could be opened: this copy was installed without one.")
        return False
    status(f"Opened {url.toLocalFile()}")
    return True
