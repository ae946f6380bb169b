"""Settings > E-mail's monthly report, from the keyboard: ticked and its recipients typed after
the alert settings, saved with Ctrl+S; while e-mail alerts are off a line under it says that
nothing is mailed, and it goes as soon as e-mail is ticked. A recipient that isn't an address
is refused at Save beside its field, with nothing stored."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from djamon_desktop.gui.windows.report_note import E_MAIL_OFF
from djamon_desktop.store.settings import load_settings

from .screen import press, type_into


def focused():
    return QApplication.focusWidget()


def test_the_monthly_report_is_set_from_the_keyboard(qtbot, settings_window, shot):
    window = settings_window()
    window.tabs.setCurrentWidget(window.pages["E-mail"])
    box = window.fields["monthly_report.enabled"]
    to = window.fields["monthly_report.to"]
    note = window.report_note.label
    assert box.text() == "Mail last month's uptime report on the 1st"
    assert to.placeholderText() == "empty: the alert recipients"
    assert (
        window.explanations["monthly_report.to"]
        .text()
        .endswith("when empty, the alert recipients (To above).")
    )
    assert not note.isVisible()

    # from the alerts' To, on through the test button to the report's rows
    type_into(qtbot, window.fields["email.to"], "ops@example.com")
    press(Qt.Key_Tab)
    assert focused() is window.email_test.button
    press(Qt.Key_Tab)
    assert focused() is box
    press(Qt.Key_Space)
    assert box.isChecked()
    # e-mail alerts are off: said under the report at once, before any save
    assert note.isVisible() and note.text() == E_MAIL_OFF
    press(Qt.Key_Tab)
    assert focused() is to
    QTest.keyClicks(focused(), "boss@example.com, , not-an-address")
    press(Qt.Key_S, Qt.ControlModifier)
    assert window.errors.text("monthly_report.to") == "'not-an-address' is not an e-mail address"
    assert window.note.text().startswith("Nothing was saved")
    assert load_settings().monthly_report_enabled is False

    type_into(qtbot, to, "boss@example.com, owner@example.com", clear=True)
    press(Qt.Key_S, Qt.ControlModifier)
    assert window.note.text() == "Saved."
    stored = load_settings()
    assert stored.monthly_report_enabled is True
    assert stored.monthly_report_to == ("boss@example.com", "owner@example.com")
    assert stored.email_enabled is False  # saved all the same: settings may come in any order
    shot(window, "settings-monthly-report")

    # e-mail ticked: the note goes
    window.fields["email.enabled"].setFocus()
    press(Qt.Key_Space)
    assert window.fields["email.enabled"].isChecked()
    assert not note.isVisible()
