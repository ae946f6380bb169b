"""Settings and the ``djamon-desktop/1`` import/export format, validated with every place named.

Validation is pure: it takes text (and the current settings, for the rules that depend on them)
and gives either plain objects or the list of every problem, each as ``place: what is wrong``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from .probe import ascii_host
from .schedule import DEFAULT_SCHEDULE, line_problem
from .status import plural

FORMAT = "djamon-desktop/1"
PRIORITIES: tuple[str, ...] = ("critical", "high", "normal", "low")
SECURITIES: tuple[str, ...] = ("starttls", "ssl", "none")
TITLE_MAX = 40
DOWN_MESSAGE_MAX = 140
DEFAULT_DOWN_MESSAGE = "There is a problem with the website."
DEFAULT_PRIORITY = "normal"

DEFAULT_SETTINGS: dict[str, Any] = {
    "schedule": list(DEFAULT_SCHEDULE),
    "sandbox_urls": ["https://www.bbc.co.uk/", "https://www.google.co.uk/"],
    "good_codes": [200, 301, 304],
    "strikes": 3,
    "timeout_seconds": 5,
    "retention_days": 90,
    "notify_recovery": True,
    "email": {
        "enabled": False,
        "host": "smtp.gmail.com",
        "port": 587,
        "security": "starttls",
        "username": "",
        "from": "",
        "to": [],
    },
    "twitter": {"enabled": False},
}
NESTED_SETTINGS = ("email", "twitter")


def default_settings() -> dict[str, Any]:
    return copy.deepcopy(DEFAULT_SETTINGS)


class Problems:
    """Every problem found, in the order found, as ``place: message`` lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, place: str, message: str) -> None:
        self.lines.append(f"{place}: {message}" if place else message)

    def __bool__(self) -> bool:
        return bool(self.lines)


class DocumentRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(plural(len(problems), "problem"))
        self.problems = problems


# -- single values ------------------------------------------------------------------------------

_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def url_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_json_type(value)}"
    if not value:
        return "must not be empty"
    hide = _password_hider(value)
    shown = repr(hide(value))
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return f"{shown} contains spaces or control characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{shown} is not valid Unicode text (a lone surrogate)"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        return f"{shown} is not a valid URL ({hide(str(exc))})"
    if parts.scheme not in ("http", "https"):
        return f"{shown} is not an http or https URL"
    if not parts.hostname:
        return f"{shown} has no host name"
    try:
        ascii_host(parts.hostname)
    except ValueError as exc:
        return f"{shown}: the host name can't be written in IDNA form ({exc})"
    return None


def _password_hider(url: str) -> Callable[[str], str]:
    """Hides the password of ``url``'s user information (``user:***``) in a text about it.
    Works on URLs too broken for urlsplit, so no problem line ever shows the password."""
    _, slashes, rest = url.partition("//")
    userinfo, at, _ = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")
    if not slashes or not at or ":" not in userinfo:
        return lambda text: text
    hidden = userinfo.split(":", 1)[0] + ":***"
    return lambda text: text.replace(userinfo, hidden)


def email_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_json_type(value)}"
    if not _EMAIL.match(value):
        return f"{value!r} is not an e-mail address"
    return None


def title_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_json_type(value)}"
    if not value.strip():
        return "must not be empty"
    if len(value) > TITLE_MAX:
        return f"is {len(value)} characters long; at most {TITLE_MAX} are allowed"
    return None


def down_message_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_json_type(value)}"
    if len(value) > DOWN_MESSAGE_MAX:
        return f"is {len(value)} characters long; at most {DOWN_MESSAGE_MAX} are allowed"
    return None


def priority_problem(value: object) -> str | None:
    if value not in PRIORITIES:
        return f"{json.dumps(value)} is not a priority; use one of {', '.join(PRIORITIES)}"
    return None


def bool_problem(value: object) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {_json_type(value)}"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _int_problem(value: object, low: int, high: int | None = None) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number, not {_json_type(value)}"
    if value < low:
        return f"{value} is below {low}"
    if high is not None and value > high:
        return f"{value} is above {high}"
    return None


def _list_of(
    value: object, place: str, problems: Problems, item: Callable[[object], str | None]
) -> None:
    if not isinstance(value, list):
        problems.add(place, f"must be a list, not {_json_type(value)}")
        return
    for index, entry in enumerate(value):
        problem = item(entry)
        if problem:
            problems.add(f"{place}[{index}]", problem)


# -- settings -----------------------------------------------------------------------------------


def _check_schedule(value: object, place: str, problems: Problems) -> None:
    if isinstance(value, list) and not value:
        problems.add(place, "needs at least one crontab line")
        return
    _list_of(value, place, problems, line_problem)


def _check_good_codes(value: object, place: str, problems: Problems) -> None:
    if isinstance(value, list) and not value:
        problems.add(place, "needs at least one status code")
        return

    def code(v: object) -> str | None:
        problem = _int_problem(v, 100, 599)
        return f"{problem} (an HTTP status code is 100-599)" if problem else None

    _list_of(value, place, problems, code)


def _check_timeout(value: object, place: str, problems: Problems) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(place, f"must be a number of seconds, not {_json_type(value)}")
    elif not 0 < value <= 60:
        problems.add(place, f"{value} is out of range; use more than 0 and at most 60 seconds")


def _scalar(check: Callable[[object], str | None]) -> Callable[[object, str, Problems], None]:
    def run(value: object, place: str, problems: Problems) -> None:
        problem = check(value)
        if problem:
            problems.add(place, problem)

    return run


def _host_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {_json_type(value)}"
    if any(ch.isspace() for ch in value):
        return f"{value!r} is not a host name"
    return None


def _string_problem(value: object) -> str | None:
    return None if isinstance(value, str) else f"must be a string, not {_json_type(value)}"


def _from_problem(value: object) -> str | None:
    return None if value == "" else email_problem(value)


_EMAIL_CHECKS: dict[str, Callable[[object, str, Problems], None]] = {
    "enabled": _scalar(bool_problem),
    "host": _scalar(_host_problem),
    "port": _scalar(lambda v: _int_problem(v, 1, 65535)),
    "security": _scalar(
        lambda v: (
            None if v in SECURITIES else f"{json.dumps(v)} is not one of {', '.join(SECURITIES)}"
        )
    ),
    "username": _scalar(_string_problem),
    "from": _scalar(_from_problem),
    "to": lambda v, place, problems: _list_of(v, place, problems, email_problem),
}
_TWITTER_CHECKS: dict[str, Callable[[object, str, Problems], None]] = {
    "enabled": _scalar(bool_problem),
}


def _nested(checks: Mapping[str, Callable[[object, str, Problems], None]]):
    def run(value: object, place: str, problems: Problems) -> None:
        if not isinstance(value, dict):
            problems.add(place, f"must be an object, not {_json_type(value)}")
            return
        for key, entry in value.items():
            if key not in checks:
                problems.add(f"{place}.{key}", f"unknown key; known keys: {', '.join(checks)}")
            else:
                checks[key](entry, f"{place}.{key}", problems)

    return run


_SETTING_CHECKS: dict[str, Callable[[object, str, Problems], None]] = {
    "schedule": _check_schedule,
    "sandbox_urls": lambda v, place, problems: _list_of(v, place, problems, url_problem),
    "good_codes": _check_good_codes,
    "strikes": _scalar(lambda v: _int_problem(v, 1, 1000)),
    "timeout_seconds": _check_timeout,
    "retention_days": _scalar(lambda v: _int_problem(v, 1, 36500)),
    "notify_recovery": _scalar(bool_problem),
    "email": _nested(_EMAIL_CHECKS),
    "twitter": _nested(_TWITTER_CHECKS),
}


def check_settings(raw: object, place: str, problems: Problems) -> None:
    """Record every problem of a (possibly partial) settings object."""
    _nested(_SETTING_CHECKS)(raw, place, problems)


def merge_settings(current: Mapping[str, Any], partial: Mapping[str, Any]) -> dict[str, Any]:
    """Settings after an import: a key present replaces; inside email and twitter, key by key."""
    merged = copy.deepcopy(dict(current))
    for key, value in partial.items():
        if key in NESTED_SETTINGS:
            merged[key] = {**merged.get(key, {}), **copy.deepcopy(value)}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def check_combined(settings: Mapping[str, Any], place: str, problems: Problems) -> None:
    """Rules that look at several settings at once (run on the settings an import would leave)."""
    email = settings.get("email", {})
    if email.get("enabled"):
        if not str(email.get("host", "")).strip():
            problems.add(f"{place}.email.host", "e-mail is enabled but no SMTP host is set")
        if not email.get("to"):
            problems.add(f"{place}.email.to", "e-mail is enabled but there is no recipient")


def with_defaults(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The stored settings over the defaults: every key present, known keys only."""
    out = default_settings()
    for key, value in stored.items():
        if key not in out:
            continue
        if key in NESTED_SETTINGS and isinstance(value, dict):
            out[key].update({k: v for k, v in value.items() if k in out[key]})
        else:
            out[key] = value
    return out


# -- the document -------------------------------------------------------------------------------


@dataclass
class SiteSpec:
    title: str
    url: str
    priority: str | None = None
    active: bool | None = None
    down_message: str | None = None


@dataclass
class GroupSpec:
    title: str
    sites: list[SiteSpec] = field(default_factory=list)


@dataclass
class Document:
    settings: dict[str, Any]
    groups: list[GroupSpec]


_SITE_CHECKS: dict[str, Callable[[object], str | None]] = {
    "title": title_problem,
    "url": url_problem,
    "priority": priority_problem,
    "active": bool_problem,
    "down_message": down_message_problem,
}
_SITE_REQUIRED = ("title", "url")


def decode_json(data: bytes) -> Any:
    """JSON from bytes, or DocumentRefused with the line and column of what broke it."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentRefused(
            [f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}"]
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise DocumentRefused(
            [f"line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}"]
        ) from None
    except RecursionError:
        raise DocumentRefused(["not valid JSON: nested too deeply"]) from None


def parse_document(raw: object) -> Document:
    """A ``djamon-desktop/1`` document, or DocumentRefused listing every problem."""
    problems = Problems()
    if not isinstance(raw, dict):
        raise DocumentRefused([f"the file must hold a JSON object, not {_json_type(raw)}"])
    for key in raw:
        if key not in ("format", "settings", "groups"):
            problems.add(key, "unknown key; known keys: format, settings, groups")
    if "format" not in raw:
        problems.add("format", f'is missing; it must be "{FORMAT}"')
    elif raw["format"] != FORMAT:
        problems.add("format", f'{json.dumps(raw["format"])} is not supported; use "{FORMAT}"')
    settings = raw.get("settings", {})
    check_settings(settings, "settings", problems)
    groups: list[GroupSpec] = []
    raw_groups = raw.get("groups", [])
    if not isinstance(raw_groups, list):
        problems.add("groups", f"must be a list, not {_json_type(raw_groups)}")
        raw_groups = []
    seen_groups: dict[str, int] = {}
    for gi, raw_group in enumerate(raw_groups):
        group = _parse_group(raw_group, f"groups[{gi}]", problems)
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


def _parse_group(raw: object, place: str, problems: Problems) -> GroupSpec | None:
    if not isinstance(raw, dict):
        problems.add(place, f"must be an object, not {_json_type(raw)}")
        return None
    ok = True
    for key in raw:
        if key not in ("title", "sites"):
            problems.add(f"{place}.{key}", "unknown key; known keys: title, sites")
            ok = False
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
        problems.add(f"{place}.sites", f"must be a list, not {_json_type(raw_sites)}")
        return None
    sites: list[SiteSpec] = []
    seen: dict[str, int] = {}
    for si, raw_site in enumerate(raw_sites):
        site = _parse_site(raw_site, f"{place}.sites[{si}]", problems)
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
    return GroupSpec(title=raw["title"], sites=sites) if ok else None


def _parse_site(raw: object, place: str, problems: Problems) -> SiteSpec | None:
    if not isinstance(raw, dict):
        problems.add(place, f"must be an object, not {_json_type(raw)}")
        return None
    ok = True
    for key, value in raw.items():
        check = _SITE_CHECKS.get(key)
        if check is None:
            problems.add(f"{place}.{key}", f"unknown key; known keys: {', '.join(_SITE_CHECKS)}")
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
    )


def render_document(settings: Mapping[str, Any], groups: list[dict[str, Any]]) -> str:
    """The export text: a stable key order and layout, so the same data gives the same bytes."""
    document = {"format": FORMAT, "settings": with_defaults(settings), "groups": groups}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
