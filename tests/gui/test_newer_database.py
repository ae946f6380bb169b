"""An app started on a database written by a newer version says so in a window (someone who
started it from the application menu sees no terminal), then exits 2 once it is closed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMessageBox

from djamon_desktop.cli import main
from djamon_desktop.store.models import db

from ..conftest import opened


@pytest.mark.usefixtures("engine")
def test_a_newer_database_is_said_in_a_window_then_exit_2(
    qtbot, data_dir, run_process, capsys, shot
):
    assert run_process("sites").code == 0  # made, at this version's schema
    with opened(data_dir):
        db.execute_sql("UPDATE schema_version SET version = 99")
    seen: list[tuple[str, str]] = []

    def read_and_close() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox) or not box.isVisible():
            QTimer.singleShot(50, read_and_close)
            return
        seen.append((box.windowTitle(), f"{box.text()} {box.informativeText()}"))
        shot(box, "newer-database")
        button = box.button(QMessageBox.StandardButton.Close)
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)  # the person closes it

    QTimer.singleShot(50, read_and_close)
    assert main(["--data-dir", str(data_dir)]) == 2
    [(title, text)] = seen
    assert title == "Database from a newer version — djamon-desktop"
    assert "written by a newer djamon-desktop (schema 99" in text
    if "postgresql" in text:  # a team's: the password hidden, and what to do
        assert "***" in text and "upgrade djamon-desktop on this desktop" in text
    else:
        assert "install the newer version" in text
    err = capsys.readouterr().err
    assert "written by a newer djamon-desktop" in err and "Traceback" not in err
