"""What a newcomer met in Settings, the way a person meets it: clicks and key presses, then what
the window says. A real SMTP server (tests/mail.py) gets the E-mail tab's test."""

from __future__ import annotations

from PySide6.QtCore import Qt

from djamon_desktop.alerts.sender import TEST_SUBJECT
from djamon_desktop.gui.windows.channel_checks import SENDING

from ..conftest import document
from ..servers import closed_port
from .screen import type_into


def sent(qtbot, window) -> str:
    """Click the E-mail tab's Send a test and wait for what it says."""
    test = window.email_test
    qtbot.mouseClick(test.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: test.result.text() not in ("", SENDING), timeout=30000)
    assert test.button.isEnabled()
    return test.result.text()


def test_the_email_tab_sends_a_test_through_the_smtp_server(
    qtbot, db, load, mail, settings_window, shot
):
    load(document(email=mail.settings()))
    window = settings_window()
    window.tabs.setCurrentWidget(window.pages["E-mail"])
    said = sent(qtbot, window)
    shot(window, "settings-email-test")
    assert said.startswith("Sent to ops@example.com, boss@example.com through localhost:"), said
    [got] = mail.inbox
    assert str(got.message["Subject"]) == TEST_SUBJECT
    assert sorted(got.rcpt_tos) == ["boss@example.com", "ops@example.com"]


def test_the_email_test_uses_what_is_typed_and_says_why_it_failed(
    qtbot, db, load, mail, settings_window, shot
):
    load(document(email=mail.settings()))
    window = settings_window()
    window.tabs.setCurrentWidget(window.pages["E-mail"])
    port = closed_port()
    type_into(qtbot, window.fields["email.port"], str(port), clear=True)
    said = sent(qtbot, window)
    shot(window, "settings-email-test-failed")
    assert said.startswith("Not sent: ") and f"localhost:{port}" in said, said
    assert mail.inbox == []

    type_into(qtbot, window.smtp_password, "typed-not-saved")
    said = sent(qtbot, window)
    assert said == "Not sent: save first, so the password typed is in the keyring."
