"""The settings as stored: one row a top-level key, its value as JSON. Read with the defaults of
the settings table (:mod:`..core.settings`) filled in; changed only by the import's rules, in one
place (:func:`change_settings`) for the import, the Settings window and ``save_settings``.

A cycle loads them once (:func:`load_settings`: one query, a typed
:class:`..core.settings_value.Settings`) and hands them to each step; a round reads them with
the little else it needs before checking (:func:`round_start`: one query too)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from peewee import EXCLUDED

from ..core.expect import from_stored
from ..core.problems import DocumentRefused, Problems
from ..core.settings import check_combined, check_settings, merge_settings, with_defaults
from ..core.settings_value import Settings
from .engine import marks, writing
from .models import Setting, Site, SiteGroup, db


def stored_settings() -> dict[str, Any]:
    """Every setting as the document has it (the export's shape and order): the stored value,
    or its default."""
    stored = {row.key: json.loads(row.value) for row in Setting.select()}
    return with_defaults(stored)


def load_settings() -> Settings:
    """Every setting, typed: the stored value, or its default."""
    return Settings.from_dict(stored_settings())


@dataclass(frozen=True)
class RoundStart:
    """What a round reads before it checks anything, in one round trip (a team database may be
    far): the settings, three marks of the ``meta`` table and this vantage's id."""

    settings: Settings
    pause: str | None  # the pause of all monitoring as stored (``store.maintenance``)
    last_purge: str | None  # when the daily purge last ran (``store.history``)
    vantage_id: int | None  # None before the vantage's first round
    last_report: str | None = None  # the last month mailed, "2026-03" (``store.monthly``)


def _round_start() -> str:
    """:func:`round_start`'s one query, the vantage's name its one parameter."""
    return (
        "SELECT 's', key, value FROM setting"
        " UNION ALL SELECT 'm', key, value FROM meta"
        " WHERE key IN ('pause', 'last_purge', 'monthly_report')"
        f" UNION ALL SELECT 'v', name, CAST(id AS TEXT) FROM vantage WHERE name = {marks()}"
    )


def round_start(vantage: str) -> RoundStart:
    """The settings (as :func:`load_settings`), the marks and ``vantage``'s id, in one query."""
    stored: dict[str, Any] = {}
    marks: dict[str, str] = {}
    vantage_id = None
    for kind, key, value in db.execute_sql(_round_start(), (vantage,)):
        if kind == "s":
            stored[key] = json.loads(value)
        elif kind == "m":
            marks[key] = value
        else:
            vantage_id = int(value)
    return RoundStart(
        Settings.from_dict(with_defaults(stored)),
        marks.get("pause"),
        marks.get("last_purge"),
        vantage_id,
        marks.get("monthly_report"),
    )


def write_settings(settings: dict[str, Any]) -> None:
    """Store these top-level settings as they are (the caller has checked them, in its
    transaction)."""
    rows = [{"key": k, "value": json.dumps(v, sort_keys=True)} for k, v in settings.items()]
    Setting.insert_many(rows).on_conflict(
        conflict_target=[Setting.key], update={Setting.value: EXCLUDED.value}
    ).execute()


def change_settings(partial: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The one way settings change: merge the checked ``partial`` over what is stored with the
    import's rules, check the rules that look at several settings at once, and write; return
    the settings before and after (as :func:`stored_settings`). Runs in the caller's
    transaction (an import writes its groups and sites in the same one); DocumentRefused lists
    every problem, and then the caller's transaction stores nothing."""
    current = stored_settings()
    merged = merge_settings(current, partial)
    problems = Problems()
    check_combined(merged, "settings", problems)
    if merged["timeout_seconds"] < current["timeout_seconds"]:
        sites_within(merged["timeout_seconds"], "settings.timeout_seconds", problems)
    if problems:
        raise DocumentRefused(problems.lines)
    write_settings(merged)
    return current, merged


def sites_within(timeout_seconds: float, place: str, problems: Problems) -> None:
    """Add a problem at ``place`` for each stored site whose ``expect.max_ms`` is above
    ``timeout_seconds``: a timeout is not lowered below what a site waits for (the check
    would end before it could tell ``slow`` from ``timeout``); the site's ``max_ms`` goes
    first."""
    limit = timeout_seconds * 1000
    rows = (
        Site.select(Site.title, SiteGroup.title.alias("group"), Site.expect)
        .join(SiteGroup)
        .where(Site.expect.is_null(False))
        .order_by(SiteGroup.position, Site.position, Site.id)
        .namedtuples()
    )
    for row in rows:
        max_ms = from_stored(row.expect).max_ms
        if max_ms is not None and max_ms > limit:
            problems.add(
                place,
                f"{timeout_seconds:g} s is below the expect.max_ms of {row.group} / "
                f"{row.title} ({max_ms} ms); lower that first",
            )


def save_settings(partial: dict[str, Any]) -> Settings:
    """Change some settings with the import's rules and return them all; DocumentRefused lists
    every problem, and then nothing is stored."""
    problems = Problems()
    check_settings(partial, "settings", problems)
    if problems:
        raise DocumentRefused(problems.lines)
    with writing():
        merged = change_settings(partial)[1]
    return Settings.from_dict(merged)
