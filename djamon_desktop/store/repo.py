"""Import and export: a whole document or a Djamon fixture written in one transaction, and the
export. (Round storage is in :mod:`.rounds`, the windows' queries in :mod:`.queries`, changes
by hand in :mod:`.editing`.)"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, BinaryIO

from ..core import config, jsonfile
from ..core.clock import Clock, utc_now
from ..core.expect import from_stored, parse_expect, stored
from ..core.maintenance import windows_from_json, windows_json, windows_of
from ..core.outages import PRIORITY_NAMES
from ..core.problems import has_password
from ..core.status import plural
from . import pause_spans
from .adding import Adding
from .engine import writing
from .models import Site, SiteGroup
from .settings import change_settings, load_settings, stored_settings

if TYPE_CHECKING:
    from .fixture import FixtureSummary

# -- import / export ----------------------------------------------------------------------------


@dataclass
class ImportSummary:
    groups_added: int = 0
    groups_matched: int = 0
    sites_added: int = 0
    sites_updated: int = 0
    settings_changed: list[str] = field(default_factory=list)


def apply_document(document: config.Document, clock: Clock = utc_now) -> ImportSummary:
    """Write a validated document in one transaction. Rules that depend on what is stored are
    checked inside it; any problem raises DocumentRefused and nothing is written. A site made
    active or inactive gets its span (:mod:`.pause_spans`) at ``clock()``."""
    summary = ImportSummary()
    now = clock()
    with writing():
        made_active: dict[bool, list[int]] = {True: [], False: []}
        adding = Adding()
        groups = {g.title: g for g in SiteGroup.select()}
        for spec in document.groups:
            group = groups.get(spec.title)
            windows = (
                None if spec.maintenance is None else windows_json(windows_of(spec.maintenance))
            )
            if group is None:
                group_id = adding.group(spec.title, windows)
                summary.groups_added += 1
            else:
                group_id = group.id
                if windows is not None:
                    group.maintenance = windows
                    group.save()
                summary.groups_matched += 1
            existing = {s.title: s for s in Site.select().where(Site.group == group_id)}
            for site_spec in spec.sites:
                site = existing.get(site_spec.title)
                own = site_spec.maintenance
                own_json = None if own is None else windows_json(windows_of(own))
                priority = (
                    None if site_spec.priority is None else PRIORITY_NAMES.index(site_spec.priority)
                )
                if site is None:
                    adding.site(
                        group_id,
                        site_spec.title,
                        site_spec.url,
                        priority=priority,
                        active=site_spec.active,
                        down_message=site_spec.down_message,
                        maintenance=own_json,
                        expect=None
                        if site_spec.expect is None
                        else stored(parse_expect(site_spec.expect)),
                    )
                    summary.sites_added += 1
                    continue
                site.url = site_spec.url
                if priority is not None:
                    site.priority = priority
                if site_spec.active is not None:
                    site.active = site_spec.active
                    made_active[bool(site_spec.active)].append(site.id)
                if site_spec.down_message is not None:
                    site.down_message = site_spec.down_message
                if own_json is not None:
                    site.maintenance = own_json
                if site_spec.expect is not None:
                    site.expect = stored(parse_expect(site_spec.expect))
                site.save()
                summary.sites_updated += 1
        for active, ids in made_active.items():
            pause_spans.active_set(ids, active, now)
        # after the sites: a lower timeout is checked against their expect as imported
        current, merged = change_settings(document.settings)
        summary.settings_changed = [k for k in merged if merged[k] != current.get(k)]
    return summary


def export_text() -> str:
    return export_document()[0]


def export_document() -> tuple[str, int]:
    """The export's text, and how many sites' URLs in it hold a password (the export keeps
    ``user:password@`` as written, so a round trip is exact)."""
    settings = stored_settings()
    groups = []
    for group in SiteGroup.select().order_by(SiteGroup.position, SiteGroup.id):
        sites = Site.select().where(Site.group == group).order_by(Site.position, Site.id)
        groups.append(
            {
                "title": group.title,
                "maintenance": _windows(group.maintenance),
                "sites": [_site_json(s) for s in sites],
            }
        )
    passwords = sum(has_password(s["url"]) for g in groups for s in g["sites"])
    return config.render_document(settings, groups), passwords


def _site_json(site: Site) -> dict:
    """A site as the export has it; ``expect`` only when it has one."""
    out = {
        "title": site.title,
        "url": site.url,
        "priority": PRIORITY_NAMES[site.priority],
        "active": bool(site.active),
        "down_message": site.down_message,
        "maintenance": _windows(site.maintenance),
    }
    expect = from_stored(site.expect)
    if not expect.empty:
        out["expect"] = expect.to_json()
    return out


def _windows(text: str) -> list[dict]:
    return [w.as_json() for w in windows_from_json(text)]


def import_data(data: bytes) -> str:
    """:func:`import_file` of bytes in memory."""
    return import_file(io.BytesIO(data))


def import_file(file: BinaryIO) -> str:
    """Import a djamon-desktop/1 file or a Djamon dumpdata fixture, all or nothing (a fixture
    is read as a stream, see :mod:`.fixture`); return a line saying what was done.
    DocumentRefused lists every problem."""
    done = import_file_summary(file)
    return done if isinstance(done, str) else f"Djamon fixture: {done.text()}"


def import_file_summary(file: BinaryIO) -> str | FixtureSummary:
    """:func:`import_file`, saying what a Djamon fixture brought as its parts (the app shows
    the counts in a line and what was skipped or read under other names in a box)."""
    from ..core.djamon_fixture import read_fixture
    from .fixture import apply_fixture

    if jsonfile.first_char(file) == "[":
        fixture = read_fixture(jsonfile.JsonArray(file))
        return apply_fixture(fixture, list(load_settings().good_codes))
    raw = jsonfile.read_document(file)
    timeout = float(load_settings().timeout_seconds)  # (what bounds max_ms, unless it sets one)
    result = apply_document(config.parse_document(raw, stored_timeout=timeout))
    changed = ", ".join(result.settings_changed) or "none"
    return (
        f"{plural(result.groups_added, 'new group')}, {result.groups_matched} matched; "
        f"{plural(result.sites_added, 'new site')}, {result.sites_updated} updated; "
        f"settings changed: {changed}"
    )
