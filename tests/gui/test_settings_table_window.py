"""The Settings window builds its fields from the settings table: each setting's label, help,
bounds and choices as the table says, and a setting added to the table (one line) shows as a
field a person can type into and save."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
)

from djamon_desktop.core import settings as table
from djamon_desktop.core.settings import SETTINGS, value_at
from djamon_desktop.gui.windows.settings import SettingsWindow
from djamon_desktop.store.settings import stored_settings

from ..core.test_settings_table import EXTRA
from .screen import press, type_into


def shown_label(window: SettingsWindow, key: str) -> str:
    """The text a person reads for the field: its row's label, or a check box's own text."""
    field = window.fields[key]
    if isinstance(field, QCheckBox):
        return field.text()
    form = field.parentWidget().parentWidget().findChild(QFormLayout)
    label = form.labelForField(field.parentWidget())
    assert isinstance(label, QLabel) and label.isVisible()
    return label.text()


@pytest.mark.parametrize("key", [s.key for s in SETTINGS])
def test_each_setting_shows_with_its_label_help_and_bounds(qtbot, settings_window, key):
    setting = table.setting(key)
    window = settings_window()
    window.tabs.setCurrentIndex(window.tabs.indexOf(window.pages[setting.section]))
    field = window.fields[key]
    qtbot.waitUntil(field.isVisible)
    assert window.tabs.tabText(window.tabs.currentIndex()) == setting.section
    assert shown_label(window, key) == setting.label
    assert field.toolTip() == setting.help
    if isinstance(field, QAbstractSpinBox):
        assert (field.minimum(), field.maximum()) == (
            max(setting.low, 0.5) if setting.kind == "seconds" else setting.low,
            setting.high,
        )
        assert field.suffix() == setting.unit
    if isinstance(field, QComboBox):
        assert [field.itemText(i) for i in range(field.count())] == list(setting.choices)
    if setting.placeholder:
        assert field.placeholderText() == setting.placeholder
    assert value_at(window.values(), key) == setting.default


def test_a_setting_added_to_the_table_is_a_field_to_type_into_and_save(
    qtbot, monkeypatch, settings_window
):
    monkeypatch.setattr(table, "SETTINGS", (*SETTINGS, EXTRA))  # max_redirects, 0-20
    window = settings_window()
    window.tabs.setCurrentWidget(window.checks_page)
    field = window.fields["max_redirects"]
    qtbot.waitUntil(field.isVisible)
    assert shown_label(window, "max_redirects") == "Redirects followed:"
    assert field.toolTip() == "How many redirects a check follows."
    assert field.text() == "5"

    type_into(qtbot, field, "25", clear=True)  # above the table's 20: the spin box stops at 20
    assert field.text() == "2"
    press(Qt.Key_Backspace)
    type_into(qtbot, field, "7")
    press(Qt.Key_S, Qt.ControlModifier)
    assert window.note.text() == "Saved."
    assert stored_settings()["max_redirects"] == 7  # (stored; code reads it once typed)


def test_tab_moves_on_from_the_schedule_and_sandbox_boxes(settings_window):
    """No box holds the keyboard (a crontab line's fields are parted by spaces)."""
    window = settings_window()
    assert isinstance(window.schedule, QPlainTextEdit) and window.schedule.tabChangesFocus()
    assert window.sandbox.tabChangesFocus()
