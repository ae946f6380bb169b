"""The password fields of Settings, and the keyring thread they talk to.

The keyring is only ever touched on a worker thread: a keyring that waits on an unlock prompt
nobody sees must not freeze the app. Its answers come back as a signal. A stored secret is
never shown back; its field says whether one is stored."""

from __future__ import annotations

import contextlib
import itertools
from collections.abc import Callable, Mapping

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit

from ... import password_binding, secrets
from ...core.status import plural
from .forms import FieldErrors

Server = Mapping[str, str]  # what a password is bound to (password_binding)

CHECKING = "checking the keyring…"
SECRET_HELP = "Kept in the OS keyring, never in the database or an export; never shown back."

# name in the keyring, label, and the setting whose field it follows
SECRET_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("smtp_password", "Password:", "email.username"),
    ("twitter_consumer_key", "Consumer key:", "twitter.enabled"),
    ("twitter_consumer_secret", "Consumer secret:", "twitter.enabled"),
    ("twitter_access_token", "Access token:", "twitter.enabled"),
    ("twitter_access_token_secret", "Access token secret:", "twitter.enabled"),
    ("database_password", "Password:", "team.database"),  # the Team tab's URL row
)


# -- the keyring thread --------------------------------------------------------------------------


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


def _put_each(values: dict[str, str], servers: Mapping[str, Server | None]) -> dict[str, str]:
    """Store each secret (a password in :data:`.secrets.BOUND` bound to its server in
    ``servers``); the error text of those that failed, by name."""
    failed: dict[str, str] = {}
    for name, value in values.items():
        if failed:  # a keyring that failed once is not asked again (it may be slow to fail)
            failed[name] = f"not stored: {next(iter(failed.values()))}"
            continue
        try:
            if name in secrets.BOUND:
                password_binding.store(name, value, servers.get(name))
            else:
                secrets.put(name, value)
        except secrets.SecretStoreError as exc:
            failed[name] = exc.message
    return failed


# -- the fields ----------------------------------------------------------------------------------


class SecretFields(QObject):
    """The password fields: disabled while the keyring is asked, a placeholder saying whether a
    secret is stored, typed values sent to the keyring after a save. ``note`` says what was
    stored; ``keyring_note`` that the keyring is being asked, or what is wrong with it."""

    def __init__(
        self, errors: FieldErrors, note: QLabel, keyring_note: QLabel, parent: QObject
    ) -> None:
        super().__init__(parent)
        self.errors = errors
        self.note = note
        self.keyring_note = keyring_note
        self.fields: dict[str, QLineEdit] = {}
        self._jobs: dict[int, Callable[[object, str], None]] = {}
        self._status_job: int | None = None
        self._storing: dict[str, str] = {}
        self.known: dict[str, bool] | None = None  # which are stored, once the keyring said
        keyring_reports().finished.connect(self._finished)

    def add_rows_after(self, key: str, form: QFormLayout) -> None:
        """The rows of the secrets that follow the setting ``key``."""
        for name, label, after in SECRET_FIELDS:
            if after == key:
                field = QLineEdit()
                field.setEchoMode(QLineEdit.EchoMode.Password)
                field.setToolTip(SECRET_HELP)
                self.errors.add_row(form, label, name, field)
                self.fields[name] = field

    def pending(self) -> bool:
        return bool(self._jobs)

    def typed(self) -> dict[str, str]:
        """What is typed in each field; a secret on its way to the keyring counts as saved (one
        the keyring refused does not)."""
        return {n: "" if n in self._storing else f.text() for n, f in self.fields.items()}

    def refresh(self) -> None:
        """Empty the fields (but those being stored) and ask the keyring which are set."""
        for name, field in self.fields.items():
            if name not in self._storing:
                field.clear()
        self._ask_status()

    def store_typed(self, servers: Mapping[str, Server | None] | None = None) -> None:
        """Send what was typed to the keyring, on the keyring thread; a password is bound to
        its server in ``servers`` (what was saved with it: see :mod:`...password_binding`)."""
        servers = dict(servers or {})
        values = {
            name: field.text()
            for name, field in self.fields.items()
            if field.text() and name not in self._storing
        }
        if not values:
            return
        self._storing.update(values)
        for name in values:
            self.fields[name].setEnabled(False)
        self._start(lambda: _put_each(values, servers), self._stored)

    def _start(self, job: Callable[[], object], done: Callable[[object, str], None]) -> int:
        job_id = run_keyring_job(job)
        self._jobs[job_id] = done
        self.keyring_note.setText(CHECKING)
        self.keyring_note.show()
        return job_id

    def _finished(self, job_id: int, result: object, error: str) -> None:
        done = self._jobs.pop(job_id, None)
        if done is None:
            return  # another window's job, or one asked for before the form was shown again
        if not self._jobs:
            self.keyring_note.hide()
        done(result, error)

    def _ask_status(self) -> None:
        for name, field in self.fields.items():
            if name not in self._storing:
                field.setEnabled(False)
                field.setPlaceholderText(CHECKING)
        if self._status_job is not None:
            self._jobs.pop(self._status_job, None)  # a newer answer is on its way
        self._status_job = self._start(secrets.status, self._status_known)

    def _status_known(self, known: object, error: str) -> None:
        self._status_job = None
        self.known = known if isinstance(known, dict) and not error else None
        if error:
            for name, field in self.fields.items():
                if name not in self._storing:
                    field.setEnabled(False)
                    field.setPlaceholderText("no OS keyring")
            self.keyring_note.setText(f"Keyring: {error}")
            self.keyring_note.show()
            return
        assert isinstance(known, dict)
        for name, field in self.fields.items():
            if name in self._storing:
                continue
            field.setEnabled(True)
            field.setPlaceholderText(
                "stored in the keyring — type to replace" if known[name] else "not set"
            )

    def _stored(self, failed: object, error: str) -> None:
        if error:  # the job itself could not run: every value is still unstored
            failed = dict.fromkeys(self._storing, error)
        assert isinstance(failed, dict)
        stored = [name for name in self._storing if name not in failed]
        for name in self._storing:
            field = self.fields[name]
            field.setEnabled(True)
            if name in stored:
                field.clear()
        for name, message in failed.items():
            self.errors.show(name, message)
        self._storing.clear()
        self._ask_status()
        if stored:  # what the save said besides "Saved." (a warning) stays said
            kept = self.note.text().removeprefix("Saved.").strip()
            said = f"Saved. Stored in the keyring: {', '.join(stored)}."
            self.note.setText(f"{said} {kept}" if kept else said)
        if failed:
            self.note.setText(
                f"Saved, but {plural(len(failed), 'secret')} could not be stored in the keyring: "
                "see the fields marked."
            )
