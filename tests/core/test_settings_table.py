"""The settings table is the one place a setting is declared: every setting in it appears in the
export with its default, is checked by import with its place named, and a setting added to the
table (one line) goes through export, import and the store with nothing else changed.

The Settings window's side is in tests/gui/test_settings_table_window.py."""

from __future__ import annotations

import json

import pytest

from djamon_desktop.core import settings as table
from djamon_desktop.core.config import FORMAT, parse_document, render_document
from djamon_desktop.core.problems import DocumentRefused
from djamon_desktop.core.settings import SETTINGS, Setting, default_settings, value_at

KEYS = [s.key for s in SETTINGS]
WRONG = {"not": "a setting's value"}  # an object: the wrong type for every kind of setting


def nested(key: str, value: object) -> dict:
    """``{"email": {"port": value}}`` for ``email.port``."""
    out: object = value
    for part in reversed(key.split(".")):
        out = {part: out}
    assert isinstance(out, dict)
    return out


def refusal(settings: dict) -> list[str]:
    with pytest.raises(DocumentRefused) as refused:
        parse_document({"format": FORMAT, "settings": settings, "groups": []})
    return refused.value.problems


def test_every_setting_today_is_in_the_table():
    assert KEYS == [
        "schedule",
        "sandbox_urls",
        "good_codes",
        "strikes",
        "timeout_seconds",
        "retention_days",
        "notify_recovery",
        "email.enabled",
        "email.host",
        "email.port",
        "email.security",
        "email.username",
        "email.from",
        "email.to",
        "twitter.enabled",
        "apprise.enabled",
        "confirmations",
        "cert_warning_days",
        "retry_seconds",
        "escalate_after_minutes",
        "quiet_hours",
        "monthly_report.enabled",
        "monthly_report.to",
    ]
    for setting in SETTINGS:
        assert setting.kind in table.KINDS, setting.key
        assert setting.label and setting.help, setting.key


@pytest.mark.parametrize("key", KEYS)
def test_export_has_each_setting_at_its_default(key):
    exported = json.loads(render_document({}, []))["settings"]
    assert value_at(exported, key) == table.setting(key).default


@pytest.mark.parametrize("key", KEYS)
def test_import_takes_each_default_and_refuses_a_wrong_type_naming_the_place(key):
    default = table.setting(key).default
    assert (
        value_at(parse_document({"format": FORMAT, "settings": nested(key, default)}).settings, key)
        == default
    )
    problems = refusal(nested(key, WRONG))
    assert len(problems) == 1
    assert problems[0].startswith(f"settings.{key}: "), problems


def test_bounds_and_choices_come_from_the_table():
    assert refusal({"strikes": 1001}) == ["settings.strikes: 1001 is above 1000"]
    assert refusal({"strikes": 0}) == ["settings.strikes: 0 is below 1"]
    assert refusal({"email": {"port": 70000}}) == ["settings.email.port: 70000 is above 65535"]
    assert refusal({"timeout_seconds": 0}) == [
        "settings.timeout_seconds: 0 is out of range; use more than 0 and at most 60 seconds"
    ]
    assert refusal({"good_codes": [99]}) == [
        "settings.good_codes[0]: 99 is below 100 (an HTTP status code is 100-599)"
    ]
    assert refusal({"email": {"security": "tls"}}) == [
        'settings.email.security: "tls" is not one of starttls, ssl, none'
    ]
    assert refusal({"email": {"smtp": 1}}) == [
        "settings.email.smtp: unknown key; known keys: enabled, host, port, security, "
        "username, from, to"
    ]
    assert refusal({"colour": 1}) == [
        "settings.colour: unknown key; known keys: schedule, sandbox_urls, good_codes, strikes, "
        "timeout_seconds, retention_days, notify_recovery, email, twitter, apprise, "
        "confirmations, cert_warning_days, retry_seconds, escalate_after_minutes, quiet_hours, "
        "monthly_report"
    ]


# -- a setting added to the table -----------------------------------------------------------------

EXTRA = Setting(
    "max_redirects",
    5,
    "int",
    "Redirects followed:",
    "How many redirects a check follows.",
    low=0,
    high=20,
)
EXTRA_NESTED = Setting(
    "email.timeout",
    30,
    "int",
    "SMTP timeout:",
    "How long the mail server may take.",
    low=1,
    high=300,
)


@pytest.fixture
def extra_settings(monkeypatch):
    monkeypatch.setattr(table, "SETTINGS", (*SETTINGS, EXTRA, EXTRA_NESTED))


def test_a_setting_added_to_the_table_is_exported_and_checked(extra_settings):
    exported = json.loads(render_document({}, []))["settings"]
    assert list(exported)[-1] == "max_redirects" and exported["max_redirects"] == 5
    assert list(exported["email"])[-1] == "timeout" and exported["email"]["timeout"] == 30
    assert default_settings()["max_redirects"] == 5
    assert refusal({"max_redirects": 21}) == ["settings.max_redirects: 21 is above 20"]
    assert refusal({"email": {"timeout": "soon"}}) == [
        "settings.email.timeout: must be a whole number, not a string"
    ]
    document = parse_document({"format": FORMAT, "settings": {"max_redirects": 2}})
    assert document.settings == {"max_redirects": 2}


def test_a_setting_added_to_the_table_goes_through_import_and_export(extra_settings, run, tmp_path):
    path = tmp_path / "in.json"
    path.write_text(json.dumps({"format": FORMAT, "settings": {"max_redirects": 25}}))
    refused = run("import", str(path))
    assert refused.code == 2
    assert "settings.max_redirects: 25 is above 20" in refused.err

    path.write_text(
        json.dumps({"format": FORMAT, "settings": {"max_redirects": 2, "email": {"timeout": 9}}})
    )
    imported = run("import", str(path))
    assert imported.code == 0, imported.err
    assert "settings changed: email, max_redirects" in imported.out
    exported = json.loads(run("export").out)["settings"]
    assert exported["max_redirects"] == 2 and exported["email"]["timeout"] == 9
    assert exported["email"]["host"] == "smtp.gmail.com"  # the rest of email kept


def test_without_the_line_the_setting_is_unknown():
    assert refusal({"max_redirects": 2}) == [
        "settings.max_redirects: unknown key; known keys: schedule, sandbox_urls, good_codes, "
        "strikes, timeout_seconds, retention_days, notify_recovery, email, twitter, apprise, "
        "confirmations, cert_warning_days, retry_seconds, escalate_after_minutes, quiet_hours, "
        "monthly_report"
    ]
