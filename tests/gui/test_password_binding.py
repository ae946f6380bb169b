"""Settings and the Team tab, the way a person uses them: the e-mail tab refuses a plain-text
login to a machine other than this one (the message beside the field, nothing saved); a password
typed there is bound to the server saved with it (the Team tab's: tests/gui/test_team_tab.py)."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt

from djamon_desktop import secrets
from djamon_desktop.gui.windows.settings import MOVED
from djamon_desktop.store.settings import load_settings

from .screen import click_into, press, type_into


def email_tab(qtbot, window) -> None:
    window.tabs.setCurrentWidget(window.pages["E-mail"])
    qtbot.waitUntil(window.fields["email.host"].isVisible)


def choose_security(qtbot, window, choice: str) -> None:
    """From the Port field, Tab to Security and arrow down to ``choice``."""
    box = window.fields["email.security"]
    click_into(qtbot, window.fields["email.port"])
    press(Qt.Key_Tab)
    qtbot.waitUntil(box.hasFocus)
    for _ in range(box.count()):
        if box.currentText() == choice:
            break
        press(Qt.Key_Down)
    assert box.currentText() == choice


def test_the_email_tab_refuses_a_plain_login_to_another_machine(qtbot, settings_window):
    window = settings_window()
    email_tab(qtbot, window)
    type_into(qtbot, window.fields["email.host"], "mail.example.com", clear=True)
    type_into(qtbot, window.fields["email.username"], "ops")
    choose_security(qtbot, window, "none")
    press(Qt.Key_S, Qt.ControlModifier)
    error = window.errors.labels["email.security"]
    assert error.isVisible()
    assert error.text() == (
        "none would send the SMTP password unencrypted to mail.example.com, which is not this "
        "machine (only localhost, 127.x.x.x or ::1 is); use starttls or ssl, or no username"
    )
    assert window.note.text() == "Nothing was saved: see the fields marked."
    assert load_settings().email_host == "smtp.gmail.com"

    type_into(qtbot, window.fields["email.host"], "localhost", clear=True)  # this machine
    press(Qt.Key_S, Qt.ControlModifier)
    assert window.note.text() == f"Saved. {MOVED}"  # no password was typed with it
    saved = load_settings()
    assert saved.email_host == "localhost" and saved.email_security == "none"
    assert saved.email_username == "ops"


def test_a_password_typed_in_settings_is_bound_to_the_server_saved_with_it(
    qtbot, settings_window, keyring
):
    window = settings_window()
    email_tab(qtbot, window)
    type_into(qtbot, window.fields["email.host"], "SMTP.example.org", clear=True)
    type_into(qtbot, window.fields["email.username"], "ops")
    type_into(qtbot, window.smtp_password, "typed-Pw-991")
    press(Qt.Key_S, Qt.ControlModifier)
    type_into(qtbot, window.fields["email.host"], "elsewhere.example.org", clear=True)  # unsaved
    qtbot.waitUntil(lambda: not window.keyring_pending(), timeout=5000)
    assert window.note.text() == "Saved. Stored in the keyring: smtp_password."
    value, bound = secrets.get_bound("smtp_password")
    assert value == "typed-Pw-991"
    assert json.loads(bound or "null") == {
        "host": "smtp.example.org",
        "port": "587",
        "username": "ops",
        "security": "starttls",
    }
