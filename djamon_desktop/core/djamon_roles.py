"""Recognising the fields of Djamon's fixture objects, under their known names or others.

Djamon's field names varied between versions and forks, so each field is a :class:`Role`: its
known names are read first; failing those, the one field of that model whose name and values fit
the role is read instead (:func:`.djamon_columns.choose_fields`) and said in the summary, and
two fitting fields are refused as ambiguous. Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from .config import PRIORITIES
from .probe import ERROR_KINDS
from .problems import web_url_problem

# Djamon's field names, with the spellings seen in forks accepted too.
TIME_FIELDS = ("datetime", "time", "date", "created", "timestamp", "checked_at", "when")
STATUS_FIELDS = ("status_code", "status", "code")
ELAPSED_FIELDS = ("elapsed_ms", "elapsed", "response_time", "duration", "time_taken")


def parse_time(value: object) -> datetime:
    """Django's datetimes: with or without ``Z`` or an offset, and fractions of a second;
    naive ones are UTC."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{value!r} is not a date-time")
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a date-time") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


# -- recognising a field under another name ------------------------------------------------------

_DATETIME = re.compile(r"\s*\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _is_datetime(value: object) -> bool:
    """A date with a time of day (a bare date is not the moment of a check)."""
    if not isinstance(value, str) or not _DATETIME.match(value):
        return False
    try:
        parse_time(value)
    except ValueError:
        return False
    return True


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


@lru_cache(maxsize=1024)
def _words(name: str) -> tuple[str, ...]:
    """``lastSeen_at`` -> ``("last", "seen", "at")``."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return tuple(w for w in re.split(r"[^a-z0-9]+", spaced.lower()) if w)


@lru_cache(maxsize=4096)
def _named(name: str, parts: tuple[str, ...] = (), words: tuple[str, ...] = ()) -> bool:
    """Whether a field's name contains one of ``parts``, or one of ``words`` as a word."""
    split = _words(name)
    joined = "_".join(split)
    return any(p in joined for p in parts) or any(w in split for w in words)


def _in_seconds(name: str) -> bool:
    """A response time whose name says seconds (``duration_s``, ``response_seconds``)."""
    return _named(name, ("second",), ("s", "sec", "secs")) and not _named(
        name, ("milli",), ("ms", "msec")
    )


def _negated(name: str) -> bool:
    """An active flag that says the opposite (``is_inactive``, ``disabled``)."""
    return _named(name, ("inactive", "disabled"))


def _to_milliseconds(name: str, value: Any) -> Any:
    return value * 1000 if _is_number(value) and _in_seconds(name) else value


def _as_active(name: str, value: Any) -> Any:
    return not value if isinstance(value, bool) and _negated(name) else value


@dataclass(frozen=True)
class Role:
    """What a model's field is read as. Its ``known`` names are read first, in that order. In a
    model that has none of them, the one other field whose every non-null value ``fits``
    (given the field's name and that value) is read instead."""

    label: str
    known: tuple[str, ...]
    fits: Callable[[str, Any], bool]
    hint: str  # what made the fields fit, for the ambiguity message
    note: Callable[[str], str] = lambda name: ""  # said after the reading
    adapt: Callable[[str, Any], Any] = lambda name, value: value  # a value under another name


def _reference(target: str) -> Role:
    return Role(
        target,
        (target,),
        lambda n, v: (
            _named(n, (target,))
            and not _named(n, ("title", "name", "url"))
            and (_is_int(v) or (isinstance(v, str) and v != ""))
        ),
        f'a pk, "{target}" in the name',
    )


def _start(n: str) -> bool:
    return _named(n, ("start", "begin", "began", "opened", "since"), ("from", "open"))


def _end(n: str) -> bool:
    return _named(
        n, ("finish", "stop", "closed", "until", "resolv", "recover"), ("end", "ended", "to")
    )


def _roles(*roles: Role) -> dict[str, Role]:
    return {role.label: role for role in roles}


_TITLE = Role(
    "title",
    ("title",),
    lambda n, v: isinstance(v, str) and _named(n, ("title",), ("name", "label", "caption")),
    'text, "title", "name" or "label" in the name',
)

ROLES: dict[str, dict[str, Role]] = {
    "monitor.group": _roles(_TITLE),
    "monitor.site": _roles(
        _reference("group"),
        Role(
            "URL",
            ("url",),
            lambda n, v: (
                isinstance(v, str)
                and (
                    web_url_problem(v) is None
                    or _named(n, ("url", "link", "href"), ("uri", "address"))
                )
            ),
            "an http or https URL",
        ),
        _TITLE,
        Role(
            "down message",
            ("down_message",),
            lambda n, v: isinstance(v, str) and _named(n, ("message",), ("msg",)),
            'text, "message" or "msg" in the name',
        ),
        Role(
            "active flag",
            ("active",),
            lambda n, v: isinstance(v, bool) and _named(n, ("active", "enabled", "disabled")),
            'true or false, "active" or "enabled" in the name',
            lambda n: ", negated" if _negated(n) else "",
            _as_active,
        ),
        Role(
            "priority",
            ("priority",),
            lambda n, v: (
                (v in (0, 1, 2, 3) and _is_int(v) or v in PRIORITIES)
                and _named(n, ("prio", "importance", "severity", "urgency"), ("level", "rank"))
            ),
            '0-3, "prio", "importance" or "level" in the name',
        ),
        Role(
            "last seen",
            ("last_seen",),
            lambda n, v: (
                _is_datetime(v)
                and (
                    _named(n, ("seen",))
                    or _named(n, (), ("last",))
                    and _named(n, (), ("up", "ok", "good", "success"))
                )
            ),
            'a date-time, "seen" in the name',
        ),
        Role(
            "down count",
            ("down_count",),
            lambda n, v: (
                _is_int(v)
                and v >= 0
                and _named(n, ("down", "fail", "strike"))
                and not _named(n, ("message",), ("msg",))
            ),
            'a count, "down" or "fail" in the name',
        ),
    ),
    "monitor.siteview": _roles(
        _reference("site"),
        Role("time", TIME_FIELDS, lambda n, v: _is_datetime(v), "a date-time"),
        Role(
            "status",
            STATUS_FIELDS,
            lambda n, v: _is_int(v) and 100 <= v <= 599 and _named(n, ("status", "code")),
            '100-599, "status" or "code" in the name',
        ),
        Role(
            "response time",
            ELAPSED_FIELDS,
            lambda n, v: (
                _is_number(v)
                and v >= 0
                and _named(
                    n,
                    ("elapsed", "response", "duration", "time_taken", "latency", "took", "milli"),
                    ("ms", "msec", "rtt"),
                )
                and not _named(n, ("code", "status", "size", "byte", "length", "count"))
            ),
            'a number, "elapsed", "response", "duration" or "ms" in the name',
            lambda n: ", in seconds" if _in_seconds(n) else "",
            _to_milliseconds,
        ),
        Role(
            "error",
            ("error",),
            lambda n, v: v in ERROR_KINDS and _named(n, ("error", "reason", "fail")),
            'an error kind, "error" or "reason" in the name',
        ),
    ),
    "monitor.outage": _roles(
        Role(
            "code",
            ("code",),
            lambda n, v: (
                isinstance(v, str) and _named(n, ("code", "ref", "slug", "ident"), ("key",))
            ),
            'text, "code" or "ref" in the name',
        ),
        Role(
            "start time",
            ("start_time",),
            lambda n, v: _is_datetime(v) and _start(n),
            'a date-time, "start", "begin" or "since" in the name',
        ),
        Role(
            "end time",
            ("end_time",),
            lambda n, v: _is_datetime(v) and _end(n),
            'a date-time, "end", "finish", "resolved" or "until" in the name',
        ),
        Role(
            "seconds down",
            ("seconds_down",),
            lambda n, v: (
                _is_number(v)
                and v >= 0
                and _named(n, ("second", "duration", "downtime"), ("down", "secs", "s"))
                and not _named(n, ("minute", "hour", "milli"), ("min", "mins", "ms"))
            ),
            'a number, "second", "duration" or "down" in the name',
        ),
        Role(
            "extra information",
            ("extra_information",),
            lambda n, v: (
                isinstance(v, str)
                and _named(n, ("extra", "info", "note", "detail", "comment", "cause"))
            ),
            'text, "extra", "info" or "note" in the name',
        ),
        Role(
            "content",
            ("content",),
            lambda n, v: (
                isinstance(v, str)
                and _named(
                    n, ("content", "message", "body", "description", "summary"), ("msg", "text")
                )
            ),
            'text, "content", "message" or "text" in the name',
        ),
        Role(
            "notification sent",
            ("notification_sent",),
            lambda n, v: isinstance(v, bool) and _named(n, ("notif", "sent", "alert", "mail")),
            'true or false, "notif" or "sent" in the name',
        ),
    ),
    "monitor.outagesites": _roles(
        _reference("outage"),
        _reference("site"),
        Role(
            "primary",
            ("primary",),
            lambda n, v: (
                isinstance(v, bool)
                and _named(n, ("primary", "main", "origin", "cause", "root"), ("first",))
            ),
            'true or false, "primary" or "main" in the name',
        ),
        Role(
            "start time",
            ("start_time",),
            lambda n, v: _is_datetime(v) and _start(n),
            'a date-time, "start", "begin" or "since" in the name',
        ),
    ),
}
