"""Reading what Django Djamon's ``manage.py dumpdata monitor`` wrote.

The fixture is a JSON list of ``{"model", "pk", "fields"}`` objects of the models
``monitor.group``, ``monitor.site``, ``monitor.siteview``, ``monitor.outage`` and
``monitor.outagesites``. Here each object is read, with each problem naming its model and pk;
the fixture as a whole (references to objects missing from the file are refused) is read by
:mod:`.djamon_fixture`. Pure: no database.

Djamon's field names varied between versions and forks: how each field is recognised, under
its known names or another, is in :mod:`.djamon_roles`; one object as it is read is a
:class:`.djamon_object.FixtureObject`.
"""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from .config import (
    DEFAULT_DOWN_MESSAGE,
    PRIORITIES,
    down_message_problem,
    title_problem,
)
from .djamon_object import FixtureObject
from .djamon_roles import ROLES, Role
from .probe import ERROR_KINDS
from .problems import web_url_problem
from .text import text_problem

#: the largest number an INTEGER column holds on PostgreSQL
INTEGER_MAX = 2**31 - 1
SITEVIEW = "monitor.siteview"

MODELS = (
    "monitor.group",
    "monitor.site",
    "monitor.siteview",
    "monitor.outage",
    "monitor.outagesites",
)


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


class Readers:
    """One reader a model: the object's record when it is valid, else None (its problems are
    on the object). The caller keeps the record where it belongs, so the readers need nothing
    of the fixture being read."""

    @staticmethod
    def group(obj: FixtureObject) -> DjGroup | None:
        title = obj.text(ROLES["monitor.group"]["title"], title_problem)
        return DjGroup(obj.pk, title) if obj.ok else None

    @staticmethod
    def site(obj: FixtureObject) -> DjSite | None:
        role = ROLES["monitor.site"]
        group = obj.reference(role["group"])
        title = obj.text(role["title"], title_problem)
        url = obj.text(role["URL"], web_url_problem)
        message = obj.text(role["down message"], down_message_problem, DEFAULT_DOWN_MESSAGE)
        name, priority = obj.read(role["priority"])
        if priority is None and name not in obj.fields:
            priority = 2
        if isinstance(priority, str) and priority in PRIORITIES:
            priority = PRIORITIES.index(priority)
        if isinstance(priority, bool) or priority not in (0, 1, 2, 3):
            obj.problem(f"fields.{name}", f"{priority!r} is not 0, 1, 2 or 3")
            priority = 2
        down = _count(obj, role["down count"], 0)
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
        return site if obj.ok else None

    @staticmethod
    def siteview(obj: FixtureObject) -> DjCheck | None:
        role = ROLES[SITEVIEW]
        try:
            check_id = uuid.UUID(str(obj.pk))
        except ValueError:
            obj.problem("pk", f"{obj.pk!r} is not a UUID")
            check_id = uuid.UUID(int=0)
        site = obj.reference(role["site"])
        when = obj.time(role["time"])
        status = _ranged(obj, role["status"], -INTEGER_MAX - 1)
        elapsed = _ranged(obj, role["response time"], 0, 0.0)
        error_name, error = obj.read(role["error"])
        if error is not None and error not in ERROR_KINDS:
            obj.problem(f"fields.{error_name}", f"{error!r} is not one of {', '.join(ERROR_KINDS)}")
        code = int(status) if isinstance(status, int | float) and 100 <= status <= 599 else None
        if code is None and error is None:
            error = "connection"  # Djamon kept no reason for a check that got no answer
        if not obj.ok:
            return None
        return DjCheck(check_id, site, when, code, None if code else error, float(elapsed or 0.0))

    @staticmethod
    def outage(obj: FixtureObject) -> DjOutage | None:
        role = ROLES["monitor.outage"]
        code_name, code = obj.read(role["code"])
        if code_name and (not isinstance(code, str) or not 1 <= len(code) <= 8 or code.isdigit()):
            obj.problem(f"fields.{code_name}", f"{code!r} is not an outage code (1-8 characters)")
        start = obj.time(role["start time"])
        end = obj.time(role["end time"], required=False)
        seconds = _count(obj, role["seconds down"])
        if end is not None and seconds is None and start is not None:
            seconds = round((end - start).total_seconds())
        outage = DjOutage(
            obj.pk,
            str(code).upper(),
            start,
            end,
            None if end is None else int(seconds or 0),
            _notes(obj, role["content"]),
            _notes(obj, role["extra information"]),
            obj.flag(role["notification sent"], False),
        )
        return outage if obj.ok else None

    @staticmethod
    def outagesites(obj: FixtureObject) -> DjOutageSite | None:
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
        return link if obj.ok else None


def _count(obj: FixtureObject, role: Role, default: float | None = None) -> float | None:
    """A count (strikes, seconds): 0 up to what an INTEGER column holds on PostgreSQL (SQLite's
    would take more, so a team database would be the one to refuse it, and less clearly)."""
    return _ranged(obj, role, 0, default)


def _ranged(obj: FixtureObject, role: Role, low: int, default: float | None = None):
    """A number from ``low`` up to what an INTEGER column holds (a status code, a response
    time: a value beyond it, however many digits, did not come from Djamon's columns)."""
    value = obj.number(role, default)
    if value is not None and not (low <= value <= INTEGER_MAX and math.isfinite(value)):
        obj.problem(
            f"fields.{obj.read(role)[0]}", f"{value!r} is out of range ({low} to {INTEGER_MAX})"
        )
        return default
    return value


def _notes(obj: FixtureObject, role: Role) -> str:
    """A free text of an outage's (its content, its extra information): anything, or nothing;
    control and bidirectional characters are refused (a NUL can't even be stored by a team's
    PostgreSQL)."""
    name, value = obj.read(role)
    problem = text_problem(value) if isinstance(value, str) else None
    if problem:
        obj.problem(f"fields.{name}", problem)
    return value or ""
