"""A Djamon fixture read whole: every object validated (by :mod:`.djamon`), every reference
to an object missing from the file refused, every problem listed, in the order of the objects in
the file.

A fixture may hold millions of site views (checks), so it is read from the file as a stream
(:class:`.jsonfile.JsonArray`) and never held whole: one pass keeps the few groups, sites and
outages and gathers where each model's fields are read from, a second validates the checks,
a third (:meth:`Fixture.checks`, while storing) reads them again. Pure: no database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..errors import UserError
from .djamon import (
    MODELS,
    SITEVIEW,
    DjCheck,
    DjGroup,
    DjOutage,
    DjOutageSite,
    DjSite,
    Readers,
)
from .djamon_columns import Columns, choose_fields
from .djamon_object import FixtureObject
from .jsonfile import duplicate_keys, given_twice
from .problems import DocumentRefused


class FileChanged(UserError):
    """The fixture's file no longer holds what was validated: what came before is stored."""


#: a fixture's elements, as often as asked: (index, element, whether it gave a key twice)
Elements = Iterable[tuple[int, Any, bool]]


@dataclass
class Fixture:
    """What a fixture brings, validated whole; its checks, which may be millions, are not held
    here but read from the file again, one at a time, by :meth:`checks`."""

    groups: list[DjGroup] = field(default_factory=list)
    sites: list[DjSite] = field(default_factory=list)
    outages: list[DjOutage] = field(default_factory=list)
    outage_sites: list[DjOutageSite] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    # 'monitor.siteview: time read from "attempt_time"', once per model and field
    readings: list[str] = field(default_factory=list)
    check_count: int = 0  # the site views in the file (valid ones: all of them, once read)
    source: Elements = ()
    check_fields: dict[str, Any] = field(default_factory=dict)  # chosen for monitor.siteview

    def kept(self, model: str) -> list:
        """Where a valid object of ``model`` (not a check: those are read again) is kept."""
        return {
            "monitor.group": self.groups,
            "monitor.site": self.sites,
            "monitor.outage": self.outages,
            "monitor.outagesites": self.outage_sites,
        }[model]

    def checks(self) -> Iterator[DjCheck]:
        """The file's checks, read from it again. They were all found valid; a check that is
        not now means the file changed meanwhile (UserError: what came before it is stored)."""
        sites = {s.pk for s in self.sites}
        for index, item, _twice in self.source:
            if not _is_view(item):
                continue
            obj = FixtureObject(index, item, [])
            obj.chosen = self.check_fields
            check = Readers.siteview(obj)
            if check is None or check.site not in sites:
                raise FileChanged(
                    f"the file changed while it was imported (at {obj.where}); what came "
                    "before was stored: import it again to bring the rest"
                )
            yield check


def _is_view(item: object) -> bool:
    return isinstance(item, dict) and item.get("model") == SITEVIEW


def read_fixture(elements: Elements) -> Fixture:
    """Validate the whole fixture, going through ``elements`` twice (three times when it is
    stored: :meth:`Fixture.checks`): first for everything but the checks' own values, kept
    (groups, sites, outages: few) or gathered (where each field is read from), then for the
    checks. DocumentRefused lists every problem, each naming its object's model and pk."""
    problems: list[str] = []
    out = Fixture(source=elements)
    columns = {model: Columns(model) for model in MODELS}
    kept: dict[str, list[FixtureObject]] = {model: [] for model in MODELS}
    for index, item, twice in elements:
        if not isinstance(item, dict) or not isinstance(item.get("model"), str):
            problems.append(f"[{index}]: not a fixture object (it needs a model, pk and fields)")
            continue
        if item["model"] not in MODELS:
            out.skipped[item["model"]] = out.skipped.get(item["model"], 0) + 1
            continue
        obj = FixtureObject(index, item, problems)
        if twice:
            for where, key in duplicate_keys(item):
                obj.problem(where, given_twice(key))
        columns[obj.model].add(obj)
        if obj.model == SITEVIEW:
            out.check_count += 1
        else:
            kept[obj.model].append(obj)
    for model in MODELS:
        chosen = choose_fields(columns[model], problems, out.readings)
        if model == SITEVIEW:
            out.check_fields = chosen
            continue
        for obj in kept[model]:
            obj.chosen = chosen
            if obj.pk is None:
                obj.problem("pk", "is missing")
            record = getattr(Readers, model.split(".")[1])(obj)
            if record is not None:
                out.kept(model).append(record)
    site_refs, link_refs = _check_references(out)
    check_refs = _check_checks(out, problems) if out.check_count else []
    if problems or site_refs or check_refs or link_refs:
        problems.sort(key=_file_order)  # those without a place come last, as found
        raise DocumentRefused(problems + site_refs + check_refs + link_refs)
    return out


def _check_checks(out: Fixture, problems: list[str]) -> list[str]:
    """Go through the file's checks (the second time through it): their problems, and those of
    their references to sites not in the file."""
    sites = {s.pk for s in out.sites}
    dangling: list[str] = []
    for index, item, _twice in out.source:
        if not _is_view(item):
            continue
        obj = FixtureObject(index, item, problems)
        obj.chosen = out.check_fields
        if obj.pk is None:
            obj.problem("pk", "is missing")
        check = Readers.siteview(obj)
        if check is not None and check.site not in sites:
            dangling.append(
                f"monitor.siteview pk={check.id}: its site {check.site!r} is not in the file"
            )
    return dangling


def _file_order(problem: str) -> int:
    """Problems in the order of their objects in the file (``[12] monitor...``)."""
    found = re.match(r"\[(\d+)\]", problem)
    return int(found.group(1)) if found else 1 << 62


def _file_order(problem: str) -> int:
    """Problems in the order of their objects in the file (``[12] monitor...``)."""
    found = re.match(r"\[(\d+)\]", problem)
    return int(found.group(1)) if found else 1 << 62


def _check_references(out: Fixture) -> tuple[list[str], list[str]]:
    """The problems of sites' references to groups, and of outage sites' to outages and sites,
    not in the file."""
    groups = {g.pk for g in out.groups}
    sites = {s.pk for s in out.sites}
    outages = {o.pk: o for o in out.outages}
    site_refs = [
        f"monitor.site pk={s.pk}: its group {s.group!r} is not in the file"
        for s in out.sites
        if s.group not in groups
    ]
    link_refs: list[str] = []
    for link in out.outage_sites:
        if link.outage not in outages:
            link_refs.append(
                f"monitor.outagesites pk={link.pk}: its outage {link.outage!r} is not in the file"
            )
        if link.site not in sites:
            link_refs.append(
                f"monitor.outagesites pk={link.pk}: its site {link.site!r} is not in the file"
            )
        elif link.start_time == datetime.fromtimestamp(0, UTC) and link.outage in outages:
            link.start_time = outages[link.outage].start_time
    return site_refs, link_refs
