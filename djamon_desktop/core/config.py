"""The ``djamon-desktop/1`` import/export document: its settings, groups and sites, validated
with every place named, and the export's text.

Validation is pure: it takes text and gives either plain objects or the list of every problem,
each as ``place: what is wrong``. The settings themselves are declared in :mod:`.settings`; the
checks of single values are in :mod:`.problems`.
"""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .expect import expect_problems
from .jsonfile import read_document
from .maintenance import windows_problems
from .problems import DocumentRefused, Problems, bool_problem, json_type, url_problem
from .settings import check_settings, with_defaults
from .text import text_problem
from .wire import is_tcp

FORMAT = "djamon-desktop/1"
PRIORITIES: tuple[str, ...] = ("critical", "high", "normal", "low")
TITLE_MAX = 40
DOWN_MESSAGE_MAX = 140
DEFAULT_DOWN_MESSAGE = "There is a problem with the website."
DEFAULT_PRIORITY = "normal"


# -- a site's fields ----------------------------------------------------------------------------


def title_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {json_type(value)}"
    if not value.strip():
        return "must not be empty"
    if len(value) > TITLE_MAX:
        return f"is {len(value)} characters long; at most {TITLE_MAX} are allowed"
    return text_problem(value)


def down_message_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {json_type(value)}"
    if len(value) > DOWN_MESSAGE_MAX:
        return f"is {len(value)} characters long; at most {DOWN_MESSAGE_MAX} are allowed"
    return text_problem(value)


def priority_problem(value: object) -> str | None:
    if value not in PRIORITIES:
        return f"{json.dumps(value)} is not a priority; use one of {', '.join(PRIORITIES)}"
    return None


# -- the document -------------------------------------------------------------------------------


@dataclass
class SiteSpec:
    title: str
    url: str
    priority: str | None = None
    active: bool | None = None
    down_message: str | None = None
    maintenance: list[dict] | None = None  # windows (see core.maintenance); None: as it was
    expect: dict | None = None  # what it expects of its answer (core.expect); None: as it was


@dataclass
class GroupSpec:
    title: str
    sites: list[SiteSpec] = field(default_factory=list)
    maintenance: list[dict] | None = None


@dataclass
class Document:
    settings: dict[str, Any]
    groups: list[GroupSpec]


# a site's fields and their checks: import and the editing windows use them
SITE_FIELD_CHECKS: dict[str, Callable[[object], str | None]] = {
    "title": title_problem,
    "url": url_problem,
    "priority": priority_problem,
    "active": bool_problem,
    "down_message": down_message_problem,
}
_SITE_REQUIRED = ("title", "url")
SITE_KEYS = (*SITE_FIELD_CHECKS, "maintenance", "expect")
#: why a ``tcp://`` site may not have ``expect``
TCP_EXPECT = "a tcp:// site can't have expect: nothing is read"


def maintenance_checked(value: object, place: str, problems: Problems) -> bool:
    """Add every problem of a ``maintenance`` list at ``place``; True when it has none."""
    found = windows_problems(value)
    for under, message in found:
        problems.add(f"{place}{under}", message)
    return not found


def expect_checked(
    value: object, url: object, timeout_seconds: float, place: str, problems: Problems
) -> bool:
    """Add every problem of a site's ``expect`` at ``place`` (``max_ms`` at most
    ``timeout_seconds``; none at all for a ``tcp://`` ``url``); True when it has none."""
    if isinstance(url, str) and is_tcp(url):
        problems.add(place, TCP_EXPECT)
        return False
    found = expect_problems(value, timeout_seconds)
    for under, message in found:
        problems.add(f"{place}{under}", message)
    return not found


def _timeout_of(settings: object, problems: Problems, stored_timeout: float) -> float:
    """The timeout a document's sites are checked with: its own ``timeout_seconds`` when it
    gives a valid one, else ``stored_timeout`` (the one stored)."""
    if not isinstance(settings, dict) or "timeout_seconds" not in settings:
        return stored_timeout
    if any(line.startswith("settings.timeout_seconds") for line in problems.lines):
        return stored_timeout
    return float(settings["timeout_seconds"])


def decode_json(data: bytes) -> Any:
    """JSON from bytes as import reads it (:func:`.jsonfile.read_document`), or
    DocumentRefused with the line and column of what broke it, or each key given twice."""
    return read_document(io.BytesIO(data))


def parse_document(raw: object, stored_timeout: float | None = None) -> Document:
    """A ``djamon-desktop/1`` document, or DocumentRefused listing every problem.
    ``stored_timeout``: the ``timeout_seconds`` stored, which bounds a site's
    ``expect.max_ms`` when the document sets none (None: the setting's default)."""
    problems = Problems()
    if not isinstance(raw, dict):
        raise DocumentRefused([f"the file must hold a JSON object, not {json_type(raw)}"])
    for key in raw:
        if key not in ("format", "settings", "groups"):
            problems.add(key, "unknown key; known keys: format, settings, groups")
    if "format" not in raw:
        problems.add("format", f'is missing; it must be "{FORMAT}"')
    elif raw["format"] != FORMAT:
        problems.add("format", f'{json.dumps(raw["format"])} is not supported; use "{FORMAT}"')
    settings = raw.get("settings", {})
    check_settings(settings, "settings", problems)
    if stored_timeout is None:
        stored_timeout = float(with_defaults({})["timeout_seconds"])
    timeout = _timeout_of(settings, problems, stored_timeout)
    groups: list[GroupSpec] = []
    raw_groups = raw.get("groups", [])
    if not isinstance(raw_groups, list):
        problems.add("groups", f"must be a list, not {json_type(raw_groups)}")
        raw_groups = []
    seen_groups: dict[str, int] = {}
    for gi, raw_group in enumerate(raw_groups):
        group = _parse_group(raw_group, f"groups[{gi}]", problems, timeout)
        if group is None:
            continue
        if group.title in seen_groups:
            problems.add(
                f"groups[{gi}].title",
                f"{group.title!r} is already used by groups[{seen_groups[group.title]}]",
            )
        seen_groups.setdefault(group.title, gi)
        groups.append(group)
    if problems:
        raise DocumentRefused(problems.lines)
    return Document(
        settings=copy.deepcopy(settings) if isinstance(settings, dict) else {}, groups=groups
    )


def _parse_group(raw: object, place: str, problems: Problems, timeout: float) -> GroupSpec | None:
    if not isinstance(raw, dict):
        problems.add(place, f"must be an object, not {json_type(raw)}")
        return None
    ok = True
    for key in raw:
        if key not in ("title", "maintenance", "sites"):
            problems.add(f"{place}.{key}", "unknown key; known keys: title, maintenance, sites")
            ok = False
    if "maintenance" in raw:
        ok = maintenance_checked(raw["maintenance"], f"{place}.maintenance", problems) and ok
    if "title" not in raw:
        problems.add(f"{place}.title", "is missing")
        ok = False
    else:
        problem = title_problem(raw["title"])
        if problem:
            problems.add(f"{place}.title", problem)
            ok = False
    raw_sites = raw.get("sites", [])
    if not isinstance(raw_sites, list):
        problems.add(f"{place}.sites", f"must be a list, not {json_type(raw_sites)}")
        return None
    sites: list[SiteSpec] = []
    seen: dict[str, int] = {}
    for si, raw_site in enumerate(raw_sites):
        site = _parse_site(raw_site, f"{place}.sites[{si}]", problems, timeout)
        if site is None:
            ok = False
            continue
        if site.title in seen:
            problems.add(
                f"{place}.sites[{si}].title",
                f"{site.title!r} is already used by {place}.sites[{seen[site.title]}]",
            )
            ok = False
        seen.setdefault(site.title, si)
        sites.append(site)
    if not ok:
        return None
    return GroupSpec(title=raw["title"], sites=sites, maintenance=raw.get("maintenance"))


def _parse_site(raw: object, place: str, problems: Problems, timeout: float) -> SiteSpec | None:
    if not isinstance(raw, dict):
        problems.add(place, f"must be an object, not {json_type(raw)}")
        return None
    ok = True
    for key, value in raw.items():
        if key == "maintenance":
            ok = maintenance_checked(value, f"{place}.maintenance", problems) and ok
            continue
        if key == "expect":
            url = raw.get("url")
            ok = expect_checked(value, url, timeout, f"{place}.expect", problems) and ok
            continue
        check = SITE_FIELD_CHECKS.get(key)
        if check is None:
            problems.add(f"{place}.{key}", f"unknown key; known keys: {', '.join(SITE_KEYS)}")
            ok = False
            continue
        problem = check(value)
        if problem:
            problems.add(f"{place}.{key}", problem)
            ok = False
    for key in _SITE_REQUIRED:
        if key not in raw:
            problems.add(f"{place}.{key}", "is missing")
            ok = False
    if not ok:
        return None
    return SiteSpec(
        title=raw["title"],
        url=raw["url"],
        priority=raw.get("priority"),
        active=raw.get("active"),
        down_message=raw.get("down_message"),
        maintenance=raw.get("maintenance"),
        expect=raw.get("expect"),
    )


def render_document(settings: Mapping[str, Any], groups: list[dict[str, Any]]) -> str:
    """The export text: a stable key order and layout, so the same data gives the same bytes."""
    document = {"format": FORMAT, "settings": with_defaults(settings), "groups": groups}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
