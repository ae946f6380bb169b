"""Settings: schedule (with the next rounds shown as you type), checks, e-mail and X. Passwords
go to the OS keyring and a stored one is never shown back.

The keyring is only ever touched on a worker thread: a keyring that waits on an unlock prompt
nobody sees must not freeze the app. Its answers come back as a signal."""

from __future__ import annotations

import contextlib
import itertools
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import secrets
from ...core.config import SECURITIES, DocumentRefused
from ...core.schedule import Schedule, line_problem, local_zone
from ...core.status import plural
from ...errors import UserError
from .base import RememberedWindow, window_title
from .forms import FieldErrors

SECRET_LABELS = {
    "twitter_consumer_key": "Consumer key:",
    "twitter_consumer_secret": "Consumer secret:",
    "twitter_access_token": "Access token:",
    "twitter_access_token_secret": "Access token secret:",
}

SANDBOX_HELP = (
    "Addresses that normally always work, such as a big public site. They are tried with every "
    "round; if none of them answers, your own connection is taken to be down and the round "
    "blames no site. Leave this empty to turn the guard off."
)
CHECKING = "checking the keyring…"


def preview_lines(lines: list[str], now: datetime, count: int = 5) -> str:
    """The next round times for lines being typed, or what is wrong with them."""
    if not lines:
        return "No line: no round would run."
    for n, line in enumerate(lines, 1):
        problem = line_problem(line)
        if problem:
            return f"Line {n}: {problem}"
    try:
        times = Schedule(lines, local_zone()).upcoming(now, count)
    except UserError as exc:
        return exc.message
    return "Next rounds: " + ", ".join(t.strftime("%a %H:%M") for t in times)


# -- the keyring, off the UI thread --------------------------------------------------------------


class KeyringReports(QObject):
    """Where keyring jobs report: ``finished(job, result, error)``; error is "" when it worked."""

    finished = Signal(int, object, str)


_reports: KeyringReports | None = None
_pool: QThreadPool | None = None
_job_ids = itertools.count(1)


def keyring_reports() -> KeyringReports:
    global _reports
    if _reports is None:
        _reports = KeyringReports()
    return _reports


def run_keyring_job(job: Callable[[], object]) -> int:
    """Run ``job`` (which calls :mod:`secrets`) on the keyring thread; returns its number.

    One thread, so jobs run in the order given (a status read after a write sees it)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(1)
    reports = keyring_reports()
    job_id = next(_job_ids)

    def work() -> None:
        try:
            result, error = job(), ""
        except secrets.SecretStoreError as exc:
            result, error = None, exc.message
        except Exception as exc:  # never let a keyring backend's surprise end the thread silently
            # the type only: a message might quote what it was given
            result, error = None, f"the keyring failed ({type(exc).__name__})"
        with contextlib.suppress(RuntimeError):  # the app quit while the keyring still worked
            reports.finished.emit(job_id, result, error)

    _pool.start(work)
    return job_id


def _put_each(values: dict[str, str]) -> dict[str, str]:
    """Store each secret; the error text of those that failed, by name."""
    failed: dict[str, str] = {}
    for name, value in values.items():
        if failed:  # a keyring that failed once is not asked again (it may be slow to fail)
            failed[name] = f"not stored: {next(iter(failed.values()))}"
            continue
        try:
            secrets.put(name, value)
        except secrets.SecretStoreError as exc:
            failed[name] = exc.message
    return failed


class SettingsWindow(RememberedWindow, QWidget):
    saved = Signal()

    def __init__(
        self,
        save: Callable[[dict[str, Any]], object],
        clock: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        autostart: tuple[Callable[[], bool], Callable[[bool], None]] | None = None,
    ) -> None:
        super().__init__()
        self._save = save
        self._autostart = autostart
        self._clock = clock
        self._baseline: object = None  # the form as last shown or saved
        self._shown: dict[str, Any] | None = None
        self._keyring_jobs: dict[int, Callable[[object, str], None]] = {}
        self._status_job: int | None = None
        self._storing: dict[str, str] = {}
        self._known: dict[str, bool] = {}
        self.close_question: QMessageBox | None = None
        self.setWindowTitle(window_title("Settings"))
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs)
        self._schedule_tab()
        self._checks_tab()
        self._email_tab()
        self._x_tab()
        self._desktop_tab()
        self.keyring_note = QLabel()
        self.keyring_note.setWordWrap(True)
        self.keyring_note.hide()
        layout.addWidget(self.keyring_note)
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        # a QShortcut, not the button's own: the box gives its buttons a mnemonic that replaces it
        QShortcut(QKeySequence.StandardKey.Save, self, activated=self.save_button.click)
        self.close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.close)
        keyring_reports().finished.connect(self._keyring_finished)
        self.remember("settings", (620, 560))

    # -- tabs ------------------------------------------------------------------------------------

    def _tab(self, name: str) -> QFormLayout:
        page = QWidget()
        column = QVBoxLayout(page)
        form = QFormLayout()
        column.addLayout(form)
        column.addStretch(1)  # spare height goes under the fields, not between them
        self.tabs.addTab(page, name)
        return form

    def _schedule_tab(self) -> None:
        form = self._tab("Schedule")
        self.schedule = QPlainTextEdit()
        self.schedule.setPlaceholderText("one crontab line each: minute hour day month weekday")
        self.schedule.textChanged.connect(self.update_preview)
        self.errors.add_row(form, "Crontab lines:", "schedule", self.schedule)
        self.preview = QLabel()
        self.preview.setWordWrap(True)
        form.addRow("", self.preview)

    def _checks_tab(self) -> None:
        form = self._tab("Checks")
        self.checks_page = self.tabs.widget(self.tabs.count() - 1)
        self.sandbox = QPlainTextEdit()
        self.sandbox.setPlaceholderText("one URL each, e.g. https://www.bbc.co.uk/")
        self.sandbox.setToolTip(SANDBOX_HELP)
        self.sandbox.setTabChangesFocus(True)
        self.sandbox.setFixedHeight(self.sandbox.fontMetrics().lineSpacing() * 4 + 12)
        self.errors.add_row(form, "Sandbox URLs:", "sandbox_urls", self.sandbox)
        self.sandbox_help = QLabel(SANDBOX_HELP)
        self.sandbox_help.setWordWrap(True)
        self.sandbox_help.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.sandbox_help.setToolTip(SANDBOX_HELP)
        quiet = self.sandbox_help.palette()
        quiet.setColor(
            QPalette.ColorRole.WindowText, quiet.color(QPalette.ColorRole.PlaceholderText)
        )
        self.sandbox_help.setPalette(quiet)
        form.addRow("", self.sandbox_help)
        form.labelForField(self.sandbox.parentWidget()).setToolTip(SANDBOX_HELP)
        self.good_codes = QLineEdit()
        self.good_codes.setPlaceholderText("200, 301, 302")
        self.errors.add_row(form, "Good status codes:", "good_codes", self.good_codes)
        self.strikes = QSpinBox()
        self.strikes.setRange(1, 1000)
        self.errors.add_row(form, "Failures before down:", "strikes", self.strikes)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(0.5, 60)
        self.timeout.setSuffix(" s")
        self.errors.add_row(form, "Timeout:", "timeout_seconds", self.timeout)
        self.retention = QSpinBox()
        self.retention.setRange(1, 36500)
        self.retention.setSuffix(" days")
        self.errors.add_row(form, "Keep check history:", "retention_days", self.retention)
        self.notify_recovery = QCheckBox("Send an alert when an outage ends")
        self.errors.add_row(form, "", "notify_recovery", self.notify_recovery)

    def _email_tab(self) -> None:
        form = self._tab("E-mail")
        self.email_enabled = QCheckBox("Send e-mail alerts")
        self.errors.add_row(form, "", "email.enabled", self.email_enabled)
        self.email_host = QLineEdit()
        self.errors.add_row(form, "SMTP host:", "email.host", self.email_host)
        self.email_port = QSpinBox()
        self.email_port.setRange(1, 65535)
        self.errors.add_row(form, "Port:", "email.port", self.email_port)
        self.email_security = QComboBox()
        self.email_security.addItems(list(SECURITIES))
        self.errors.add_row(form, "Security:", "email.security", self.email_security)
        self.email_username = QLineEdit()
        self.errors.add_row(form, "User name:", "email.username", self.email_username)
        self.smtp_password = QLineEdit()
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.errors.add_row(form, "Password:", "smtp_password", self.smtp_password)
        self.email_from = QLineEdit()
        self.errors.add_row(form, "From:", "email.from", self.email_from)
        self.email_to = QLineEdit()
        self.email_to.setPlaceholderText("ops@example.com, boss@example.com")
        self.errors.add_row(form, "To:", "email.to", self.email_to)

    def _x_tab(self) -> None:
        form = self._tab("X")
        self.twitter_enabled = QCheckBox("Post on X when an outage opens and ends")
        self.errors.add_row(form, "", "twitter.enabled", self.twitter_enabled)
        self.secret_fields = {"smtp_password": self.smtp_password}
        for name, label in SECRET_LABELS.items():
            field = QLineEdit()
            field.setEchoMode(QLineEdit.EchoMode.Password)
            self.errors.add_row(form, label, name, field)
            self.secret_fields[name] = field

    def _desktop_tab(self) -> None:
        form = self._tab("Desktop")
        self.start_at_login = QCheckBox("Start djamon-desktop when I log in")
        self.start_at_login.setEnabled(self._autostart is not None)
        self.errors.add_row(form, "", "autostart", self.start_at_login)

    def show_sandbox_urls(self) -> None:
        """Bring the sandbox URLs forward (offered when connectivity is lost)."""
        self.tabs.setCurrentWidget(self.checks_page)
        self.sandbox.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- values ----------------------------------------------------------------------------------

    def show_settings(self, settings: dict[str, Any]) -> None:
        """Fill the form with ``settings``; a shown window with unsaved edits keeps them (the
        app calls this each time Settings is asked for)."""
        if self.isVisible() and self.has_unsaved_edits():
            return
        self._fill(settings)

    def _fill(self, settings: dict[str, Any]) -> None:
        self._shown = settings
        self.errors.clear()
        self.note.clear()
        self.schedule.setPlainText("\n".join(settings["schedule"]))
        self.sandbox.setPlainText("\n".join(settings["sandbox_urls"]))
        self.good_codes.setText(", ".join(str(c) for c in settings["good_codes"]))
        self.strikes.setValue(settings["strikes"])
        self.timeout.setValue(float(settings["timeout_seconds"]))
        self.retention.setValue(settings["retention_days"])
        self.notify_recovery.setChecked(settings["notify_recovery"])
        email = settings["email"]
        self.email_enabled.setChecked(email["enabled"])
        self.email_host.setText(email["host"])
        self.email_port.setValue(email["port"])
        self.email_security.setCurrentText(email["security"])
        self.email_username.setText(email["username"])
        self.email_from.setText(email["from"])
        self.email_to.setText(", ".join(email["to"]))
        self.twitter_enabled.setChecked(settings["twitter"]["enabled"])
        if self._autostart is not None:
            self.start_at_login.setChecked(self._autostart[0]())
        for name, field in self.secret_fields.items():
            if name not in self._storing:
                field.clear()
        self._ask_keyring_status()
        self.update_preview()
        self._baseline = self._form_state()

    # -- the keyring -----------------------------------------------------------------------------

    def keyring_pending(self) -> bool:
        return bool(self._keyring_jobs)

    def _start_keyring_job(self, job: Callable[[], object], done) -> int:
        job_id = run_keyring_job(job)
        self._keyring_jobs[job_id] = done
        self.keyring_note.setText(CHECKING)
        self.keyring_note.show()
        return job_id

    def _keyring_finished(self, job_id: int, result: object, error: str) -> None:
        done = self._keyring_jobs.pop(job_id, None)
        if done is None:
            return  # another window's job, or one asked for before the form was shown again
        if not self._keyring_jobs:
            self.keyring_note.hide()
        done(result, error)

    def _ask_keyring_status(self) -> None:
        for name, field in self.secret_fields.items():
            if name not in self._storing:
                field.setEnabled(False)
                field.setPlaceholderText(CHECKING)
        if self._status_job is not None:
            self._keyring_jobs.pop(self._status_job, None)  # a newer answer is on its way
        self._status_job = self._start_keyring_job(secrets.status, self._status_known)

    def _status_known(self, known: object, error: str) -> None:
        self._status_job = None
        if error:
            self._known = {}
            for name, field in self.secret_fields.items():
                if name not in self._storing:
                    field.setEnabled(False)
                    field.setPlaceholderText("no OS keyring")
            self.keyring_note.setText(f"Keyring: {error}")
            self.keyring_note.show()
            return
        assert isinstance(known, dict)
        self._known = known
        for name, field in self.secret_fields.items():
            if name in self._storing:
                continue
            field.setEnabled(True)
            field.setPlaceholderText(
                "stored in the keyring — type to replace" if known[name] else "not set"
            )

    def _store_secrets(self, values: dict[str, str]) -> None:
        self._storing.update(values)
        for name in values:
            self.secret_fields[name].setEnabled(False)
        self._start_keyring_job(lambda: _put_each(values), self._secrets_stored)

    def _secrets_stored(self, failed: object, error: str) -> None:
        if error:  # the job itself could not run: every value is still unstored
            failed = dict.fromkeys(self._storing, error)
        assert isinstance(failed, dict)
        stored = [name for name in self._storing if name not in failed]
        for name in self._storing:
            field = self.secret_fields[name]
            field.setEnabled(True)
            if name in stored:
                field.clear()
        for name, message in failed.items():
            self.errors.show(name, message)
        self._storing.clear()
        self._ask_keyring_status()
        if stored:
            self.note.setText(f"Saved. Stored in the keyring: {', '.join(stored)}.")
        if failed:
            self.note.setText(
                f"Saved, but {plural(len(failed), 'secret')} could not be stored in the keyring: "
                "see the fields marked."
            )

    # -- saving ----------------------------------------------------------------------------------

    def update_preview(self) -> None:
        lines = [ln.strip() for ln in self.schedule.toPlainText().splitlines() if ln.strip()]
        self.preview.setText(preview_lines(lines, self._clock()))

    def values(self) -> dict[str, Any]:
        """The form as a settings object (raises ValueError naming a field that can't be read)."""
        codes = []
        for token in re.split(r"[,\s]+", self.good_codes.text().strip()):
            if token:
                if not token.isdigit():
                    raise ValueError(f"good_codes: {token!r} is not a status code")
                codes.append(int(token))
        timeout = self.timeout.value()
        return {
            "schedule": [
                ln.strip() for ln in self.schedule.toPlainText().splitlines() if ln.strip()
            ],
            "sandbox_urls": [
                ln.strip() for ln in self.sandbox.toPlainText().splitlines() if ln.strip()
            ],
            "good_codes": codes,
            "strikes": self.strikes.value(),
            "timeout_seconds": int(timeout) if timeout.is_integer() else timeout,
            "retention_days": self.retention.value(),
            "notify_recovery": self.notify_recovery.isChecked(),
            "email": {
                "enabled": self.email_enabled.isChecked(),
                "host": self.email_host.text().strip(),
                "port": self.email_port.value(),
                "security": self.email_security.currentText(),
                "username": self.email_username.text().strip(),
                "from": self.email_from.text().strip(),
                "to": [t for t in re.split(r"[,;\s]+", self.email_to.text()) if t],
            },
            "twitter": {"enabled": self.twitter_enabled.isChecked()},
        }

    def _form_state(self) -> object:
        """Everything the user can change, as typed (to tell whether there are unsaved edits)."""
        try:
            shown: object = self.values()
        except ValueError:
            shown = ("unreadable", self.good_codes.text())
        # a secret on its way to the keyring counts as saved; one the keyring refused does not
        typed = {n: "" if n in self._storing else f.text() for n, f in self.secret_fields.items()}
        return (shown, typed, self.start_at_login.isChecked())

    def has_unsaved_edits(self) -> bool:
        return self._baseline is not None and self._form_state() != self._baseline

    def try_save(self) -> bool:
        """Save everything, or show each problem beside its field and save nothing. Secrets go
        to the keyring afterwards, on the keyring thread."""
        self.errors.clear()
        self.note.clear()
        try:
            values = self.values()
        except ValueError as exc:
            self.errors.show_problems([str(exc)])
            self.note.setText("Nothing was saved: see the fields marked.")
            return False
        try:
            stored = self._save(values)
        except DocumentRefused as refused:
            left = self.errors.show_problems(refused.problems, strip="settings.")
            self.note.setText("\n".join(left) or "Nothing was saved: see the fields marked.")
            return False
        if self._autostart is not None:
            try:
                self._autostart[1](self.start_at_login.isChecked())
            except OSError as exc:
                self.errors.show("autostart", f"{exc.filename}: {exc.strerror}")
        if isinstance(stored, dict):
            self._shown = stored
        typed = {
            name: field.text()
            for name, field in self.secret_fields.items()
            if field.text() and name not in self._storing
        }
        self.note.setText("Saved.")
        if typed:
            self._store_secrets(typed)
        self._baseline = self._form_state()
        self.saved.emit()
        return True

    # -- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.has_unsaved_edits():
            event.ignore()
            self._ask_before_closing()
            return
        super().closeEvent(event)

    def _ask_before_closing(self) -> None:
        if self.close_question is not None and self.close_question.isVisible():
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            window_title("Unsaved settings"),
            "Some settings were changed and not saved.",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setInformativeText("Save them before closing?")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        box.setWindowModality(Qt.WindowModality.WindowModal)
        box.finished.connect(self._close_answered)
        self.close_question = box
        box.open()

    def _close_answered(self, _result: int) -> None:
        box = self.close_question
        if box is None:
            return
        button = box.standardButton(box.clickedButton())
        self.close_question = None
        box.deleteLater()
        if button == QMessageBox.StandardButton.Save:
            if self.try_save():
                self.close()
        elif button == QMessageBox.StandardButton.Discard:
            if self._shown is not None:
                self._fill(self._shown)  # the form as it was last saved
            else:
                self._baseline = None
            self.close()
