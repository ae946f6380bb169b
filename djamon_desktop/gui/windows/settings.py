"""Settings: schedule (with the next rounds shown as you type), checks, e-mail and X. Passwords
go to the OS keyring and a stored one is never shown back."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ... import secrets
from ...core.config import SECURITIES, DocumentRefused
from ...core.schedule import Schedule, line_problem, local_zone
from ...errors import UserError
from .base import RememberedWindow, window_title
from .forms import FieldErrors

SECRET_LABELS = {
    "twitter_consumer_key": "Consumer key:",
    "twitter_consumer_secret": "Consumer secret:",
    "twitter_access_token": "Access token:",
    "twitter_access_token_secret": "Access token secret:",
}


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
        self.note = QLabel()
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        buttons.accepted.connect(self.try_save)
        buttons.rejected.connect(self.close)
        layout.addWidget(buttons)
        self.remember("settings", (620, 560))

    # -- tabs ------------------------------------------------------------------------------------

    def _tab(self, name: str) -> QFormLayout:
        page = QWidget()
        form = QFormLayout(page)
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
        self.sandbox = QPlainTextEdit()
        self.sandbox.setPlaceholderText("one URL each; empty turns the connectivity guard off")
        self.errors.add_row(form, "Sandbox URLs:", "sandbox_urls", self.sandbox)
        self.good_codes = QLineEdit()
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

    # -- values ----------------------------------------------------------------------------------

    def show_settings(self, settings: dict[str, Any]) -> None:
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
        self._show_secret_state()
        self.update_preview()

    def _show_secret_state(self) -> None:
        try:
            known = secrets.status()
        except secrets.SecretStoreError as exc:
            for field in self.secret_fields.values():
                field.setEnabled(False)
                field.setPlaceholderText("no OS keyring")
            self.note.setText(exc.message)
            return
        for name, field in self.secret_fields.items():
            field.setEnabled(True)
            field.clear()
            field.setPlaceholderText(
                "stored in the keyring — type to replace" if known[name] else "not set"
            )

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

    def try_save(self) -> bool:
        """Save everything, or show each problem beside its field and save nothing."""
        self.errors.clear()
        self.note.clear()
        try:
            values = self.values()
        except ValueError as exc:
            self.errors.show_problems([str(exc)])
            return False
        try:
            self._save(values)
        except DocumentRefused as refused:
            left = self.errors.show_problems(refused.problems, strip="settings.")
            self.note.setText("\n".join(left) or "Nothing was saved: see the fields marked.")
            return False
        if self._autostart is not None:
            try:
                self._autostart[1](self.start_at_login.isChecked())
            except OSError as exc:
                self.errors.show("autostart", f"{exc.filename}: {exc.strerror}")
        stored = []
        for name, field in self.secret_fields.items():
            if field.text():
                try:
                    secrets.put(name, field.text())
                except secrets.SecretStoreError as exc:
                    self.errors.show(name, exc.message)
                    continue
                stored.append(name)
        self._show_secret_state()
        self.note.setText(
            "Saved." + (f" Stored in the keyring: {', '.join(stored)}." if stored else "")
        )
        self.saved.emit()
        return True
