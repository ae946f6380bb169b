"""The settings as stored: one row a top-level key, its value as JSON. Read with the defaults of
the settings table (:mod:`..core.settings`) filled in; changed only by the import's rules.

A cycle loads them once (:func:`load_settings`: one query) and hands them to each step."""

from __future__ import annotations

import json
from typing import Any

from peewee import EXCLUDED

from ..core.problems import DocumentRefused, Problems
from ..core.settings import check_combined, check_settings, merge_settings, with_defaults
from .engine import writing
from .models import Setting


def load_settings() -> dict[str, Any]:
    """Every setting: the stored value, or its default."""
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return with_defaults(stored)


def write_settings(settings: dict[str, Any]) -> None:
    """Store these top-level settings as they are (the caller has checked them, in its
    transaction)."""
    rows = [{"key": k, "value": json.dumps(v, sort_keys=True)} for k, v in settings.items()]
    Setting.insert_many(rows).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: EXCLUDED.value}
    ).execute()


def save_settings(partial: dict[str, Any]) -> dict[str, Any]:
    """Change some settings with the import's rules and return them all; DocumentRefused lists
    every problem, and then nothing is stored."""
    problems = Problems()
    check_settings(partial, "settings", problems)
    if problems:
        raise DocumentRefused(problems.lines)
    with writing():
        merged = merge_settings(load_settings(), partial)
        check_combined(merged, "settings", problems)
        if problems:
            raise DocumentRefused(problems.lines)
        write_settings(merged)
    return merged
