"""The typed settings value and the settings table cannot drift apart: the same names, the same
defaults, and a settings object goes through the value and back unchanged, in the table's
order (what export and ``--json`` print)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from djamon_desktop.core import settings as table
from djamon_desktop.core.settings import SETTINGS, default_settings, merge_settings
from djamon_desktop.core.settings_value import Settings, attribute

from .test_settings_table import EXTRA


def test_the_fields_are_the_settings_of_the_table():
    assert [f.name for f in dataclasses.fields(Settings)] == [attribute(s.key) for s in SETTINGS]


@pytest.mark.parametrize("entry", SETTINGS, ids=[s.key for s in SETTINGS])
def test_each_field_holds_its_default(entry):
    value = getattr(Settings.defaults(), attribute(entry.key))
    expected = tuple(entry.default) if isinstance(entry.default, list) else entry.default
    assert value == expected and type(value) is type(expected)


def test_a_settings_object_goes_through_the_value_and_back_byte_for_byte():
    changed = merge_settings(
        default_settings(),
        {
            "schedule": ["*/5 * * * *"],
            "timeout_seconds": 2.5,
            "good_codes": [200],
            "email": {"port": 465, "from": "ops@example.com", "to": ["a@example.com"]},
            "apprise": {"enabled": True},
        },
    )
    for settings in (default_settings(), changed):
        again = Settings.from_dict(settings).to_dict()
        assert json.dumps(again) == json.dumps(settings)
    value = Settings.from_dict(changed)
    assert value.email_port == 465 and value.email_from == "ops@example.com"
    assert value.good_codes == (200,) and value.timeout_seconds == 2.5
    assert value.enabled("apprise") and not value.enabled("email")
    assert value.part("email")["to"] == ["a@example.com"]


def test_the_value_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings.defaults().strikes = 5  # type: ignore[misc]


def test_a_setting_being_added_to_the_table_reads_as_its_default(monkeypatch):
    monkeypatch.setattr(table, "SETTINGS", (*SETTINGS, EXTRA))
    out = Settings.defaults().to_dict()
    assert list(out)[-1] == "max_redirects" and out["max_redirects"] == 5
