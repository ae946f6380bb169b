"""One form field for each kind of setting in the settings table (:mod:`...core.settings`):
the widget, how a value is shown in it and how it is read back. The Settings window builds its
tabs from the table with these, so a new setting of a known kind needs no code here."""

from __future__ import annotations

import re
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from ...core.maintenance import windows_of
from ...core.settings import Setting
from .maintenance_field import WindowsField

SHORTEST_TIMEOUT = 0.5  # seconds: the least a spin box of seconds offers


class SettingField:
    """A setting's widget; ``row_label`` is what the form shows left of it ("" for a check box,
    which carries its label itself)."""

    def __init__(self, setting: Setting, widget: QWidget) -> None:
        self.setting = setting
        self.widget = widget
        self.row_label = setting.label
        if setting.help:
            widget.setToolTip(setting.help)
        if setting.placeholder and hasattr(widget, "setPlaceholderText"):
            widget.setPlaceholderText(setting.placeholder)

    def show_value(self, value: Any) -> None:
        raise NotImplementedError

    def value(self) -> Any:
        """The value as typed; ValueError (``key: what``) when it can't be read at all."""
        raise NotImplementedError

    def typed(self) -> object:
        """What is in the field, readable or not (to tell whether it was changed)."""
        try:
            return self.value()
        except ValueError:
            return ("unreadable", self.widget.text())


class BoolField(SettingField):
    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QCheckBox(setting.label))
        self.row_label = ""

    def show_value(self, value: Any) -> None:
        self.widget.setChecked(bool(value))

    def value(self) -> bool:
        return self.widget.isChecked()


class IntField(SettingField):
    def __init__(self, setting: Setting) -> None:
        box = QSpinBox()
        box.setRange(int(setting.low or 0), int(setting.high or 2**31 - 1))
        box.setSuffix(setting.unit)
        super().__init__(setting, box)

    def show_value(self, value: Any) -> None:
        self.widget.setValue(int(value))

    def value(self) -> int:
        return self.widget.value()


class SecondsField(SettingField):
    def __init__(self, setting: Setting) -> None:
        box = QDoubleSpinBox()
        box.setRange(max(setting.low or 0, SHORTEST_TIMEOUT), setting.high or 60)
        box.setSuffix(setting.unit)
        super().__init__(setting, box)

    def show_value(self, value: Any) -> None:
        self.widget.setValue(float(value))

    def value(self) -> int | float:
        seconds = self.widget.value()
        return int(seconds) if seconds.is_integer() else seconds


class TextField(SettingField):
    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QLineEdit())

    def show_value(self, value: Any) -> None:
        self.widget.setText(value)

    def value(self) -> str:
        return self.widget.text().strip()


class AddressesField(SettingField):
    """A list of e-mail addresses on one line, separated by commas (or ; or spaces)."""

    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QLineEdit())

    def show_value(self, value: Any) -> None:
        self.widget.setText(", ".join(value))

    def value(self) -> list[str]:
        return [t for t in re.split(r"[,;\s]+", self.widget.text()) if t]


class StatusCodesField(SettingField):
    """Whole numbers on one line, separated by commas or spaces."""

    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, QLineEdit())

    def show_value(self, value: Any) -> None:
        self.widget.setText(", ".join(str(c) for c in value))

    def value(self) -> list[int]:
        codes = []
        for token in re.split(r"[,\s]+", self.widget.text().strip()):
            if token:
                if not token.isdigit():
                    raise ValueError(f"{self.setting.key}: {token!r} is not a status code")
                codes.append(int(token))
        return codes


class ChoiceField(SettingField):
    def __init__(self, setting: Setting) -> None:
        box = QComboBox()
        box.addItems(list(setting.choices))
        super().__init__(setting, box)

    def show_value(self, value: Any) -> None:
        self.widget.setCurrentText(value)

    def value(self) -> str:
        return self.widget.currentText()


class LinesField(SettingField):
    """One entry a line; blank lines are dropped. Tab moves on to the next field, crontab lines
    too (a keyboard would otherwise be held in the box; spaces separate a line's fields, and a
    pasted tab is kept); a list of URLs is four lines high."""

    def __init__(self, setting: Setting) -> None:
        box = QPlainTextEdit()
        box.setTabChangesFocus(True)
        if setting.kind != "crontab":
            box.setFixedHeight(box.fontMetrics().lineSpacing() * 4 + 12)
        super().__init__(setting, box)

    def show_value(self, value: Any) -> None:
        self.widget.setPlainText("\n".join(value))

    def value(self) -> list[str]:
        return [ln.strip() for ln in self.widget.toPlainText().splitlines() if ln.strip()]


class WindowsListField(SettingField):
    """A list of windows (``quiet_hours``): each a crontab line for its start and a length in
    minutes, as the maintenance editor has them."""

    def __init__(self, setting: Setting) -> None:
        super().__init__(setting, WindowsField())

    def show_value(self, value: Any) -> None:
        self.widget.show_windows(windows_of(value))

    def value(self) -> list[dict]:
        return self.widget.windows()

    def typed(self) -> object:
        return self.value()


FIELDS: dict[str, type[SettingField]] = {
    "bool": BoolField,
    "int": IntField,
    "seconds": SecondsField,
    "text": TextField,
    "host": TextField,
    "sender": TextField,
    "choice": ChoiceField,
    "emails": AddressesField,
    "status_codes": StatusCodesField,
    "urls": LinesField,
    "crontab": LinesField,
    "windows": WindowsListField,
}


def field_for(setting: Setting) -> SettingField:
    return FIELDS[setting.kind](setting)
