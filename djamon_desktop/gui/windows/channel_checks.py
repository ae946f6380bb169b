"""What Settings tells about an alert channel before an outage does: the E-mail tab's "Send a
test" (the same code as ``alert-test email``, on a thread of its own, the answer under the
button), and on Save whether X is on without its keys in the keyring (saved all the same, as
an e-mail server without its password is: the keys may come later)."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QObject, QThreadPool, Signal
from PySide6.QtWidgets import QFormLayout

from ...secrets import TWITTER_NAMES
from .forms import test_button_row

#: the E-mail tab's last setting: the test button goes under it
AFTER = "email.to"
SENDING = "Sending a test…"


class _Reports(QObject):
    done = Signal(str)  # what the test says


def send_email_test(email: Mapping[str, Any]) -> str:
    """One test e-mail with these e-mail settings (the stored password), as ``alert-test
    email`` sends it: the line to show, ``Sent to …`` or ``Not sent: …`` (secrets hidden)."""
    from ...alerts.channels import DeliveryError
    from ...alerts.sender import send_test
    from ...core import settings as table
    from ...core.settings_value import Settings
    from ...secrets import redact

    try:
        what = send_test(Settings.from_dict(table.with_defaults({"email": dict(email)})), "email")
    except DeliveryError as exc:
        return f"Not sent: {redact(exc.reason)}"
    return what[:1].upper() + what[1:]


class EmailTest(QObject):
    """The E-mail tab's "Send a test" and its answer. ``fields`` are the window's setting
    fields by key (the ``email.*`` ones are read, as typed); ``password_typed()`` says whether
    a password is typed and not saved yet (the test sends with the keyring's, as alerts do)."""

    def __init__(
        self, fields: Mapping[str, Any], password_typed: Callable[[], bool], parent: QObject
    ) -> None:
        super().__init__(parent)
        self._fields = fields
        self._password_typed = password_typed
        self._tests = QThreadPool(self)
        self._tests.setMaxThreadCount(1)
        self._reports = _Reports(self)
        self._reports.done.connect(self._tested)

    def add_rows_after(self, key: str, form: QFormLayout) -> None:
        if key != AFTER:
            return
        self.button, self.result = test_button_row(
            form,
            "Send one test e-mail now with the settings typed above and the password stored in "
            "the keyring, and show what happened (as alert-test email does).",
            self.send_test,
        )

    def send_test(self) -> None:
        """Send the test off the UI thread; the button takes no second click meanwhile."""
        if self._password_typed():
            self._tested("Not sent: save first, so the password typed is in the keyring.")
            return
        try:  # each field's value, or ValueError naming the one that can't be read
            email = {
                key.removeprefix("email."): field.value()
                for key, field in self._fields.items()
                if key.startswith("email.")
            }
        except ValueError as exc:
            self._tested(f"Not sent: {exc}")
            return
        self.button.setEnabled(False)
        self.result.setText(SENDING)
        self.result.show()
        reports = self._reports

        def work() -> None:
            try:
                said = send_email_test(email)
            except Exception as exc:  # never let a surprise end the thread silently
                said = f"Not sent: unexpected error ({type(exc).__name__})"
            with contextlib.suppress(RuntimeError):  # the window went while the test ran
                reports.done.emit(said)

        self._tests.start(work)

    def _tested(self, said: str) -> None:
        self.button.setEnabled(True)
        self.result.setText(said)
        self.result.show()


#: beside each key X lacks, after a save that turned it on
X_NEEDS = "not set: posts on X need it"


def missing_x_keys(
    values: Mapping[str, Any], known: Mapping[str, bool] | None, typed: Mapping[str, str]
) -> list[str]:
    """The keyring names of the X keys neither stored (``known``, the keyring's answer; None
    when it has not answered) nor typed, while X is on in ``values``; [] otherwise."""
    if not values.get("twitter", {}).get("enabled") or known is None:
        return []
    return [name for name in TWITTER_NAMES if not known.get(name) and not typed.get(name)]


def saved_words(warnings: list[str], missing: list[str]) -> str:
    """What the window says after a save: ``Saved.``, then each warning, then the X keys
    missing in the keyring by their names there."""
    said = ["Saved.", *warnings]
    if missing:
        them = "it" if len(missing) == 1 else "them"
        said.append(
            f"X is on, but the keyring lacks {', '.join(missing)}: type {them} on the X tab, "
            "or posts on X wait."
        )
    return " ".join(said)
