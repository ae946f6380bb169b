"""The Apprise tab of Settings: the URLs (one a line) that go to the keyring's ``apprise_urls``,
and a button that sends a test to each; and the names the outage window gives each URL's
delivery.

As with the password fields (:mod:`.keyring_fields`), the keyring is only touched on the keyring
thread and a stored value is never shown back: the field starts empty, and a line under it lists
the stored URLs as they may be shown (``slack://***``). What is typed replaces them all on Save,
after Apprise has read every line (a line it can't read is named, and nothing is saved). The test
goes to the typed URLs, or to the stored ones when nothing is typed, off the UI thread."""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QFormLayout,
    QLabel,
    QPlainTextEdit,
)

from ... import secrets
from ...core.apprise_urls import NAME, fingerprint, place, shown_apprise_url, urls_of
from ...core.status import plural
from .. import plain
from .forms import test_button_row
from .keyring_fields import CHECKING, keyring_reports, run_keyring_job

AFTER = "apprise.enabled"  # the setting the URL rows follow
HELP = (
    "One Apprise URL a line: slack://..., ntfys://ntfy.example.com/topic, json://host/path... "
    "(see the Apprise wiki for each service's form). Kept in the OS keyring, never in the "
    "database or an export; never shown back. What you type replaces the stored URLs."
)
EXAMPLE = "one URL a line, e.g.\nntfys://ntfy.example.com/our-alerts\nslack://TokenA/TokenB/TokenC"
SENDING = "Sending a test…"


def stored_shown() -> list[str]:
    """The stored URLs as they may be shown (run on the keyring thread)."""
    return [shown_apprise_url(url) for url in urls_of(secrets.get(NAME))]


def stored_places() -> dict[str, str]:
    """Each stored URL's fingerprint and short name (run on the keyring thread)."""
    return {fingerprint(url): place(url) for url in urls_of(secrets.get(NAME))}


class _Reports(QObject):
    done = Signal(object)  # the test's lines, or an error text


class AppriseUrls(QObject):
    """The URL field, the line saying what is stored, and the test button with its result.
    ``note`` is the window's line that says what was saved."""

    def __init__(self, errors, note: QLabel, parent: QObject) -> None:
        super().__init__(parent)
        self.errors = errors
        self.note = note
        self.field: QPlainTextEdit | None = None
        self._jobs: dict[int, Callable[[object, str], None]] = {}
        self._status_job: int | None = None
        self._storing = False
        self._tests = QThreadPool(self)
        self._tests.setMaxThreadCount(1)
        self._reports = _Reports(self)
        self._reports.done.connect(self._tested)
        keyring_reports().finished.connect(self._finished)

    def add_rows_after(self, key: str, form: QFormLayout) -> None:
        if key != AFTER:
            return
        self.field = QPlainTextEdit()
        self.field.setTabChangesFocus(True)  # Tab leaves the field, as in the others
        self.field.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.field.setToolTip(HELP)
        self.field.setPlaceholderText(EXAMPLE)
        self.field.setFixedHeight(QFontMetrics(self.field.font()).lineSpacing() * 5 + 12)
        self.errors.add_row(form, "URLs:", NAME, self.field)
        self.stored = plain.label(CHECKING)
        self.stored.setWordWrap(True)
        form.addRow("", self.stored)
        self.test_button, self.test_result = test_button_row(
            form,
            "Send one test message to each URL typed above, or to the stored ones when none is "
            "typed, and show what happened to each.",
            self.send_test,
        )

    # -- the form's side ---------------------------------------------------------------------------

    def pending(self) -> bool:
        return bool(self._jobs)

    def typed(self) -> str:
        """What is typed (one on its way to the keyring counts as saved)."""
        return "" if self._storing or self.field is None else self.field.toPlainText()

    def check(self) -> bool:
        """Whether Apprise can read every typed line; each one it can't is shown under the field."""
        text = self.typed()
        if not text.strip():
            return True
        from ...alerts.apprise_channel import problems

        found = problems(text)
        for problem in found:
            self.errors.show(NAME, problem)
        return not found

    def refresh(self) -> None:
        """Empty the field (unless being stored) and ask the keyring what is stored."""
        if self.field is None:
            return
        if not self._storing:
            self.field.clear()
        self._ask_stored()

    def store_typed(self) -> None:
        """Send the typed URLs (already checked) to the keyring, on the keyring thread."""
        if self.field is None or self._storing or not self.field.toPlainText().strip():
            return
        value = self.field.toPlainText().strip("\n")
        self._storing = True
        self.field.setEnabled(False)
        self._start(lambda: secrets.put(NAME, value), self._stored)

    # -- the keyring -----------------------------------------------------------------------------

    def _start(self, job: Callable[[], object], done: Callable[[object, str], None]) -> int:
        job_id = run_keyring_job(job)
        self._jobs[job_id] = done
        return job_id

    def _finished(self, job_id: int, result: object, error: str) -> None:
        done = self._jobs.pop(job_id, None)
        if done is not None:
            done(result, error)

    def _ask_stored(self) -> None:
        self.stored.setText(CHECKING)
        if self._status_job is not None:
            self._jobs.pop(self._status_job, None)  # a newer answer is on its way
        self._status_job = self._start(stored_shown, self._stored_known)

    def _stored_known(self, shown: object, error: str) -> None:
        self._status_job = None
        if error:
            self.stored.setText(f"Keyring: {error}")
            return
        assert isinstance(shown, list)
        if not shown:
            self.stored.setText("No URL is stored in the keyring.")
            return
        self.stored.setText(
            f"Stored in the keyring: {plural(len(shown), 'URL')} ({', '.join(shown)}). "
            "Type to replace them."
        )

    def _stored(self, _result: object, error: str) -> None:
        assert self.field is not None
        self._storing = False
        self.field.setEnabled(True)
        if error:
            self.errors.show(NAME, f"not stored: {error}")
            self.note.setText(
                "Saved, but the Apprise URLs could not be stored in the keyring: see the field "
                "marked."
            )
        else:
            self.field.clear()
            self.note.setText(f"Saved. Stored in the keyring: {NAME}.")
        self._ask_stored()

    # -- the test --------------------------------------------------------------------------------

    def send_test(self) -> None:
        """Send a test to the typed URLs (or the stored ones) off the UI thread."""
        assert self.field is not None
        self.errors.hide(NAME)
        typed = self.field.toPlainText() if not self._storing else ""
        if typed.strip() and not self.check():
            return
        urls = urls_of(typed) or None
        self.test_button.setEnabled(False)
        self.test_result.setText(SENDING)
        self.test_result.show()
        reports = self._reports

        def work() -> None:
            lines: object
            try:
                from ...alerts.channels import DeliveryError
                from ...alerts.sender import send_test_apprise

                try:
                    lines = [
                        o.what if o.ok else f"not sent: {o.what}" for o in send_test_apprise(urls)
                    ]
                except DeliveryError as exc:
                    lines = f"Not sent: {exc.reason}"
            except Exception as exc:  # never let a surprise end the thread silently
                lines = f"Not sent: unexpected error ({type(exc).__name__})"
            with contextlib.suppress(RuntimeError):  # the window went while the test ran
                reports.done.emit(lines)

        self._tests.start(work)

    def _tested(self, lines: object) -> None:
        self.test_button.setEnabled(True)
        if isinstance(lines, list):
            lines = "\n".join(line[:1].upper() + line[1:] for line in lines)
        self.test_result.setText(str(lines))
        self.test_result.show()


class ApprisePlaces(QObject):
    """Asks the keyring, on its thread, for each stored URL's short name by fingerprint (so
    the outage window can say ``Apprise (hooks.slack.com)``); ``known`` brings the answer ({}
    when the keyring can't be read)."""

    known = Signal(dict)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self._job: int | None = None
        keyring_reports().finished.connect(self._finished)

    def ask(self) -> None:
        self._job = run_keyring_job(stored_places)

    def _finished(self, job_id: int, result: object, error: str) -> None:
        if job_id != self._job:
            return
        self._job = None
        self.known.emit(result if isinstance(result, dict) and not error else {})
