"""What a newcomer met in Settings, the way a person meets it: clicks and key presses, then what
the window says. A real SMTP server (tests/mail.py) gets the E-mail tab's test."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt

from djamon_desktop.alerts.sender import TEST_SUBJECT
from djamon_desktop.gui.windows.channel_checks import SENDING, X_NEEDS
from djamon_desktop.secrets import TWITTER_NAMES
from djamon_desktop.store.settings import load_settings

from ..conftest import document
from ..servers import closed_port
from .screen import press, type_into


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


def turn_x_on(qtbot, window) -> None:
    window.tabs.setCurrentWidget(window.pages["X"])
    on = window.fields["twitter.enabled"]
    qtbot.mouseClick(on, Qt.MouseButton.LeftButton, pos=QPoint(8, on.height() // 2))
    assert on.isChecked()


def test_turning_x_on_without_its_keys_says_which_the_keyring_lacks(
    qtbot, db, keyring, settings_window, shot
):
    keyring("twitter_consumer_key", "stored-key")
    keyring("twitter_consumer_secret", "stored-secret")
    window = settings_window()
    turn_x_on(qtbot, window)
    type_into(qtbot, window.secret_fields["twitter_access_token"], "typed-token")
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.keyring_pending())
    shot(window, "settings-x-keys-missing")
    assert load_settings().twitter_enabled  # saved, as an e-mail server without its password is
    assert window.note.text() == (
        "Saved. Stored in the keyring: twitter_access_token. X is on, but the keyring lacks "
        "twitter_access_token_secret: type it on the X tab, or posts on X wait."
    )
    marked = window.errors.labels
    assert marked["twitter_access_token_secret"].text() == X_NEEDS
    assert marked["twitter_access_token_secret"].isVisible()
    assert not marked["twitter_consumer_key"].isVisible()


def test_x_on_with_every_key_in_the_keyring_just_saves(qtbot, db, keyring, settings_window):
    for name in TWITTER_NAMES:
        keyring(name, f"stored-{name}")
    window = settings_window()
    turn_x_on(qtbot, window)
    press(Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert window.note.text() == "Saved."
    assert load_settings().twitter_enabled
