"""What an uptime report is counted from, read in a few queries over the span: the sites of
every group (or one), their pauses and inactive times, maintenance windows, outage parts and
hour summaries (these a batch of sites at a time, as the sites are counted: a year of them is
too much to hold at once). ``core.report_counting`` does the counting; this module only
reads."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import replace
from datetime import datetime, tzinfo

from ..core.clock import to_ms
from ..core.maintenance import windows_from_json
from ..core.report_counting import HourSum, OutagePart, SiteInput, build_report, hours_between
from ..core.report_model import Report, Span
from ..errors import UserError
from .engine import marks
from .models import db


def group_title(asked: str) -> str:
    """The stored title of the group ``asked`` names: the exact title, or the one title that
    matches ignoring case; else a UserError that lists the groups."""
    titles = [row[0] for row in db.execute_sql("SELECT title FROM site_group ORDER BY position")]
    if asked in titles:
        return asked
    alike = [t for t in titles if t.casefold() == asked.casefold()]
    if len(alike) == 1:
        return alike[0]
    known = ", ".join(repr(t) for t in titles) or "none yet"
    raise UserError(f"--group: there is no group titled {asked!r} (the groups: {known})")


def site_inputs(
    span_start: datetime,
    span_end: datetime,
    now: datetime,
    group: str | None = None,
    site_ids: Sequence[int] | None = None,
    hours: bool = True,
) -> list[tuple[str, list[SiteInput]]]:
    """Each group (in the list's order; only ``group`` when given) with its sites' inputs over
    the span, read up to ``now``; ``site_ids``: only these sites (the dashboard's). ``hours``
    False reads no hour summaries (the uptime needs none; the dashboard counts only it)."""
    lo, hi, now_ms = to_ms(span_start), to_ms(span_end), to_ms(now)
    p = marks()
    where, args = [], []
    if group is not None:
        where.append(f"g.title = {p}")
        args.append(group)
    if site_ids is not None:
        if not site_ids:
            return []
        where.append(f"s.id IN ({marks(len(site_ids))})")
        args.extend(site_ids)
    rows = db.execute_sql(
        f"""SELECT g.title, g.maintenance, s.id, s.title, s.url, s.active, s.monitored_since,
                   s.maintenance
              FROM site s JOIN site_group g ON g.id = s.group_id
              {"WHERE " + " AND ".join(where) if where else ""}
             ORDER BY g.position, g.id, s.position, s.id""",
        args,
    ).fetchall()
    ids = [row[2] for row in rows]
    pauses = _pauses(ids, lo, max(hi, now_ms))
    outages = _outages(ids, lo, hi)
    by_hour = _hours(ids, span_start, span_end) if hours else {}
    groups: dict[str, list[SiteInput]] = {}
    order: list[str] = []
    if group is not None:
        order.append(group)
        groups[group] = []
    for g_title, g_windows, site_id, title, url, active, since, windows in rows:
        if g_title not in groups:
            groups[g_title] = []
            order.append(g_title)
        groups[g_title].append(
            SiteInput(
                site_id=site_id,
                group=g_title,
                title=title,
                url=url,
                active=bool(active),
                monitored_since_ms=since,
                not_monitored=tuple(pauses.get(site_id, []) + pauses.get(None, [])),
                maintenance=windows_from_json(windows) + windows_from_json(g_windows),
                outages=tuple(outages.get(site_id, ())),
                hours=tuple(by_hour.get(site_id, ())),
            )
        )
    return [(title, groups[title]) for title in order]


def _in(ids: Sequence[int]) -> str:
    return ", ".join(str(int(i)) for i in ids) or "NULL"


def _pauses(ids: Sequence[int], lo: int, hi: int) -> dict[int | None, list[tuple[int, int | None]]]:
    out: dict[int | None, list[tuple[int, int | None]]] = defaultdict(list)
    p = marks()
    for site_id, start, until in db.execute_sql(
        f"""SELECT site_id, start, until FROM pause_span
             WHERE (site_id IS NULL OR site_id IN ({_in(ids)}))
               AND start < {p} AND (until IS NULL OR until > {p})""",
        (hi, lo),
    ):
        out[site_id].append((start, until))
    return out


def _outages(ids: Sequence[int], lo: int, hi: int) -> dict[int, list[OutagePart]]:
    out: dict[int, list[OutagePart]] = defaultdict(list)
    p = marks()
    for site_id, outage_id, start, end in db.execute_sql(
        f"""SELECT os.site_id, os.outage_id, os.start_time, o.end_time
              FROM outage_site os JOIN outage o ON o.id = os.outage_id
             WHERE os.site_id IN ({_in(ids)}) AND os.start_time < {p}
               AND (o.end_time IS NULL OR o.end_time >= {p})""",
        (hi, lo),
    ):
        out[site_id].append(OutagePart(outage_id, start, end))
    return out


def _hours(ids: Sequence[int], start: datetime, end: datetime) -> dict[int, list[HourSum]]:
    first, past = hours_between(start, end)
    out: dict[int, list[HourSum]] = defaultdict(list)
    p = marks()
    cursor = db.execute_sql(
        f"""SELECT site_id, hour, checks, good, good_elapsed_sum, good_ms FROM check_hour
             WHERE hour >= {p} AND hour < {p} AND site_id IN ({_in(ids)})
             ORDER BY site_id, hour""",
        (first, past),
    )
    for site_id, hour, checks, good, spent, times in cursor:
        out[site_id].append(HourSum(hour, checks, good, spent, times or ""))
    return out


def report(
    span: Span,
    now: datetime,
    zone: tzinfo,
    zone_name: str,
    group: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """The report over ``span`` of every group or of ``group`` (a title as asked: matched by
    :func:`group_title`; an unknown one is a UserError), counted up to ``now``."""
    title = None if group is None else group_title(group)
    inputs = site_inputs(span.start, span.end, now, title, hours=False)
    groups = _with_hours(inputs, span.start, span.end)
    return build_report(span, groups, now, zone, zone_name, title, progress)


#: hour summary rows read in one query while a report is counted: a month of 53 sites, a year
#: of 4 (a year of 100 sites is 876,000 rows, with every good answer's time: read at once, they
#: took over 400 MiB)
BATCH_ROWS = 40_000


def _with_hours(
    groups: list[tuple[str, list[SiteInput]]], start: datetime, end: datetime
) -> list[tuple[str, _WithHours]]:
    """``groups`` as :func:`build_report` counts them: each site with its hour summaries read
    when its turn comes, a batch of sites a query, and let go of once it was counted."""
    every = [site.site_id for _title, sites in groups for site in sites]
    position = {site_id: n for n, site_id in enumerate(every)}
    first, past = hours_between(start, end)
    per_query = max(1, BATCH_ROWS // max(1, past - first))
    read: dict[int, list[HourSum]] = {}

    def hours_of(site_id: int) -> tuple[HourSum, ...]:
        if site_id not in read:
            batch = every[position[site_id] : position[site_id] + per_query]
            read.clear()
            read.update(_hours(batch, start, end))
            read.update((i, []) for i in batch if i not in read)
        return tuple(read.pop(site_id))

    return [(title, _WithHours(sites, hours_of)) for title, sites in groups]


class _WithHours(Collection[SiteInput]):
    """A group's sites (read without hour summaries), each given its hours as it is counted."""

    def __init__(self, sites: list[SiteInput], hours_of: Callable[[int], tuple[HourSum, ...]]):
        self.sites, self.hours_of = sites, hours_of

    def __len__(self) -> int:
        return len(self.sites)

    def __contains__(self, site: object) -> bool:
        return site in self.sites

    def __iter__(self) -> Iterator[SiteInput]:
        for site in self.sites:
            yield replace(site, hours=self.hours_of(site.site_id))
