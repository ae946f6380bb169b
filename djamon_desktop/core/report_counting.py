"""The counting rules of an uptime report (``report_model.RULES`` says them in words), as pure
functions over what the store read: a site's monitored time, down time, outages, response times
and checks over a span. The dashboard's uptime and the report's come from :func:`site_figures`,
so the two agree for the same span.

Times are whole milliseconds since the epoch (UTC) here; a stretch of time is a half-open
interval ``(start, end)`` (:mod:`.report_intervals` joins, cuts and measures them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import NamedTuple

from cronsim import CronSim, CronSimError

from .clock import from_ms, to_ms
from .maintenance import Window
from .report_intervals import Interval, by_day, clipped, length, merged, minus, overlap
from .report_model import Day, Figures, GroupReport, Report, SiteReport, Span

HOUR_MS = 3_600_000


@dataclass(frozen=True)
class OutagePart:
    """A site's part in an outage: from its own start in it to the outage's end."""

    outage_id: int
    start_ms: int
    end_ms: int | None  # None: the outage is still open


class HourSum(NamedTuple):
    """One hour of a site's hour summary. A named tuple, not a dataclass: a year of 100 sites
    reads 876,000 of them, and a tuple is made in about a third of the time."""

    hour: int  # the hour's start in ms // HOUR_MS (UTC)
    checks: int
    good: int
    good_elapsed_sum: float
    good_ms: str  # the good answers' times, whole ms, space-separated ("" or None: none kept)


@dataclass(frozen=True)
class SiteInput:
    """What the store read of one site for a span."""

    site_id: int
    group: str
    title: str
    url: str
    active: bool
    monitored_since_ms: int | None  # None: not known; monitored from the span's start
    not_monitored: tuple[tuple[int, int | None], ...]  # pauses, everything's pauses, inactive
    maintenance: tuple[Window, ...]  # its own windows and its group's
    outages: tuple[OutagePart, ...]
    hours: tuple[HourSum, ...]  # the hours the span covers (others are ignored)


# -- maintenance ------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def maintenance_intervals(
    windows: tuple[Window, ...], lo: int, hi: int, zone: tzinfo
) -> tuple[Interval, ...]:
    """The times ``windows`` are on between ``lo`` and ``hi`` (each window from every start its
    crontab line names, local time, for its minutes), merged. A bad line counts for nothing,
    as it does for the rounds."""
    found: list[Interval] = []
    for window in windows:
        span = window.minutes * 60_000
        begin = from_ms(lo - span).astimezone(zone)
        try:
            for start in CronSim(window.schedule, begin):
                at = to_ms(start.astimezone(UTC))
                if at >= hi:
                    break
                found.append((at, at + span))
        except (CronSimError, ValueError):
            continue
    return tuple(clipped(merged(found), lo, hi))


# -- percentiles ------------------------------------------------------------------------------


def times_of(hours: Iterable[HourSum]) -> Counter[int]:
    """The good answers' times of these hours, counted by whole ms."""
    return _counted([hour.good_ms for hour in hours if hour.good_ms])


def _counted(texts: list[str]) -> Counter[int]:
    """The times in these ``good_ms`` texts, counted. The report's costliest step (a month of
    100 sites at one check a minute is 4.3 million times): one split of them all joined, and
    the words counted as text (C code throughout), then each distinct word read once as a
    number (``int`` reads "080" and "80" alike)."""
    words = Counter(" ".join(texts).split())
    out: Counter[int] = Counter()
    for word, count in words.items():
        out[int(word)] += count
    return out


def nearest_rank(times: Counter[int], percent: float) -> int | None:
    """The time at rank ceil(percent/100 x n) of the n times in order (None: no times)."""
    n = sum(times.values())
    if n == 0:
        return None
    # ceil without floats going astray: 95 % of 20 is rank 19, not 19.000000000000004 -> 20
    rank = max(1, -(-int(round(percent * 1000)) * n // 100_000))
    seen = 0
    for value in sorted(times):
        seen += times[value]
        if seen >= rank:
            return value
    return max(times)


# -- one site ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteCount:
    """A site's figures and what its group's and the overall figures are added up from."""

    figures: Figures
    outage_ids: frozenset[int]
    times: Counter[int]
    elapsed_by_day: tuple[float, ...]  # the good answers' time summed, per day of ``days``


def monitored_stretch(site: SiteInput, lo: int, hi: int, now_ms: int) -> Interval:
    """From the site's first moment (or ``lo``) to ``hi`` or now, whichever is earlier."""
    start = lo if site.monitored_since_ms is None else max(lo, site.monitored_since_ms)
    return start, max(start, min(hi, now_ms))


def count_site(
    site: SiteInput,
    lo: int,
    hi: int,
    now_ms: int,
    zone: tzinfo,
    days: Sequence[tuple[date, int, int]] = (),
) -> SiteCount:
    """A site's figures between ``lo`` and ``hi`` (ms), counted up to ``now_ms``; ``days``:
    the local days to break them down by, as (day, its start ms, its end ms)."""
    stretch = monitored_stretch(site, lo, hi, now_ms)
    holes = merged(
        [
            *((a, now_ms if b is None else b) for a, b in site.not_monitored),
            *maintenance_intervals(site.maintenance, stretch[0], stretch[1], zone),
        ]
    )
    monitored = minus(stretch, holes)
    down_parts: list[Interval] = []
    outage_ids: set[int] = set()
    longest = 0
    for part in site.outages:
        end = now_ms if part.end_ms is None else part.end_ms
        if not _meets(part.start_ms, end, stretch):
            continue
        inside = overlap([(part.start_ms, end)], monitored)
        outage_ids.add(part.outage_id)
        longest = max(longest, length(inside))
        down_parts.extend(inside)
    down = merged(down_parts)

    # the hours that start inside, each with the index of its day (0 when none are asked)
    first_hour, end_hour = -(-lo // HOUR_MS), -(-hi // HOUR_MS)
    day_of = _days_of_hours(tuple(days), first_hour, end_hour) if days else None
    count = max(1, len(days))
    checks, good, spent = [0] * count, [0] * count, [0.0] * count
    texts: list[str] = []
    for h in site.hours:
        if day_of is None:
            if not first_hour <= h.hour < end_hour:
                continue
            index = 0
        elif (index := day_of.get(h.hour)) is None:
            continue
        checks[index] += h.checks
        good[index] += h.good
        spent[index] += h.good_elapsed_sum
        if h.good_ms:
            texts.append(h.good_ms)
    times = _counted(texts)

    day_rows: list[Day] = []
    if days:
        monitored_by_day, down_by_day = by_day(monitored, days), by_day(down, days)
        for index, (day, _start, _end) in enumerate(days):
            n = good[index]
            day_rows.append(
                Day(
                    day,
                    monitored_by_day[index],
                    down_by_day[index],
                    checks[index],
                    n,
                    spent[index] / n if n else None,
                )
            )
    figures = Figures(
        monitored_ms=length(monitored),
        down_ms=length(down),
        outages=len(outage_ids),
        longest_down_ms=longest,
        excluded_ms=length(clipped(holes, *stretch)),
        response_median_ms=nearest_rank(times, 50),
        response_p95_ms=nearest_rank(times, 95),
        checks=sum(checks),
        good=sum(good),
        days=tuple(day_rows),
    )
    return SiteCount(figures, frozenset(outage_ids), times, tuple(spent) if days else ())


def _meets(start: int, end: int, stretch: Interval) -> bool:
    """Whether an outage from ``start`` to ``end`` falls in the stretch at all (one that took
    no time counts where it happened)."""
    if start == end:
        return stretch[0] <= start < stretch[1]
    return start < stretch[1] and end > stretch[0]


def _day_index(days: Sequence[tuple[date, int, int]], at: int) -> int:
    """The index of the day that ``at`` falls in (days are in order and follow on)."""
    low, high = 0, len(days) - 1
    while low < high:
        mid = (low + high + 1) // 2
        if days[mid][1] <= at:
            low = mid
        else:
            high = mid - 1
    return low


@lru_cache(maxsize=8)
def _days_of_hours(
    days: tuple[tuple[date, int, int], ...], first_hour: int, end_hour: int
) -> dict[int, int]:
    """Each hour that starts from ``first_hour`` to before ``end_hour``, with the index of the
    day it starts in: worked out once a report, not once a site."""
    return {h: _day_index(days, h * HOUR_MS) for h in range(first_hour, end_hour)}


def site_figures(
    site: SiteInput, start: datetime, end: datetime, now: datetime, zone: tzinfo
) -> Figures:
    """A site's figures between two moments (the dashboard's last 24 hours, 7 or 30 days)."""
    return count_site(site, to_ms(start), to_ms(end), to_ms(now), zone).figures


# -- a report ---------------------------------------------------------------------------------


def total(counts: Sequence[SiteCount], days: Sequence[tuple[date, int, int]]) -> Figures:
    """A group's (or everything's) figures from its sites'."""
    times: Counter[int] = Counter()
    outage_ids: set[int] = set()
    for count in counts:
        times.update(count.times)
        outage_ids |= count.outage_ids
    figures = [c.figures for c in counts]
    day_rows = []
    for index, (day, _start, _end) in enumerate(days):
        rows = [f.days[index] for f in figures]
        good = sum(r.good for r in rows)
        spent = sum(c.elapsed_by_day[index] for c in counts)
        day_rows.append(
            Day(
                day,
                sum(r.monitored_ms for r in rows),
                sum(r.down_ms for r in rows),
                sum(r.checks for r in rows),
                good,
                spent / good if good else None,
            )
        )
    return Figures(
        monitored_ms=sum(f.monitored_ms for f in figures),
        down_ms=sum(f.down_ms for f in figures),
        outages=len(outage_ids),
        longest_down_ms=max((f.longest_down_ms for f in figures), default=0),
        excluded_ms=sum(f.excluded_ms for f in figures),
        response_median_ms=nearest_rank(times, 50),
        response_p95_ms=nearest_rank(times, 95),
        checks=sum(f.checks for f in figures),
        good=sum(f.good for f in figures),
        days=tuple(day_rows),
    )


def day_bounds(span: Span, zone: tzinfo) -> list[tuple[date, int, int]]:
    """Each local day of the span as (day, start ms, end ms)."""
    from .report_model import days_span

    out = []
    for day in span.days():
        one = days_span(day, day, zone)
        out.append((day, to_ms(one.start), to_ms(one.end)))
    return out


def build_report(
    span: Span,
    groups: Sequence[tuple[str, Collection[SiteInput]]],
    now: datetime,
    zone: tzinfo,
    zone_name: str,
    group: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Report:
    """The report of ``groups`` (in order, each with its sites in order) over ``span``;
    ``progress(done, of)`` after each site. Each group's sites are gone through once, so
    the store may hand them over as it reads them (``store.reports``)."""
    days = tuple(day_bounds(span, zone))
    lo, hi, now_ms = to_ms(span.start), to_ms(span.end), to_ms(now)
    of = sum(len(sites) for _title, sites in groups)
    done = 0
    group_reports: list[GroupReport] = []
    every: list[SiteCount] = []
    for title, sites in groups:
        counts = []
        rows = []
        for site in sites:
            count = count_site(site, lo, hi, now_ms, zone, days)
            counts.append(count)
            rows.append(SiteReport(site.site_id, site.title, site.url, site.active, count.figures))
            done += 1
            if progress is not None:
                progress(done, of)
        every.extend(counts)
        group_reports.append(GroupReport(title, tuple(rows), total(counts, days)))
    return Report(
        span=span,
        zone=zone_name,
        made_at=now.astimezone(UTC),
        now=now.astimezone(UTC),
        group=group,
        groups=tuple(group_reports),
        figures=total(every, days),
    )


def hours_between(start: datetime, end: datetime) -> tuple[int, int]:
    """The hour summary's rows a span covers: hours that start at or after ``start`` and
    before ``end``, as (first, past the last)."""
    return -(-to_ms(start) // HOUR_MS), -(-to_ms(end) // HOUR_MS)
