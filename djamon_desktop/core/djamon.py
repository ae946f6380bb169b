"""Reading what Django Djamon's ``manage.py dumpdata monitor`` wrote.

The fixture is a JSON list of ``{"model", "pk", "fields"}`` objects of the models
``monitor.group``, ``monitor.site``, ``monitor.siteview``, ``monitor.outage`` and
``monitor.outagesites``. Everything is validated first, with each problem naming the object's
model and pk; references to objects missing from the file are refused. Pure: no database.

Djamon's field names varied between versions and forks, so each field is a :class:`Role`:
its known names are read first; failing those, the one field of that model whose name and
values fit the role is read instead and said in the summary, and two fitting fields are refused
as ambiguous.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

from .config import (
    DEFAULT_DOWN_MESSAGE,
    PRIORITIES,
    DocumentRefused,
    down_message_problem,
    title_problem,
    url_problem,
)
from .probe import ERROR_KINDS

MODELS = (
    "monitor.group",
    "monitor.site",
    "monitor.siteview",
    "monitor.outage",
    "monitor.outagesites",
)
# Djamon's field names, with the spellings seen in forks accepted too.
TIME_FIELDS = ("datetime", "time", "date", "created", "timestamp", "checked_at", "when")
STATUS_FIELDS = ("status_code", "status", "code")
ELAPSED_FIELDS = ("elapsed_ms", "elapsed", "response_time", "duration", "time_taken")


@dataclass
class DjGroup:
    pk: Any
    title: str


@dataclass
class DjSite:
    pk: Any
    group: Any
    title: str
    url: str
    active: bool
    down_message: str
    priority: int
    last_seen: datetime | None
    down_count: int


@dataclass
class DjCheck:
    id: uuid.UUID
    site: Any
    time: datetime
    status_code: int | None
    error: str | None
    elapsed_ms: float


@dataclass
class DjOutage:
    pk: Any
    code: str
    start_time: datetime
    end_time: datetime | None
    seconds_down: int | None
    content: str
    extra_information: str
    notification_sent: bool


@dataclass
class DjOutageSite:
    pk: Any
    outage: Any
    site: Any
    primary: bool
    start_time: datetime


@dataclass
class Fixture:
    groups: list[DjGroup] = field(default_factory=list)
    sites: list[DjSite] = field(default_factory=list)
    checks: list[DjCheck] = field(default_factory=list)
    outages: list[DjOutage] = field(default_factory=list)
    outage_sites: list[DjOutageSite] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    # 'monitor.siteview: time read from "attempt_time"', once per model and field
    readings: list[str] = field(default_factory=list)


def looks_like_fixture(raw: object) -> bool:
    return isinstance(raw, list)


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
                    url_problem(v) is None or _named(n, ("url", "link", "href"), ("uri", "address"))
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

_AMBIGUOUS = object()


class _Object:
    """One fixture object being read: records problems under ``model pk=...``."""

    def __init__(self, index: int, raw: dict, problems: list[str]):
        self.index = index
        self.model = raw["model"]
        self.pk = raw.get("pk")
        self.fields = raw.get("fields") if isinstance(raw.get("fields"), dict) else {}
        self.problems = problems
        self.ok = True
        # role label -> the names to read it from, in order (see _choose)
        self.chosen: dict[str, Any] = {}

    @property
    def where(self) -> str:
        return f"[{self.index}] {self.model} pk={self.pk}"

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}: {name}: {message}")
        self.ok = False

    def read(self, role: Role) -> tuple[str, Any]:
        """The field's name and value: the first known name this object has, else the field
        chosen for the role; ``(name, None)`` when there is neither, ``("", None)`` when the
        role is ambiguous."""
        names = self.chosen.get(role.label, role.known)
        if names is _AMBIGUOUS:
            self.ok = False  # said once for the model
            return "", None
        for name in names:
            if name in self.fields:
                value = self.fields[name]
                return name, value if name in role.known else role.adapt(name, value)
        return (names[0] if names and names[0] not in role.known else role.known[0]), None

    def missing(self, name: str, role: Role) -> None:
        if not name:
            self.ok = False  # ambiguous, said once for the model
        elif name in self.fields or name not in role.known or len(self.fields) <= 1:
            self.problem(f"fields.{name}", "is missing")
        else:
            self.problem(f"fields.{name}", f"is missing, and no other field fits ({role.hint})")

    def text(self, role: Role, check=None, default: str | None = None) -> str:
        name, value = self.read(role)
        if value is None and name not in self.fields:
            value = default
        if value is None:
            self.missing(name, role)
            return ""
        if not isinstance(value, str):
            self.problem(f"fields.{name}", "must be a string")
            return ""
        problem = check(value) if check else None
        if problem:
            self.problem(f"fields.{name}", problem)
        return value

    def time(self, role: Role, required: bool = True) -> datetime | None:
        name, value = self.read(role)
        if value is None:
            if required:
                self.missing(name, role)
            return None
        try:
            return parse_time(value)
        except ValueError as exc:
            self.problem(f"fields.{name}", str(exc))
            return None

    def flag(self, role: Role, default: bool) -> bool:
        name, value = self.read(role)
        if value is None and name not in self.fields:
            return default
        if not isinstance(value, bool):
            self.problem(f"fields.{name}", "must be true or false")
            return default
        return value

    def number(self, role: Role, default: float | None = None):
        name, value = self.read(role)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"fields.{name}", f"{value!r} is not a number")
            return default
        return value

    def reference(self, role: Role) -> Any:
        name, value = self.read(role)
        if value is None:
            self.missing(name, role)
        return value


def parse_fixture(raw: list) -> Fixture:
    """Validate the whole fixture; DocumentRefused lists every problem, each naming its
    object's model and pk."""
    problems: list[str] = []
    out = Fixture()
    by_model: dict[str, list[_Object]] = {model: [] for model in MODELS}
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("model"), str):
            problems.append(f"[{index}]: not a fixture object (it needs a model, pk and fields)")
            continue
        if item["model"] not in MODELS:
            out.skipped[item["model"]] = out.skipped.get(item["model"], 0) + 1
            continue
        by_model[item["model"]].append(_Object(index, item, problems))
    for model, objects in by_model.items():
        chosen = _choose(model, objects, problems, out.readings)
        for obj in objects:
            obj.chosen = chosen
            if obj.pk is None:
                obj.problem("pk", "is missing")
            getattr(_Readers, model.split(".")[1])(obj, out)
    _check_references(out, problems)
    if problems:
        raise DocumentRefused(sorted(problems, key=_file_order))
    return out


def _file_order(problem: str) -> int:
    """Problems in the order of their objects in the file (``[12] monitor...``)."""
    found = re.match(r"\[(\d+)\]", problem)
    return int(found.group(1)) if found else 1 << 62


def _choose(model: str, objects: list[_Object], problems: list[str], readings: list[str]):
    """Where each role of the model is read from: the known names its objects use, in order;
    failing those, the one other field whose every non-null value fits the role. Two or more
    that fit are a problem, said once. Each field read under another name, and each field not
    read at all, is said in ``readings``."""
    roles = ROLES[model].values()
    reserved = {name for role in roles for name in role.known}
    columns: dict[str, list] = {}  # each field's non-null values; names in the order first seen
    for obj in objects:
        for name, value in obj.fields.items():
            column = columns.setdefault(name, [])
            if value is not None:
                column.append(value)
    taken: set[str] = set()
    chosen: dict[str, Any] = {}
    for role in roles:
        chosen[role.label] = tuple(name for name in role.known if name in columns)
        if chosen[role.label]:
            continue
        fitting = [
            name
            for name, values in columns.items()
            if name not in reserved
            and name not in taken
            and values
            and all(role.fits(name, value) for value in values)
        ]
        if len(fitting) == 1:
            chosen[role.label] = (fitting[0],)
            taken.add(fitting[0])
            readings.append(
                f'{model}: {role.label} read from "{fitting[0]}"{role.note(fitting[0])}'
            )
        elif fitting:
            chosen[role.label] = _AMBIGUOUS
            taken.update(fitting)
            obj = next(
                (o for o in objects if sum(o.fields.get(n) is not None for n in fitting) > 1),
                next(o for o in objects if any(o.fields.get(n) is not None for n in fitting)),
            )
            listed = ", ".join(f"fields.{name}" for name in fitting)
            problems.append(
                f"{obj.where}: {listed}: each could be its {role.label} ({role.hint}); "
                f'rename the right one to "{role.known[0]}"'
            )
    for name in columns:
        if name not in reserved and name not in taken:
            readings.append(f'{model}: "{name}" not read')
    return chosen


class _Readers:
    @staticmethod
    def group(obj: _Object, out: Fixture) -> None:
        title = obj.text(ROLES["monitor.group"]["title"], title_problem)
        if obj.ok:
            out.groups.append(DjGroup(obj.pk, title))

    @staticmethod
    def site(obj: _Object, out: Fixture) -> None:
        role = ROLES["monitor.site"]
        group = obj.reference(role["group"])
        title = obj.text(role["title"], title_problem)
        url = obj.text(role["URL"], url_problem)
        message = obj.text(role["down message"], down_message_problem, DEFAULT_DOWN_MESSAGE)
        name, priority = obj.read(role["priority"])
        if priority is None and name not in obj.fields:
            priority = 2
        if isinstance(priority, str) and priority in PRIORITIES:
            priority = PRIORITIES.index(priority)
        if isinstance(priority, bool) or priority not in (0, 1, 2, 3):
            obj.problem(f"fields.{name}", f"{priority!r} is not 0, 1, 2 or 3")
            priority = 2
        down = obj.number(role["down count"], 0)
        site = DjSite(
            obj.pk,
            group,
            title,
            url,
            obj.flag(role["active flag"], True),
            message,
            priority,
            obj.time(role["last seen"], required=False),
            int(down or 0),
        )
        if obj.ok:
            out.sites.append(site)

    @staticmethod
    def siteview(obj: _Object, out: Fixture) -> None:
        role = ROLES["monitor.siteview"]
        try:
            check_id = uuid.UUID(str(obj.pk))
        except ValueError:
            obj.problem("pk", f"{obj.pk!r} is not a UUID")
            check_id = uuid.UUID(int=0)
        site = obj.reference(role["site"])
        when = obj.time(role["time"])
        status = obj.number(role["status"])
        elapsed = obj.number(role["response time"], 0.0)
        error_name, error = obj.read(role["error"])
        if error is not None and error not in ERROR_KINDS:
            obj.problem(f"fields.{error_name}", f"{error!r} is not one of {', '.join(ERROR_KINDS)}")
        code = int(status) if isinstance(status, int | float) and 100 <= status <= 599 else None
        if code is None and error is None:
            error = "connection"  # Djamon kept no reason for a check that got no answer
        if obj.ok:
            out.checks.append(
                DjCheck(check_id, site, when, code, None if code else error, float(elapsed or 0.0))
            )

    @staticmethod
    def outage(obj: _Object, out: Fixture) -> None:
        role = ROLES["monitor.outage"]
        code_name, code = obj.read(role["code"])
        if code_name and (not isinstance(code, str) or not 1 <= len(code) <= 8 or code.isdigit()):
            obj.problem(f"fields.{code_name}", f"{code!r} is not an outage code (1-8 characters)")
        start = obj.time(role["start time"])
        end = obj.time(role["end time"], required=False)
        seconds = obj.number(role["seconds down"])
        if end is not None and seconds is None and start is not None:
            seconds = round((end - start).total_seconds())
        outage = DjOutage(
            obj.pk,
            str(code).upper(),
            start,
            end,
            None if end is None else int(seconds or 0),
            obj.read(role["content"])[1] or "",
            obj.read(role["extra information"])[1] or "",
            obj.flag(role["notification sent"], False),
        )
        if obj.ok:
            out.outages.append(outage)

    @staticmethod
    def outagesites(obj: _Object, out: Fixture) -> None:
        role = ROLES["monitor.outagesites"]
        outage = obj.reference(role["outage"])
        site = obj.reference(role["site"])
        start = obj.time(role["start time"], required=False)
        link = DjOutageSite(
            obj.pk,
            outage,
            site,
            obj.flag(role["primary"], False),
            start or datetime.fromtimestamp(0, UTC),
        )
        if obj.ok:
            out.outage_sites.append(link)


def _check_references(out: Fixture, problems: list[str]) -> None:
    groups = {g.pk for g in out.groups}
    sites = {s.pk for s in out.sites}
    outages = {o.pk: o for o in out.outages}
    for s in out.sites:
        if s.group not in groups:
            problems.append(f"monitor.site pk={s.pk}: its group {s.group!r} is not in the file")
    for c in out.checks:
        if c.site not in sites:
            problems.append(f"monitor.siteview pk={c.id}: its site {c.site!r} is not in the file")
    for link in out.outage_sites:
        if link.outage not in outages:
            problems.append(
                f"monitor.outagesites pk={link.pk}: its outage {link.outage!r} is not in the file"
            )
        if link.site not in sites:
            problems.append(
                f"monitor.outagesites pk={link.pk}: its site {link.site!r} is not in the file"
            )
        elif link.start_time == datetime.fromtimestamp(0, UTC) and link.outage in outages:
            link.start_time = outages[link.outage].start_time
