"""The Team tab's own rows (the tab also holds the settings of the table's "Team" section, such
as ``confirmations``): which database this desktop uses, its password, this desktop's vantage
name, and a button that tries the typed URL.

The choice is kept in the data folder's ``team.json`` (:mod:`...team`), never in the database
it chooses; a password typed in the URL moves to the Password field, whose value goes to the
keyring's ``database_password`` on Save, never to ``team.json`` or a log. The test connects
on a worker thread (it may wait up to the 10 s connect timeout) and shows one line. A saved
choice is used from the next start: the tab says so and offers to restart now."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QWidget,
)

from ... import team
from ...errors import UserError
from ...paths import database_path
from ...store import team_tls, team_url
from ...store.engine import DatabaseUnreachable
from ...store.reach import database_in_use, try_team
from .. import plain
from .base import window_title
from .colours import error_text
from .forms import FieldErrors, quiet_label
from .keyring_fields import SecretFields

TEAM = "Team"  # the section of the settings table the tab shows
URL_KEY = "team.database"  # the error label's key; the Password row follows it
VANTAGE_KEY = "team.vantage"
PASSWORD = "database_password"
URL_HELP = (
    "Empty: this desktop keeps its own database (SQLite in the data folder). A team's "
    "PostgreSQL: postgresql://USER@HOST:PORT/DBNAME (?sslmode=require and libpq's other "
    "parameters work). Kept in team.json in the data folder, without the password; the "
    "password goes to the OS keyring."
)
TEAM_HELP = (
    "Desktops that share one PostgreSQL database see the same sites, outages and history, "
    "and each alert is sent once for the team. Each desktop checks from where it is, as a "
    "vantage point with its own name."
)
URL_PLACEHOLDER = "empty: this desktop's own database; or postgresql://USER@HOST:PORT/DBNAME"
VANTAGE_HELP = (
    "This desktop's name among the team's vantage points: each one checks the sites from where "
    "it is, and keeps its own failure count."
)
PROTECTION_HELP = (
    "A host other than this machine is reached over TLS, its certificate verified against the "
    "system's authorities, the password only through SCRAM; sslmode=, sslrootcert= and "
    "require_auth= in the URL choose otherwise (?sslrootcert=/path/to/ca.pem for a server "
    "whose certificate the team signed itself)."
)
#: the protection lines said in red: what travels unencrypted or to a server not checked
UNPROTECTED = ("sslmode=disable", "sslmode=allow", "sslmode=prefer", "sslmode=require")
TESTING = "Connecting…"
REACH = " can't be reached: "  # what a DatabaseUnreachable's one line says before the reason


def same_target(a: str, b: str) -> bool:
    """Whether two databases are the same one (a URL's password and scheme spelling aside)."""

    def plain(target: str) -> str:
        target = team_url.without_password(target)[0] if team_url.is_team_url(target) else target
        return target.replace("postgres://", "postgresql://", 1)

    return plain(a) == plain(b)


class _Reports(QObject):
    done = Signal(bool, str)  # reached?, the line to show


class TeamFields(QObject):
    """The rows; ``restart`` (None in tests and when no app runs) restarts the app."""

    def __init__(
        self,
        errors: FieldErrors,
        secrets_: SecretFields,
        data_dir: Path,
        restart: Callable[[], None] | None,
        parent: QObject,
    ) -> None:
        super().__init__(parent)
        self.errors = errors
        self.secrets = secrets_
        self.data_dir = data_dir
        self._restart = restart
        self._tests = QThreadPool(self)
        self._tests.setMaxThreadCount(1)
        self._reports = _Reports(self)
        self._reports.done.connect(self._tested)
        self.saved_choice = team.TeamChoice()
        self.failed_url: str | None = None  # the URL whose last test failed

    def add_rows(self, form: QFormLayout) -> None:
        self.in_use = plain.label()
        self.in_use.setWordWrap(True)
        self.restart_button = QPushButton("Restart now")
        self.restart_button.setToolTip("Quit djamon-desktop and start it again on the choice saved")
        self.restart_button.clicked.connect(self._restart_clicked)
        self.restart_button.hide()
        form.addRow("In use:", self._line(self.in_use, self.restart_button))
        self.url = QLineEdit()
        self.url.setToolTip(URL_HELP)
        self.url.setPlaceholderText(URL_PLACEHOLDER)
        self.url.editingFinished.connect(self.move_password)
        self.errors.add_row(form, "Database URL:", URL_KEY, self.url)
        self.protection = QLabel()
        self.protection.setTextFormat(Qt.TextFormat.PlainText)  # the URL's own words in it
        self.protection.setWordWrap(True)
        self.protection.setToolTip(PROTECTION_HELP)
        self.url.textChanged.connect(self.show_protection)
        form.addRow("Protection:", self.protection)
        self.show_protection()
        self.secrets.add_rows_after(URL_KEY, form)
        self.password = self.secrets.fields[PASSWORD]
        self.test_button = QPushButton("Test connection")
        self.test_button.setToolTip(
            "Connect to the database typed above (up to 10 s) and say what answered; nothing "
            "is saved or changed."
        )
        self.test_button.clicked.connect(self.test_connection)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)  # no steps: it only says that something is going on
        self.busy.setMaximumWidth(90)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.test_result = plain.label()  # the server's words in it
        self.test_result.setWordWrap(True)
        self.test_result.hide()
        form.addRow("", self._line(self.test_button, self.busy, self.test_result))
        self.vantage = QLineEdit()
        self.vantage.setToolTip(VANTAGE_HELP)
        self.vantage.setPlaceholderText(f"empty: the host name ({team.default_vantage()})")
        self.errors.add_row(form, "Vantage name:", VANTAGE_KEY, self.vantage)
        self._form = form

    def add_closing_rows(self) -> None:
        """What the tab says last, under the team's settings."""
        self._form.addRow("", quiet_label(TEAM_HELP))

    @staticmethod
    def _line(*widgets: QWidget) -> QWidget:
        row = QWidget()
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        for widget in widgets:
            line.addWidget(widget, 1 if isinstance(widget, QLabel) else 0)
        if not any(isinstance(w, QLabel) for w in widgets):
            line.addStretch(1)
        return row

    # -- the form's side -------------------------------------------------------------------------

    def refresh(self) -> None:
        """Show the saved choice (a ``team.json`` that can't be read is said under the URL)."""
        try:
            self.saved_choice = team.load_choice(self.data_dir)
        except UserError as exc:
            self.saved_choice = team.TeamChoice()
            self.errors.show(URL_KEY, exc.message)
        self.url.setText(self.saved_choice.database)
        self.vantage.setText(self.saved_choice.vantage)
        self.test_result.hide()
        self.show_in_use()

    def show_protection(self) -> None:
        """Say what protects the connection to the URL as typed (TLS, the certificate's check,
        SCRAM), or, for ``sslmode=disable`` and the like, what travels unprotected."""
        url = self.url.text().strip()
        words = team_tls.protection(url) if team_url.is_team_url(url) else ""
        if not url:
            words = "This desktop's own database: nothing travels."
        self.protection.setText(words)
        error_text(self.protection, words.startswith(UNPROTECTED))
        self.protection.setVisible(bool(words))

    def typed(self) -> tuple[str, str]:
        return self.url.text().strip(), self.vantage.text().strip()

    def move_password(self) -> None:
        """A password typed in the URL goes to the Password field (and from there to the
        keyring on Save); the URL keeps the rest."""
        url, password = team_url.without_password(self.url.text().strip())
        if password is None:
            return
        self.url.setText(url)
        self.password.setText(password)

    def check(self) -> bool:
        """Whether the URL and the vantage name can be used; each problem under its field."""
        self.move_password()
        url, vantage = self.typed()
        ok = True
        if url:
            try:
                team_url.check_url(url)
            except UserError as exc:
                self.errors.show(URL_KEY, exc.message)
                ok = False
        if vantage and team.vantage_problem(vantage):
            self.errors.show(VANTAGE_KEY, team.vantage_problem(vantage) or "")
            ok = False
        return ok

    def server(self) -> dict[str, str] | None:
        """The server the Password field's value is bound to: the URL's (checked before), or
        None when this desktop's own database is chosen."""
        url = self.typed()[0]
        return team_url.server_of(url) if url else None

    def save(self) -> None:
        """Write ``team.json`` (checked before); say whether a restart is needed to use it."""
        url, vantage = self.typed()
        choice = team.TeamChoice(url, vantage)
        try:
            team.save_choice(self.data_dir, choice)
        except OSError as exc:
            self.errors.show(
                URL_KEY, f"{team.choice_path(self.data_dir)}: not saved: {exc.strerror}"
            )
            return
        self.saved_choice = choice
        self.show_in_use()

    # -- what is in use ----------------------------------------------------------------------------

    def show_in_use(self) -> None:
        """What this run uses, and whether the saved choice differs (then: a restart uses it)."""
        running = database_in_use()
        saved = self.saved_choice.database or str(database_path(self.data_dir))
        if team_url.is_team_url(running):
            words = f"The team database {team_url.shown(running)}"
        else:
            words = f"This desktop's own database ({running})" if running else "No database"
        if team.in_use.vantage:
            words += f", as vantage {team.in_use.vantage}"
        overridden = [
            by
            for by in (team.in_use.database_by, team.in_use.vantage_by)
            if by and by not in ("team.json", "default")
        ]
        differs = not running or not same_target(running, saved)
        if team.in_use.vantage:
            wanted = self.saved_choice.vantage or team.default_vantage()
            differs = differs or wanted != team.in_use.vantage
        self.restart_button.hide()
        if overridden:
            chosen = list(dict.fromkeys(overridden))
            verb = "wins" if len(chosen) == 1 else "win"
            self.in_use.setText(
                f"{words} — chosen by {' and '.join(chosen)}, which {verb} over the choice below."
            )
        elif differs:
            self.in_use.setText(f"{words}. The choice below is used from the next start.")
            self.restart_button.setVisible(self._restart is not None)
        else:
            self.in_use.setText(f"{words}.")

    def _restart_clicked(self) -> None:
        if self._restart is not None:
            self._restart()

    # -- the test --------------------------------------------------------------------------------

    def test_connection(self) -> None:
        """Try the typed URL on the test thread; the typed password (or the keyring's) is used
        when the server asks for one and libpq has none."""
        self.errors.hide(URL_KEY)
        self.move_password()
        url = self.url.text().strip()
        if not url:
            self._tested(True, f"This desktop's own database: {database_path(self.data_dir)}.")
            return
        typed_password = self.password.text()
        self.test_button.setEnabled(False)
        self.busy.show()
        error_text(self.test_result, False)
        self.test_result.setText(TESTING)
        self.test_result.show()
        reports = self._reports

        def password() -> str | None:  # the keyring's only if it was set for this server
            from ...store.connection import keyring_password

            return typed_password or keyring_password(url)

        def work() -> None:
            try:
                reached, line = True, try_team(url, password)
            except DatabaseUnreachable as exc:  # the URL is in the field: the reason is enough
                reached, line = (
                    False,
                    "Not reached: " + (exc.message.partition(REACH)[2] or exc.message),
                )
            except UserError as exc:
                reached, line = False, exc.message
            except Exception as exc:  # never let a surprise end the thread silently
                reached, line = False, f"unexpected error ({type(exc).__name__})"
            if typed_password:  # never shown, even if a server message quoted it
                line = line.replace(typed_password, "***")
            with contextlib.suppress(RuntimeError):  # the window went while the test ran
                reports.done.emit(reached, line)

        self._tests.start(work)

    def confirm_untested(self, parent: QWidget) -> bool:
        """Before saving a URL whose test just failed: ask whether to save it anyway (it would
        be used from the next start, with nothing to show until it answers)."""
        url = self.url.text().strip()
        if not url or url != self.failed_url or same_target(url, self.saved_choice.database):
            return True
        box = plain.box(
            QMessageBox.Icon.Question,
            window_title("Save an unreached database?"),
            f"{team_url.shown(url)} was not reached when tested. Save it anyway? It is used from "
            "the next start, and nothing can be shown until it answers.",
            parent,
        )
        box.setStandardButtons(QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box.exec() == QMessageBox.StandardButton.Save

    def _tested(self, reached: bool, line: str) -> None:
        self.failed_url = None if reached else self.url.text().strip()
        self.test_button.setEnabled(True)
        self.busy.hide()
        line = line[:1].upper() + line[1:]
        error_text(self.test_result, not reached)
        self.test_result.setText(line)
        self.test_result.show()
