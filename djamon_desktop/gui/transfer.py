"""File > Import… and Export…: the file dialog, the work itself on a worker thread (a Djamon
fixture of 200,000 checks takes seconds) behind a busy dialog, and what came of it: a short line
in the status bar, a box with the rest when a Djamon fixture held objects that were skipped or
fields under other names, or the problems.

An import is one transaction, so it has no Cancel: it is stored whole or not at all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QMessageBox, QProgressDialog, QWidget

from ..core.djamon_fixture import FileChanged
from ..core.import_file import TOO_BIG, Unreadable, open_import
from ..core.problems import DocumentRefused, passwords_said
from ..core.status import plural
from ..core.text import one_line
from ..errors import UserError
from ..store import repo
from ..store.database import close_database
from ..store.fixture import FixtureSummary
from . import plain

log = logging.getLogger(__name__)

BUSY_AFTER_MS = 300  # a quick import or export shows no busy dialog at all
SHOWN_LINES = 30  # of a summary's or a refusal's details, in the box itself
MODEL_CHARS = 60  # of a skipped model's name (the file's own text), in the box
JSON_FILTER = "JSON files (*.json);;All files (*)"


@dataclass(frozen=True)
class Outcome:
    """What an import or export came to (made on the worker thread)."""

    kind: str  # "Import" or "Export"
    path: str
    summary: str | None = None  # what was done, one line
    fixture: FixtureSummary | None = None  # what a Djamon fixture brought, in parts
    problem: str | None = None  # what went wrong, one line
    details: str = ""  # the problems, one a line
    pending: str | None = None  # an export's text, not written until confirmed
    passwords: int = 0  # the sites whose URLs in ``pending`` hold a password


def import_job(path: str) -> Outcome:
    try:
        with open_import(path) as file:
            what = repo.import_file_summary(file)
    except Unreadable as exc:
        return Outcome("Import", path, problem=f"Nothing was imported from {path}: {exc.reason}")
    except DocumentRefused as refused:
        problem = f"Nothing was imported from {path}:"
        return Outcome("Import", path, problem=problem, details="\n".join(refused.problems))
    except FileChanged as exc:  # not "nothing": what came before it is stored
        return Outcome("Import", path, problem=f"{path}: {exc.message}")
    except UserError as exc:
        return Outcome("Import", path, problem=f"Nothing was imported from {path}: {exc.message}")
    except MemoryError:
        return Outcome("Import", path, problem=f"Nothing was imported from {path}: {TOO_BIG}")
    if isinstance(what, FixtureSummary):
        return Outcome("Import", path, fixture=what)
    return Outcome("Import", path, summary=what)


def export_job(path: str, confirmed: str | None = None) -> Outcome:
    """Export to ``path``; when site URLs hold passwords, only what is to be written, for the
    person to confirm first (``confirmed``: that text, confirmed)."""
    text = confirmed
    if text is None:
        text, passwords = repo.export_document()
        if passwords:
            return Outcome("Export", path, pending=text, passwords=passwords)
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as exc:
        return Outcome("Export", path, problem=f"{path} can't be written: {exc.strerror}")
    return Outcome("Export", path, summary=f"Exported to {path}.")


def fixture_details(fixture: FixtureSummary) -> str:
    """What the box says beside a fixture's counts, one item a line: the objects skipped (of
    other apps, or models that are not Djamon's), then the fields read under other names."""
    parts = []
    if fixture.skipped:
        parts.append("Skipped (objects of other apps or of models this program does not know):")
        for model, count in sorted(fixture.skipped.items()):
            shown = model if len(model) <= MODEL_CHARS else model[: MODEL_CHARS - 1] + "…"
            parts.append(f"{count} {one_line(shown)}")
    if fixture.readings:
        if parts:
            parts.append("")
        parts.append("Fields under other names:")
        parts += [one_line(reading) for reading in fixture.readings]  # they quote the file
    return "\n".join(parts)


class Transfer(QObject):
    """``window`` gives the dashboard (the dialogs' parent, may be None), ``status`` says a
    line in it, ``imported`` runs after a successful import (re-arm the poller, redraw)."""

    _done = Signal(object)  # from the worker thread

    def __init__(
        self,
        window: Callable[[], QWidget | None],
        status: Callable[[str], None],
        imported: Callable[[], None],
    ) -> None:
        super().__init__()
        self._window = window
        self._status = status
        self._imported = imported
        self._thread: threading.Thread | None = None
        self.busy: QProgressDialog | None = None
        self.export_box: QMessageBox | None = None  # the last confirmation asked
        self._done.connect(self._show_outcome)

    # -- dialogs ---------------------------------------------------------------------------------

    def ask_import(self) -> QFileDialog:
        dialog = QFileDialog(self._window(), "Import", str(Path.home()), JSON_FILTER)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        return self._open(dialog, self.import_file)

    def ask_export(self) -> QFileDialog:
        default = str(Path.home() / "djamon-desktop.json")
        dialog = QFileDialog(self._window(), "Export", default, JSON_FILTER)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix("json")
        dialog.selectFile(default)
        return self._open(dialog, self.export_file)

    def _open(self, dialog: QFileDialog, then: Callable[[str], bool]) -> QFileDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(then)
        dialog.open()  # window-modal, without a nested event loop
        return dialog

    # -- the work --------------------------------------------------------------------------------

    def import_file(self, path: str) -> bool:
        """Import ``path`` on a worker thread; False when another transfer is running."""
        return self._start(import_job, path, f"Importing {Path(path).name}…")

    def export_file(self, path: str) -> bool:
        """Export to ``path`` on a worker thread; False when another transfer is running."""
        return self._start(export_job, path, f"Exporting to {Path(path).name}…")

    def _start(self, job: Callable[[str], Outcome], path: str, label: str) -> bool:
        if self._thread is not None:
            self._status("An import or export is running already.")
            return False
        kind = "Import" if job is import_job else "Export"
        self._status(label)
        busy = QProgressDialog(label, None, 0, 0, self._window())
        busy.setLabel(plain.label(label))  # the file's name: Qt's own label guesses rich text
        busy.setWindowTitle(f"{kind} — djamon-desktop")
        busy.setMinimumWidth(360)
        busy.setWindowModality(Qt.WindowModality.ApplicationModal)  # no edits meanwhile
        busy.setMinimumDuration(0)
        busy.setAutoClose(False)
        busy.setAutoReset(False)
        busy.hide()  # shown only if the work takes more than BUSY_AFTER_MS
        self.busy = busy
        QTimer.singleShot(BUSY_AFTER_MS, busy, lambda: busy.show() if self.busy is busy else None)

        def work() -> None:
            try:
                outcome = job(path)
            except Exception as exc:  # a bug, not the user's file: logged, said in the box
                log.exception("%s of %s failed", kind, path)
                outcome = Outcome(kind, path, problem=f"{kind} failed: {type(exc).__name__}: {exc}")
            finally:
                close_database()  # this thread's own connection
            self._done.emit(outcome)

        self._thread = threading.Thread(target=work, name="djamon-transfer", daemon=True)
        self._thread.start()
        return True

    def _show_outcome(self, outcome: Outcome) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()
        if self.busy is not None:
            self.busy.close()
            self.busy.deleteLater()
            self.busy = None
        if outcome.pending is not None:
            self.confirm_export(outcome)
        elif outcome.problem is not None:
            self._status(f"{outcome.kind} failed.")
            self._box(QMessageBox.Icon.Warning, outcome.kind, outcome.problem, outcome.details)
        elif outcome.kind == "Import":
            self._imported()
            self._show_import_summary(Path(outcome.path).name, outcome)
        else:
            self._status(outcome.summary or "")

    def confirm_export(self, outcome: Outcome) -> QMessageBox:
        """Say that the export writes site URLs' passwords into the file; write it only once
        the person chose Export (Cancel writes nothing)."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Export — djamon-desktop",
            f"In {Path(outcome.path).name}, {passwords_said(outcome.passwords)}.",
            QMessageBox.StandardButton.Cancel,
            self._window(),
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText("Anyone who can read the file can read those passwords.")
        export = box.addButton("Export", QMessageBox.ButtonRole.AcceptRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        text = outcome.pending

        def chosen() -> None:
            if box.clickedButton() is export:
                label = f"Exporting to {Path(outcome.path).name}…"
                self._start(lambda path: export_job(path, text), outcome.path, label)
            else:
                self._status("Export cancelled: nothing was written.")

        box.finished.connect(chosen)
        box.open()
        self.export_box = box
        return box

    def _show_import_summary(self, name: str, outcome: Outcome) -> None:
        """One short line in the status bar; what a Djamon fixture skipped or read under other
        names in a box (a status bar cuts off all but its start)."""
        fixture = outcome.fixture
        if fixture is None:
            self._status(f"Imported {name}: {outcome.summary}.")
            return
        counts = fixture.counts()
        self._status(f"Imported {name}: {counts}.")
        details = fixture_details(fixture)
        if details:
            text = f"Imported {name}, a Djamon fixture: {counts}."
            self._box(QMessageBox.Icon.Information, "Import", text, details)

    def _box(self, icon: QMessageBox.Icon, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(icon, f"{title} — djamon-desktop", text, parent=self._window())
        box.setTextFormat(Qt.TextFormat.PlainText)
        lines = details.splitlines()
        if len(lines) > SHOWN_LINES:  # the first ones in view, all of them under Show Details
            more = plural(len(lines) - SHOWN_LINES, "more line")
            plain.inform(box, "\n".join([*lines[:SHOWN_LINES], f"… and {more}."]))
            box.setDetailedText(details)
        elif details:
            plain.inform(box, details)  # the problems quote titles from the file
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()

    def stop(self) -> None:
        """The app is going: a transfer still running ends unseen (its work is one transaction)."""
        self._done.disconnect(self._show_outcome)

    def wait(self, timeout_s: float = 30) -> bool:
        """At quit: let a transfer in progress end (its one transaction); True when it did."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout_s)
        return not thread.is_alive()
