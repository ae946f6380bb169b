"""Settings > Incidents the way a person uses it: quiet hours typed and added, the next windows
shown under the list as they are typed, a bad line refused at Save with nothing stored."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from PySide6.QtCore import Qt

from djamon_desktop.gui.windows.settings import SettingsWindow
from djamon_desktop.store.settings import load_settings, save_settings

from ..conftest import Clock
from .screen import press, shown, type_into

MONDAY_NOON = datetime(2026, 11, 2, 12, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def test_quiet_hours_show_their_next_windows_and_bad_ones_are_refused(qtbot, db, monkeypatch, shot):
    monkeypatch.setenv("TZ", "Europe/Berlin")
    window = SettingsWindow(save_settings, Clock(MONDAY_NOON))
    window.show_settings(load_settings())
    shown(qtbot, window)
    qtbot.waitUntil(lambda: not window.keyring_pending())
    window.tabs.setCurrentWidget(window.pages["Incidents"])
    field = window.fields["quiet_hours"]
    assert window.quiet_preview.text() == "No quiet hours: alerts go at once."

    # typed (not yet added): the preview follows the line and the minutes
    type_into(qtbot, field.line, "0 18 * * 1-5")
    type_into(qtbot, field.minutes, "900", clear=True)
    assert window.quiet_preview.text() == (
        "Next: Mon 18:00–Tue 09:00, Tue 18:00–Wed 09:00, Wed 18:00–Thu 09:00"
    )
    qtbot.mouseClick(field.add_button, Qt.MouseButton.LeftButton)
    assert field.list.count() == 1 and field.line.text() == ""
    assert window.quiet_preview.text().startswith("Next: Mon 18:00–Tue 09:00")

    # a second window, mornings: it follows on, so each night ends at 10:00
    type_into(qtbot, field.line, "0 9 * * 2-5")
    type_into(qtbot, field.minutes, "60", clear=True)
    press(Qt.Key_Tab)
    assert window.quiet_preview.text().startswith("Next: Mon 18:00–Tue 10:00")
    type_into(qtbot, window.fields["escalate_after_minutes"], "15", clear=True)
    shot(window, "settings-incidents")

    # a bad line: said under the list as typed, and refused at Save with nothing stored
    type_into(qtbot, field.line, "0 25 * * *", clear=True)
    assert window.quiet_preview.text().startswith("Window 2: ")
    qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    assert "quiet_hours" in window.errors.labels
    assert window.errors.text("quiet_hours")
    assert window.note.text().startswith("Nothing was saved")
    stored = load_settings()
    assert stored.quiet_hours == () and stored.escalate_after_minutes == 0

    # mended: saved as shown
    type_into(qtbot, field.line, "0 9 * * 2-5", clear=True)
    qtbot.mouseClick(window.save_button, Qt.MouseButton.LeftButton)
    assert window.note.text() == "Saved."
    stored = load_settings()
    assert stored.quiet_hours == (
        {"schedule": "0 18 * * 1-5", "minutes": 900},
        {"schedule": "0 9 * * 2-5", "minutes": 60},
    )
    assert stored.escalate_after_minutes == 15
