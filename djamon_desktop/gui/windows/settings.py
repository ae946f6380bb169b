"""Settings: one tab a section of the settings table (:mod:`...core.settings`), each field built
from its line there (label, tooltip, bounds, choices), the schedule with the next rounds shown as
you type, the password fields (:mod:`.keyring_fields`) and the Desktop tab. Saving checks
everything with the import's rules and shows each problem beside its field."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QMessageBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ...core import settings as table
from ...core.clock import Clock, utc_now
from ...core.problems import DocumentRefused
from ...core.schedule import Schedule, line_problem, local_zone
from ...core.settings import value_at
from ...core.settings_value import Settings
from ...core.window_times import windows_preview
from ...errors import UserError
from ...password_binding import DATABASE, SMTP, smtp_server
from .. import plain
from .apprise_tab import AppriseUrls
from .base import RememberedWindow, window_title
from .channel_checks import X_NEEDS, EmailTest, missing_x_keys, saved_words
from .fit import Scrolled
from .forms import FieldErrors, quiet_label
from .keyring_fields import SecretFields
from .report_note import ReportNote
from .setting_fields import SettingField, field_for
from .team_tab import TEAM, TeamFields
from .unsaved import ask_unsaved

#: said on Save when the e-mail server changed and no password was typed with it
MOVED = (
    "The e-mail server changed: a stored SMTP password was set for the one before, so type it "
    "again, or e-mail alerts wait."
)


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
        clock: Clock = utc_now,
        autostart: tuple[Callable[[], bool], Callable[[bool], None]] | None = None,
        data_dir: Path | None = None,
        restart: Callable[[], None] | None = None,
    ) -> None:
        """``data_dir`` (where ``team.json`` is kept) brings the Team tab's database rows;
        ``restart`` its Restart button."""
        super().__init__()
        self._save = save
        self._autostart = autostart
        self._clock = clock
        self._baseline: object = None  # the form as last shown or saved
        self._shown: dict[str, Any] | None = None
        self.close_question: QMessageBox | None = None
        self.setWindowTitle(window_title("Settings"))
        self.errors = FieldErrors()
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        # scrolled when the screen is smaller than the tabs (a small screen, a large scale):
        # the notes and the Save button below stay in reach
        layout.addWidget(Scrolled(self.tabs, "Settings"), 1)
        self.keyring_note = plain.label()
        self.keyring_note.setWordWrap(True)
        self.keyring_note.hide()
        self.note = plain.label()
        self.note.setWordWrap(True)
        self.secrets = SecretFields(self.errors, self.note, self.keyring_note, parent=self)
        self.apprise = AppriseUrls(self.errors, self.note, parent=self)
        self._setting_fields: dict[str, SettingField] = {}
        self.email_test = EmailTest(
            self._setting_fields, lambda: bool(self.secrets.typed()[SMTP]), self
        )
        self.report_note = ReportNote(self._setting_fields, self)
        self.team = (
            TeamFields(self.errors, self.secrets, data_dir, restart, self) if data_dir else None
        )
        self.pages: dict[str, QWidget] = {}
        self.explanations: dict[str, QLabel] = {}
        self._build_setting_tabs()
        self.fields: dict[str, QWidget] = {k: f.widget for k, f in self._setting_fields.items()}
        self.secret_fields = self.secrets.fields
        self.smtp_password = self.secret_fields["smtp_password"]
        self.schedule = self.fields["schedule"]
        self.sandbox = self.fields["sandbox_urls"]
        self.sandbox_help = self.explanations["sandbox_urls"]
        self.checks_page = self.pages["Checks"]
        self._desktop_tab()
        layout.addWidget(self.keyring_note)
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
        self.remember("settings", (620, 560))

    # -- tabs ------------------------------------------------------------------------------------

    def _tab(self, name: str) -> QFormLayout:
        page = QWidget()
        column = QVBoxLayout(page)
        form = QFormLayout()
        column.addLayout(form)
        column.addStretch(1)  # spare height goes under the fields, not between them
        self.tabs.addTab(page, name)
        self.pages[name] = page
        return form

    def _build_setting_tabs(self) -> None:
        """A tab a section of the table, in its order; a row a setting, with its label and help
        (as tooltip, and under the field when the table says it needs explaining)."""
        forms: dict[str, QFormLayout] = {}
        for setting in table.SETTINGS:
            form = forms.get(setting.section)
            if form is None:
                form = forms[setting.section] = self._tab(setting.section)
                if setting.section == TEAM and self.team is not None:
                    self.team.add_rows(form)  # the database first, then the team's settings
            field = field_for(setting)
            self._setting_fields[setting.key] = field
            self.errors.add_row(form, field.row_label, setting.key, field.widget)
            if field.row_label and setting.help:
                form.labelForField(field.widget.parentWidget()).setToolTip(setting.help)
            if setting.explained:
                self.explanations[setting.key] = quiet_label(setting.help)
                form.addRow("", self.explanations[setting.key])
            if setting.key == "schedule":
                field.widget.textChanged.connect(self.update_preview)
                self.preview = plain.label()
                self.preview.setWordWrap(True)
                form.addRow("", self.preview)
            if setting.key == "quiet_hours":
                field.widget.changed.connect(self.update_quiet_preview)
                self.quiet_preview = plain.label()
                self.quiet_preview.setWordWrap(True)
                form.addRow("", self.quiet_preview)
            self.secrets.add_rows_after(setting.key, form)
            self.apprise.add_rows_after(setting.key, form)
            self.email_test.add_rows_after(setting.key, form)
            self.report_note.add_rows_after(setting.key, form)
        if TEAM not in forms and self.team is not None:
            self.team.add_rows(self._tab(TEAM))
        if self.team is not None:
            self.team.add_closing_rows()

    def _desktop_tab(self) -> None:
        form = self._tab("Desktop")
        self.start_at_login = QCheckBox("Start djamon-desktop when I log in")
        self.start_at_login.setEnabled(self._autostart is not None)
        self.errors.add_row(form, "", "autostart", self.start_at_login)

    def show_database_away(self, why: str) -> None:
        """The database can't be read: the Team tab first, saying why, so its URL can be
        fixed (the other tabs show the defaults until it is read)."""
        if self.team is not None:
            self.tabs.setCurrentWidget(self.pages["Team"])
        self.note.setText(f"The database can't be reached, so these settings were not read: {why}")

    def show_sandbox_urls(self) -> None:
        """Bring the sandbox URLs forward (offered when connectivity is lost)."""
        self.tabs.setCurrentWidget(self.checks_page)
        self.sandbox.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- values ----------------------------------------------------------------------------------

    def show_settings(self, settings: Settings) -> None:
        """Fill the form with ``settings``; a shown window with unsaved edits keeps them (the
        app calls this each time Settings is asked for)."""
        if self.isVisible() and self.has_unsaved_edits():
            return
        self._fill(settings.to_dict())

    def _fill(self, settings: dict[str, Any]) -> None:
        self._shown = settings
        self.errors.clear()
        self.note.clear()
        for key, field in self._setting_fields.items():
            field.show_value(value_at(settings, key))
        if self._autostart is not None:
            self.start_at_login.setChecked(self._autostart[0]())
        self.secrets.refresh()
        self.apprise.refresh()
        if self.team is not None:
            self.team.refresh()
        self.update_preview()
        self.update_quiet_preview()
        self._baseline = self._form_state()

    def keyring_pending(self) -> bool:
        return self.secrets.pending() or self.apprise.pending()

    # -- saving ----------------------------------------------------------------------------------

    def update_preview(self) -> None:
        self.preview.setText(
            preview_lines(self._setting_fields["schedule"].value(), self._clock().astimezone())
        )

    def update_quiet_preview(self) -> None:
        """The next quiet hours, as the list and the line typed in stand."""
        self.quiet_preview.setText(
            windows_preview(
                self._setting_fields["quiet_hours"].value(),
                self._clock(),
                local_zone(),
                none="No quiet hours: alerts go at once.",
            )
        )

    def values(self) -> dict[str, Any]:
        """The form as a settings object, in the table's order (raises ValueError naming a field
        that can't be read)."""
        out: dict[str, Any] = {}
        for field in self._setting_fields.values():
            setting = field.setting
            parent = out if setting.parent is None else out.setdefault(setting.parent, {})
            parent[setting.name] = field.value()
        return out

    def _form_state(self) -> object:
        """Everything the user can change, as typed (to tell whether there are unsaved edits)."""
        shown = {key: field.typed() for key, field in self._setting_fields.items()}
        team = self.team.typed() if self.team is not None else None
        return (
            shown,
            self.secrets.typed(),
            self.apprise.typed(),
            self.start_at_login.isChecked(),
            team,
        )

    def has_unsaved_edits(self) -> bool:
        return self._baseline is not None and self._form_state() != self._baseline

    def try_save(self) -> bool:
        """Save everything, or show each problem beside its field and save nothing. Secrets go
        to the keyring afterwards, on the keyring thread."""
        self.errors.clear()
        self.note.clear()
        before = self._shown
        try:
            values = self.values()
        except ValueError as exc:
            self.errors.show_problems([str(exc)])
            self.note.setText("Nothing was saved: see the fields marked.")
            return False
        if not self.apprise.check() or (self.team is not None and not self.team.check()):
            self.note.setText("Nothing was saved: see the fields marked.")
            return False
        if self.team is not None and not self.team.confirm_untested(self):
            return False
        try:
            stored = self._save(values)
        except DocumentRefused as refused:
            left = self.errors.show_problems(refused.problems, strip="settings.")
            self.note.setText("\n".join(left) or "Nothing was saved: see the fields marked.")
            return False
        except UserError as exc:  # the database can't be reached: the Team tab's choice is kept
            if self.team is not None:
                self.team.save()
            kept = "the Team tab's choice was saved; " if self.team is not None else ""
            self.note.setText(f"Not saved in the database ({kept}{exc.message}).")
            return False
        if self._autostart is not None:
            try:
                self._autostart[1](self.start_at_login.isChecked())
            except OSError as exc:
                self.errors.show("autostart", f"{exc.filename}: {exc.strerror}")
            except UserError as exc:  # a path the entry can't hold (a control character)
                self.errors.show("autostart", exc.message)
        if isinstance(stored, Settings):
            self._shown = stored.to_dict()
        if self.team is not None:
            self.team.save()
        missing = missing_x_keys(values, self.secrets.known, self.secrets.typed())
        self.note.setText(saved_words([MOVED] * self._smtp_moved(before, values), missing))
        for name in missing:
            self.errors.show(name, X_NEEDS)
        self.secrets.store_typed(self._servers(values))
        self.apprise.store_typed()
        self._baseline = self._form_state()
        self.saved.emit()
        return True

    def _smtp_moved(self, before: dict[str, Any] | None, values: dict[str, Any]) -> bool:
        """Whether the e-mail server changed under a stored SMTP password (none was typed)."""
        if before is None or not values["email"].get("username"):
            return False
        if self.secrets.typed().get(SMTP):
            return False
        return smtp_server(before["email"]) != smtp_server(values["email"])

    def _servers(self, values: dict[str, Any]) -> dict[str, Any]:
        """The servers the passwords typed are bound to: the e-mail settings saved, the team
        database chosen (none when it is this desktop's own)."""
        servers: dict[str, Any] = {SMTP: smtp_server(values["email"])}
        if self.team is not None:
            servers[DATABASE] = self.team.server()
        return servers

    # -- closing ---------------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.has_unsaved_edits():
            event.ignore()
            self._ask_before_closing()
            return
        super().closeEvent(event)

    def _ask_before_closing(self) -> None:
        ask_unsaved(
            self,
            "Unsaved settings",
            "Some settings were changed and not saved.",
            "Save them before closing?",
            self._close_answered,
        )

    def _close_answered(self, button: QMessageBox.StandardButton) -> None:
        if button == QMessageBox.StandardButton.Save:
            if self.try_save():
                self.close()
        elif button == QMessageBox.StandardButton.Discard:
            if self._shown is not None:
                self._fill(self._shown)  # the form as it was last saved
            else:
                self._baseline = None
            self.close()
