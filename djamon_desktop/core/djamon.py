"""Reading what Django Djamon's ``manage.py dumpdata monitor`` wrote.

The fixture is a JSON list of ``{"model", "pk", "fields"}`` objects of the models
``monitor.group``, ``monitor.site``, ``monitor.siteview``, ``monitor.outage`` and
``monitor.outagesites``. Everything is validated first, with each problem naming the object's
model and pk; references to objects missing from the file are refused. Pure: no database.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
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


class _Object:
    """One fixture object being read: records problems under ``model pk=...``."""

    def __init__(self, index: int, raw: dict, problems: list[str]):
        self.model = raw["model"]
        self.pk = raw.get("pk")
        self.fields = raw.get("fields") if isinstance(raw.get("fields"), dict) else {}
        self.where = f"[{index}] {self.model} pk={self.pk}"
        self.problems = problems
        self.ok = True

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}: {name}: {message}")
        self.ok = False

    def first(self, names: tuple[str, ...]) -> tuple[str, Any]:
        for name in names:
            if name in self.fields:
                return name, self.fields[name]
        return names[0], None

    def text(self, name: str, check=None, default: str | None = None) -> str:
        value = self.fields.get(name, default)
        if value is None:
            self.problem(f"fields.{name}", "is missing")
            return ""
        if not isinstance(value, str):
            self.problem(f"fields.{name}", "must be a string")
            return ""
        problem = check(value) if check else None
        if problem:
            self.problem(f"fields.{name}", problem)
        return value

    def time(self, name: str, value: object, required: bool = True) -> datetime | None:
        if value is None:
            if required:
                self.problem(f"fields.{name}", "is missing")
            return None
        try:
            return parse_time(value)
        except ValueError as exc:
            self.problem(f"fields.{name}", str(exc))
            return None

    def flag(self, name: str, default: bool) -> bool:
        value = self.fields.get(name, default)
        if not isinstance(value, bool):
            self.problem(f"fields.{name}", "must be true or false")
            return default
        return value

    def number(self, name: str, value: object, default: float | None = None):
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"fields.{name}", f"{value!r} is not a number")
            return default
        return value


def parse_fixture(raw: list) -> Fixture:
    """Validate the whole fixture; DocumentRefused lists every problem, each naming its
    object's model and pk."""
    problems: list[str] = []
    out = Fixture()
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("model"), str):
            problems.append(f"[{index}]: not a fixture object (it needs a model, pk and fields)")
            continue
        if item["model"] not in MODELS:
            out.skipped[item["model"]] = out.skipped.get(item["model"], 0) + 1
            continue
        obj = _Object(index, item, problems)
        if obj.pk is None:
            obj.problem("pk", "is missing")
        getattr(_Readers, obj.model.split(".")[1])(obj, out)
    _check_references(out, problems)
    if problems:
        raise DocumentRefused(problems)
    return out


class _Readers:
    @staticmethod
    def group(obj: _Object, out: Fixture) -> None:
        title = obj.text("title", title_problem)
        if obj.ok:
            out.groups.append(DjGroup(obj.pk, title))

    @staticmethod
    def site(obj: _Object, out: Fixture) -> None:
        f = obj.fields
        title = obj.text("title", title_problem)
        url = obj.text("url", url_problem)
        message = obj.text("down_message", down_message_problem, DEFAULT_DOWN_MESSAGE)
        priority = f.get("priority", 2)
        if isinstance(priority, str) and priority in PRIORITIES:
            priority = PRIORITIES.index(priority)
        if isinstance(priority, bool) or priority not in (0, 1, 2, 3):
            obj.problem("fields.priority", f"{priority!r} is not 0, 1, 2 or 3")
            priority = 2
        down = obj.number("down_count", f.get("down_count"), 0)
        if f.get("group") is None:
            obj.problem("fields.group", "is missing")
        site = DjSite(
            obj.pk,
            f.get("group"),
            title,
            url,
            obj.flag("active", True),
            message,
            priority,
            obj.time("last_seen", f.get("last_seen"), required=False),
            int(down or 0),
        )
        if obj.ok:
            out.sites.append(site)

    @staticmethod
    def siteview(obj: _Object, out: Fixture) -> None:
        f = obj.fields
        try:
            check_id = uuid.UUID(str(obj.pk))
        except ValueError:
            obj.problem("pk", f"{obj.pk!r} is not a UUID")
            check_id = uuid.UUID(int=0)
        time_name, time_value = obj.first(TIME_FIELDS)
        when = obj.time(time_name, time_value)
        status_name, status = obj.first(STATUS_FIELDS)
        status = obj.number(status_name, status)
        elapsed_name, elapsed = obj.first(ELAPSED_FIELDS)
        elapsed = obj.number(elapsed_name, elapsed, 0.0)
        error = f.get("error")
        if error is not None and error not in ERROR_KINDS:
            obj.problem("fields.error", f"{error!r} is not one of {', '.join(ERROR_KINDS)}")
        code = int(status) if isinstance(status, int | float) and 100 <= status <= 599 else None
        if code is None and error is None:
            error = "connection"  # Djamon kept no reason for a check that got no answer
        if f.get("site") is None:
            obj.problem("fields.site", "is missing")
        if obj.ok:
            out.checks.append(
                DjCheck(
                    check_id, f["site"], when, code, None if code else error, float(elapsed or 0.0)
                )
            )

    @staticmethod
    def outage(obj: _Object, out: Fixture) -> None:
        f = obj.fields
        code = f.get("code")
        if not isinstance(code, str) or not 1 <= len(code) <= 8 or code.isdigit():
            obj.problem("fields.code", f"{code!r} is not an outage code (1-8 characters)")
        start = obj.time("start_time", f.get("start_time"))
        end = obj.time("end_time", f.get("end_time"), required=False)
        seconds = obj.number("seconds_down", f.get("seconds_down"))
        if end is not None and seconds is None and start is not None:
            seconds = round((end - start).total_seconds())
        outage = DjOutage(
            obj.pk,
            str(code).upper(),
            start,
            end,
            None if end is None else int(seconds or 0),
            f.get("content") or "",
            f.get("extra_information") or "",
            obj.flag("notification_sent", False),
        )
        if obj.ok:
            out.outages.append(outage)

    @staticmethod
    def outagesites(obj: _Object, out: Fixture) -> None:
        f = obj.fields
        for name in ("outage", "site"):
            if f.get(name) is None:
                obj.problem(f"fields.{name}", "is missing")
        start = obj.time("start_time", f.get("start_time"), required=False)
        link = DjOutageSite(
            obj.pk,
            f.get("outage"),
            f.get("site"),
            obj.flag("primary", False),
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
