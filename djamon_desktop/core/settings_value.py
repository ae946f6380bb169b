"""The settings as one frozen, typed value: :class:`Settings`, one field a setting of the table
in :mod:`.settings` (``email.port`` is ``email_port``). The table stays the one place a setting's
name, default and check are declared; this value is what the rest of the code reads, so a
misspelt setting is an attribute error where it is written rather than a ``KeyError`` in a round.
``tests/core/test_settings_value.py`` holds the fields and the table to the same names and
defaults.

The store, import and export keep working on the document's shape (a dict in the table's
order): :meth:`Settings.from_dict` reads a checked one, :meth:`Settings.to_dict` gives it back,
byte for byte the same once dumped as JSON. Pure: no Qt, no store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from . import settings as table


def attribute(key: str) -> str:
    """The field of :class:`Settings` holding the setting ``key`` (``email.port``:
    ``email_port``)."""
    return key.replace(".", "_")


@dataclass(frozen=True)
class Settings:
    """Every setting, typed; lists are tuples so that the value cannot change under its
    readers. Built from a checked settings object only (:meth:`from_dict`)."""

    schedule: tuple[str, ...]
    sandbox_urls: tuple[str, ...]
    good_codes: tuple[int, ...]
    strikes: int
    timeout_seconds: int | float
    retention_days: int
    notify_recovery: bool
    email_enabled: bool
    email_host: str
    email_port: int
    email_security: str
    email_username: str
    email_from: str
    email_to: tuple[str, ...]
    twitter_enabled: bool
    apprise_enabled: bool
    confirmations: int
    cert_warning_days: int
    retry_seconds: int
    escalate_after_minutes: int
    quiet_hours: tuple[dict, ...]  # windows as the document has them: {"schedule", "minutes"}
    monthly_report_enabled: bool
    monthly_report_to: tuple[str, ...]

    @classmethod
    def from_dict(cls, settings: Mapping[str, Any]) -> Settings:
        """The value of a settings object as :func:`.settings.with_defaults` gives it (every key
        of the table present); keys without a field here are left out."""
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = _lookup(settings, f.name)
            values[f.name] = tuple(value) if isinstance(value, list) else value
        return cls(**values)

    @classmethod
    def defaults(cls) -> Settings:
        """Every setting at the table's default."""
        return cls.from_dict(table.default_settings())

    def to_dict(self) -> dict[str, Any]:
        """The settings object again, in the table's order with nested objects as the document
        has them (what export, ``--json`` and the Settings window show). A setting of the table
        without a field here (one being added) reads as its default."""
        mine: dict[str, Any] = {}
        for entry in table.SETTINGS:
            if not hasattr(self, attribute(entry.key)):
                continue
            value = getattr(self, attribute(entry.key))
            value = list(value) if isinstance(value, tuple) else value
            if entry.parent is None:
                mine[entry.key] = value
            else:
                mine.setdefault(entry.parent, {})[entry.name] = value
        return table.with_defaults(mine)

    def part(self, name: str) -> dict[str, Any]:
        """One nested object (``email``) as the document has it: what the mail sender and the
        password binding read."""
        node = self.to_dict()[name]
        assert isinstance(node, dict), name
        return node

    def enabled(self, channel: str) -> bool:
        """Whether the alert channel ``channel`` (``email``, ``twitter``, ``apprise``) is on."""
        return bool(getattr(self, attribute(f"{channel}.enabled")))


def _lookup(settings: Mapping[str, Any], name: str) -> Any:
    """The value of the field ``name`` in a settings object: a top-level key, or a nested one
    (``email_from`` is ``email.from``)."""
    if name in settings:
        return settings[name]
    for parent in table.nested_keys():
        prefix = f"{parent}_"
        if name.startswith(prefix):
            return settings[parent][name[len(prefix) :]]
    raise KeyError(name)
