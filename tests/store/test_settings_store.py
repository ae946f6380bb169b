"""The stored settings, called directly: defaults until something is saved, saves merged with
the import's rules (the one way settings change, shared with import), a refused save stores
nothing; what is read is the typed value."""

from __future__ import annotations

import pytest

from djamon_desktop.core.problems import DocumentRefused
from djamon_desktop.core.settings import default_settings
from djamon_desktop.core.settings_value import Settings
from djamon_desktop.store.models import db
from djamon_desktop.store.settings import load_settings, save_settings, stored_settings


def stored_rows() -> dict[str, str]:
    return dict(db.execute_sql("SELECT key, value FROM setting").fetchall())


def test_an_empty_store_reads_every_default(store):
    assert load_settings() == Settings.defaults()
    assert stored_settings() == default_settings()
    assert stored_rows() == {}


def test_a_save_merges_nested_settings_key_by_key(store):
    merged = save_settings({"strikes": 5, "email": {"port": 465, "security": "ssl"}})
    assert merged.strikes == 5
    assert merged.part("email") == {**default_settings()["email"], "port": 465, "security": "ssl"}
    assert load_settings() == merged
    save_settings({"email": {"username": "ops"}})
    assert load_settings().email_port == 465  # kept: only username was given
    assert load_settings().email_username == "ops"


def test_a_refused_save_names_every_problem_and_stores_nothing(store):
    with pytest.raises(DocumentRefused) as refused:
        save_settings({"strikes": 0, "email": {"port": "25"}})
    assert refused.value.problems == [
        "settings.strikes: 0 is below 1",
        "settings.email.port: must be a whole number, not a string",
    ]
    with pytest.raises(DocumentRefused) as refused:
        save_settings({"email": {"enabled": True, "to": []}})  # each value fine, not together
    assert refused.value.problems == [
        "settings.email.to: e-mail is enabled but there is no recipient"
    ]
    assert stored_rows() == {}
    assert load_settings() == Settings.defaults()


def test_unknown_stored_keys_are_ignored_when_read(store):
    save_settings({"retention_days": 30})
    # written as an older or newer version would have left them, past the store's own rules
    db.execute_sql("INSERT INTO setting (key, value) VALUES ('gone', '1')")
    db.execute_sql(
        "UPDATE setting SET value = '{\"enabled\": true, \"old\": 1}' WHERE key = 'twitter'"
    )
    settings = stored_settings()
    assert "gone" not in settings
    assert settings["twitter"] == {"enabled": True}
    assert settings["retention_days"] == 30
    assert load_settings().twitter_enabled and load_settings().retention_days == 30
