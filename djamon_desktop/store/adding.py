"""Adding a group or a site: the one place that knows where a new one goes (after the last one)
and what a site has when nothing says otherwise. The import, a Djamon fixture and the editors
all add through here, each after checking its own rules (a title taken, a bad URL: the callers'
job, since each words its refusals its own way).

Callers that add many in one transaction (an import) keep one :class:`Adding`, which reads each
"last position" once and counts on from there; a single add by hand uses :func:`add_group` or
:func:`add_site`. Either must run inside the writers' turn (``engine.writing``), so that no
other writer takes the same position meanwhile.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from peewee import fn

from ..core import config
from ..core.clock import utc_now
from ..core.outages import PRIORITY_NAMES
from . import pause_spans
from .models import Site, SiteGroup

#: the stored priority (an index into PRIORITY_NAMES) of a site that names none
DEFAULT_PRIORITY = PRIORITY_NAMES.index(config.DEFAULT_PRIORITY)
#: the stored maintenance of a group or site that has no windows of its own
NO_WINDOWS = "[]"


class Adding:
    """Adds groups and sites within one transaction, each after the last one of its list."""

    def __init__(self) -> None:
        self._next_group: int | None = None
        self._next_site: dict[int, int] = {}  # by group id
        self.sites_added: list[int] = []  # the ids of the sites added, in order

    def group(self, title: str, maintenance: str | None = None) -> int:
        """A new group called ``title`` (not taken: the caller checked), with ``maintenance``
        as stored JSON (none: no windows); its id."""
        if self._next_group is None:
            self._next_group = (SiteGroup.select(fn.MAX(SiteGroup.position)).scalar() or 0) + 1
        position = self._next_group
        self._next_group += 1
        row = SiteGroup.create(
            title=title, position=position, maintenance=maintenance or NO_WINDOWS
        )
        return row.id

    def site(
        self,
        group_id: int,
        title: str,
        url: str,
        *,
        priority: int | None = None,
        active: bool | None = None,
        down_message: str | None = None,
        maintenance: str | None = None,
        last_seen: datetime | None = None,
        down_count: int = 0,
        expect: str | None = None,
        now: datetime | None = None,
    ) -> int:
        """A new site at the end of its group; what is None takes the default (priority
        ``normal``, active, the default down message, no windows, nothing expected beyond a
        good code; ``expect`` as stored, ``core.expect.stored``). ``last_seen`` and
        ``down_count``: the history a Djamon site brings along. It is monitored from ``now``
        (the wall clock when None; a Djamon import moves that back to its first check). Its
        id."""
        position = self._next_site.get(group_id)
        if position is None:
            position = (
                Site.select(fn.MAX(Site.position)).where(Site.group == group_id).scalar() or 0
            ) + 1
        self._next_site[group_id] = position + 1
        row = Site.create(
            group=group_id,
            title=title,
            url=url,
            priority=DEFAULT_PRIORITY if priority is None else priority,
            active=True if active is None else active,
            down_message=config.DEFAULT_DOWN_MESSAGE if down_message is None else down_message,
            maintenance=maintenance or NO_WINDOWS,
            position=position,
            last_seen=last_seen,
            down_count=down_count,
            expect=expect,
            monitored_since=utc_now() if now is None else now,
        )
        if active is False:  # not monitored from the start: its inactive span opens with it
            pause_spans.active_set([row.id], False, row.monitored_since)
        self.sites_added.append(row.id)
        return row.id


def add_group(title: str, maintenance: str | None = None) -> int:
    """:meth:`Adding.group` alone (one group added by hand)."""
    return Adding().group(title, maintenance)


def add_site(group_id: int, title: str, url: str, **fields: Any) -> int:
    """:meth:`Adding.site` alone (one site added by hand)."""
    return Adding().site(group_id, title, url, **fields)
