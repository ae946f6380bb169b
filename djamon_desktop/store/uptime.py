"""The uptime the app shows: each site's over the last 24 hours (the dashboard's table) and over
24 hours, 7 and 30 days (its window), counted by the report's rules
(``core.report_counting.site_figures``) from what ``store.reports.site_inputs`` reads, so the
dashboard and a report of the same span show the same figure: the time a site was monitored
less the time it was down in an outage, over the time it was monitored (maintenance, pauses and
inactive time count neither way).

The dashboard's is read after every round, for every site: it reads no hour summary (the
uptime needs none), only the sites, their pauses and the outages of the span.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from ..core.clock import to_ms
from ..core.report_counting import monitored_stretch, site_figures
from ..core.report_model import uptime_percent, uptime_text
from ..core.schedule import local_zone
from .reports import site_inputs

DAY = timedelta(hours=24)
WEEK = timedelta(days=7)
MONTH = timedelta(days=30)


@dataclass(frozen=True)
class Uptime:
    """A site's monitored and down time over a span, in ms."""

    monitored_ms: int
    down_ms: int

    @property
    def percent(self) -> float | None:
        """None when it was not monitored at all (sorted after every figure)."""
        return uptime_percent(self.monitored_ms, self.down_ms)

    def text(self) -> str:
        """Two decimals always, so a column reads alike (``100.00%`` over ``80.00%``): 100 only
        with no down time, so a site down for a moment never rounds up to it; ``-`` when it was
        not monitored."""
        words = uptime_text(self.monitored_ms, self.down_ms, missing="")
        return f"{words}%" if words else "-"


NOT_MONITORED = Uptime(0, 0)


def uptimes(
    now: datetime,
    over: timedelta = DAY,
    site_ids: Sequence[int] | None = None,
    zone: tzinfo | None = None,
) -> dict[int, Uptime]:
    """Each site's (or each of ``site_ids``') uptime from ``now - over`` to ``now``; ``zone``:
    the one maintenance windows are read in (the local one when None)."""
    return spans_of(now, (over,), site_ids, zone)[over]


def spans_of(
    now: datetime,
    spans: Sequence[timedelta],
    site_ids: Sequence[int] | None = None,
    zone: tzinfo | None = None,
) -> dict[timedelta, dict[int, Uptime]]:
    """The uptimes of several spans that end ``now`` (the site window's day, week and month),
    from one reading of the longest. Sites alike in all that counts (their monitored stretch,
    pauses, windows and outages: most sites, most of the time) are counted once."""
    zone = local_zone() if zone is None else zone
    now_ms = to_ms(now)
    starts = {span: to_ms(now - span) for span in spans}
    out: dict[timedelta, dict[int, Uptime]] = {span: {} for span in spans}
    counted: dict[tuple, Uptime] = {}
    for _group, sites in site_inputs(now - max(spans), now, now, site_ids=site_ids, hours=False):
        for site in sites:
            for span, found in out.items():
                stretch = monitored_stretch(site, starts[span], now_ms, now_ms)
                key = (stretch, site.not_monitored, site.maintenance, site.outages)
                one = counted.get(key)
                if one is None:
                    figures = site_figures(site, now - span, now, now, zone)
                    one = counted[key] = Uptime(figures.monitored_ms, figures.down_ms)
                found[site.site_id] = one
    return out
