"""Changes made by hand in the windows: groups and sites added, changed or deleted with the
import's rules, and an outage's extra information."""

from __future__ import annotations

from typing import Any

from ..core import config
from ..core.clock import Clock, utc_now
from ..core.expect import Expect, parse_expect, stored
from ..core.maintenance import windows_json, windows_of, windows_problems
from ..core.outages import PRIORITY_NAMES
from ..core.problems import DocumentRefused, Problems
from ..core.text import text_problem
from . import pause_spans
from .adding import add_group, add_site
from .engine import writing
from .models import Outage, Site, SiteGroup
from .settings import load_settings


def set_extra_information(outage_id: int, text: str) -> None:
    """DocumentRefused when ``text`` holds a control or bidirectional character (a NUL can't
    even be stored by a team's PostgreSQL); nothing is written then."""
    problem = text_problem(text)
    if problem:
        raise DocumentRefused([f"extra information: {problem}"])
    with writing():
        Outage.update(extra_information=text).where(Outage.id == outage_id).execute()


def _field_problems(fields: dict[str, Any]) -> list[str]:
    checks = config.SITE_FIELD_CHECKS
    found = [
        f"{key}: {checks[key](value)}"
        for key, value in fields.items()
        if key not in ("maintenance", "expect") and checks[key](value)
    ]
    if "maintenance" in fields:
        found += [f"maintenance{at}: {msg}" for at, msg in windows_problems(fields["maintenance"])]
    return found


def save_group(
    title: str, group_id: int | None = None, maintenance: list[dict] | None = None
) -> int:
    """Add a group, or rename one; with ``maintenance``, its windows (a list as the import
    has it). DocumentRefused names the problem (``title: ...``, ``maintenance[0].minutes: ...``)."""
    fields: dict[str, Any] = {"title": title}
    if maintenance is not None:
        fields["maintenance"] = maintenance
    problems = _field_problems(fields)
    clash = SiteGroup.select().where(SiteGroup.title == title)
    if group_id is not None:
        clash = clash.where(SiteGroup.id != group_id)
    if not problems and clash.exists():
        problems.append(f"title: a group called {title!r} already exists")
    if problems:
        raise DocumentRefused(problems)
    values: dict[str, Any] = {"title": title}
    if maintenance is not None:
        values["maintenance"] = windows_json(windows_of(maintenance))
    with writing():
        if group_id is None:
            return add_group(title, values.get("maintenance"))
        SiteGroup.update(**values).where(SiteGroup.id == group_id).execute()
        return group_id


def delete_group(group_id: int) -> None:
    with writing():
        SiteGroup.delete().where(SiteGroup.id == group_id).execute()


def save_site(
    group_title: str, fields: dict[str, Any], site_id: int | None = None, clock: Clock = utc_now
) -> int:
    """Add or change a site with the import's rules, in the group of that title (made when
    new). DocumentRefused names each bad field (``group: ...``, ``url: ...``,
    ``expect.max_ms: ...``); nothing is written then.

    ``fields["expect"]``, when given, replaces what the site expects of its answer: an
    :class:`Expect` or its JSON value as the import has it (``{}``, None or an empty
    ``Expect``: nothing beyond a good code). Its ``max_ms`` may be at most the stored
    ``timeout_seconds``, and a ``tcp://`` site has none.

    ``fields["active"]``, when given, also opens or ends the site's inactive span
    (:mod:`.pause_spans`) at ``clock()``."""
    fields = dict(fields)
    problems = _field_problems(fields)
    if "expect" in fields:
        problems += _expect_problems(fields, site_id)
    group = SiteGroup.get_or_none(SiteGroup.title == group_title)
    if group is None:
        problem = config.title_problem(group_title)
        if problem:
            problems.append(f"group: {problem}")
    title = fields.get("title")
    if group is not None and title is not None and "title" not in " ".join(problems):
        clash = Site.select().where(Site.group == group, Site.title == title)
        if site_id is not None:
            clash = clash.where(Site.id != site_id)
        if clash.exists():
            problems.append(f"title: {group_title} already has a site called {title!r}")
    if problems:
        raise DocumentRefused(problems)
    values = dict(fields)
    if "priority" in values:
        values["priority"] = PRIORITY_NAMES.index(values["priority"])
    if "maintenance" in values:
        values["maintenance"] = windows_json(windows_of(values["maintenance"]))
    with writing():
        group_id = save_group(group_title) if group is None else group.id
        if site_id is None:
            return add_site(group_id, **values)
        Site.update(group=group_id, **values).where(Site.id == site_id).execute()
        if "active" in values:
            pause_spans.active_set([site_id], bool(values["active"]), clock())
        return site_id


def _expect_problems(fields: dict[str, Any], site_id: int | None) -> list[str]:
    """The problems of ``fields["expect"]``, which becomes its stored text when it has none."""
    value = fields["expect"]
    if isinstance(value, Expect):
        value = value.to_json()
    if value is None or value == {}:
        fields["expect"] = None
        return []
    url = fields.get("url")
    if url is None and site_id is not None:
        url = Site.select(Site.url).where(Site.id == site_id).scalar()
    problems = Problems()
    timeout = float(load_settings().timeout_seconds)
    if config.expect_checked(value, url, timeout, "expect", problems):
        fields["expect"] = stored(parse_expect(value, timeout))
    return problems.lines


def delete_site(site_id: int) -> None:
    with writing():
        Site.delete().where(Site.id == site_id).execute()


def set_active(site_id: int, active: bool, clock: Clock = utc_now) -> None:
    """Make a site active or not, wherever it is now (an undo: it may have moved meanwhile;
    one deleted meanwhile is left alone), with its inactive span (:mod:`.pause_spans`)."""
    now = clock()
    with writing():
        Site.update(active=active).where(Site.id == site_id).execute()
        pause_spans.active_set([site_id], active, now)
