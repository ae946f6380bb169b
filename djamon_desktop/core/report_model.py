"""An uptime report as plain data: the span it covers (in local time), and per site, per group
and overall the figures the counting rules give (:mod:`.report_counting` works them out,
``store.reports`` reads what they are worked out from, and the ``report_*`` writers turn a
:class:`Report` into CSV, HTML or PDF). Pure: no Qt, no database.

The span a person asks for is read here too: ``YYYY-MM`` (a calendar month in local time), or
``--from DATE --to DATE`` (whole local days, both included), or nothing (last month)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from ..errors import UserError

#: the counting rules, in plain words: the end of every report, and the README's
RULES: tuple[str, ...] = (
    "Uptime is the time a site was monitored less the time it was down, over the time it was "
    "monitored, with 2 decimals. It shows 100.00 only when the site was never down; a site down "
    "for a moment shows 99.99 at most.",
    "A site is monitored from when it was added or first checked (whichever is earlier), or from "
    "the report's start, to the report's end or now. Its maintenance windows (its own and its "
    "group's) and the times it was paused or inactive, and the times all monitoring was paused, "
    "are not monitored time: they count neither for nor against it.",
    "A site is down from the moment it joined an outage (after the failures in a row that the "
    "strikes setting asks for) to the end of that outage. A failed check that never made an "
    "outage (a blip, or a round with no connection) is not down time.",
    "An outage that began before the report or ended after it counts once, with only its part "
    "inside the report. A group's and the overall outage count counts an outage of several of "
    "their sites once.",
    "Response times are the good answers' times, to the millisecond; the median and the 95th "
    "percentile are nearest-rank (the value at rank ceil(p x n) of the n times in order). Checks "
    "made counts every vantage's checks, good or not, in the hours the report covers (hour "
    "summaries are kept by the hour in UTC).",
    "A group's and the overall uptime add up their sites' monitored and down time, so a site "
    "weighs by how long it was monitored.",
)


@dataclass(frozen=True)
class Span:
    """What a report covers: from ``start`` up to (not including) ``end``, aware datetimes in
    UTC; ``first_day`` and ``last_day`` are the local dates it was asked as (both included)."""

    start: datetime
    end: datetime
    first_day: date
    last_day: date
    month: str | None = None  # "2026-03" when it is a whole calendar month

    @property
    def title(self) -> str:
        """``March 2026``, or ``1 March 2026 – 15 March 2026``."""
        if self.month is not None:
            return self.first_day.strftime("%B %Y")
        if self.first_day == self.last_day:
            return _day_text(self.first_day)
        return f"{_day_text(self.first_day)} – {_day_text(self.last_day)}"

    def days(self) -> list[date]:
        """The local days the span covers, in order."""
        count = (self.last_day - self.first_day).days + 1
        return [self.first_day + timedelta(days=n) for n in range(count)]


def _day_text(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def _local_midnight(day: date, zone: tzinfo) -> datetime:
    """The first moment of ``day`` in ``zone``, in UTC. A midnight that a clock change skips
    (fold 0 reads it with the offset before the change) lands on the change itself, the day's
    first real moment; one that repeats is its first time."""
    return datetime.combine(day, time(0)).replace(tzinfo=zone).astimezone(UTC)


def days_span(first: date, last: date, zone: tzinfo, month: str | None = None) -> Span:
    return Span(
        _local_midnight(first, zone),
        _local_midnight(last + timedelta(days=1), zone),
        first,
        last,
        month,
    )


def month_span(year: int, month: int, zone: tzinfo) -> Span:
    first = date(year, month, 1)
    following = date(year + month // 12, month % 12 + 1, 1)
    return days_span(first, following - timedelta(days=1), zone, f"{year:04d}-{month:02d}")


def last_month(now: datetime, zone: tzinfo) -> Span:
    """The calendar month before the one ``now`` is in, in ``zone``."""
    today = now.astimezone(zone).date()
    before = today.replace(day=1) - timedelta(days=1)
    return month_span(before.year, before.month, zone)


_MONTH = re.compile(r"(\d{4})-(\d{2})")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_month(text: str, zone: tzinfo, where: str = "--month") -> Span:
    """``YYYY-MM`` as a span; a UserError naming ``where`` otherwise."""
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1970:
        raise UserError(f"{where}: {text!r} is not a month; write it as YYYY-MM, e.g. 2026-03")
    return month_span(int(found.group(1)), int(found.group(2)), zone)


def parse_day(text: str, where: str) -> date:
    if _DATE.fullmatch(text.strip()) is None:
        raise UserError(f"{where}: {text!r} is not a date; write it as YYYY-MM-DD, e.g. 2026-03-01")
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{where}: {text!r} is not a date in the calendar") from None
    if day.year < 1970:
        raise UserError(f"{where}: {text!r} is before 1970")
    return day


def parse_days(first: str, last: str, zone: tzinfo) -> Span:
    """``--from`` and ``--to`` (both included) as a span."""
    start, end = parse_day(first, "--from"), parse_day(last, "--to")
    if start > end:
        raise UserError(f"--from {start.isoformat()} is after --to {end.isoformat()}")
    return days_span(start, end, zone)


@dataclass(frozen=True)
class Day:
    """One local day of a site's (a group's, everything's) report: for the charts."""

    day: date
    monitored_ms: int
    down_ms: int
    checks: int
    good: int
    average_ms: float | None  # the good answers' mean time (None: none)

    @property
    def uptime_percent(self) -> float | None:
        return uptime_percent(self.monitored_ms, self.down_ms)


def uptime_percent(monitored_ms: int, down_ms: int) -> float | None:
    """The share of monitored time not down, as a percentage: None when nothing was monitored.
    Never 100 while there was any down time (see :func:`uptime_text`)."""
    if monitored_ms <= 0:
        return None
    return 100.0 * (monitored_ms - down_ms) / monitored_ms


def uptime_text(monitored_ms: int, down_ms: int, missing: str = "-") -> str:
    """Two decimals, no sign: ``100.00`` only with no down time, ``99.99`` at most otherwise;
    ``missing`` when nothing was monitored."""
    p = uptime_percent(monitored_ms, down_ms)
    if p is None:
        return missing
    if down_ms <= 0:
        return "100.00"
    return f"{min(max(p, 0.0), 99.99):.2f}"


@dataclass(frozen=True)
class Figures:
    """The numbers of a site, a group or everything over a span. Times are whole ms; seconds
    are what a person reads (rounded to the nearest second)."""

    monitored_ms: int
    down_ms: int
    outages: int
    longest_down_ms: int
    excluded_ms: int  # maintenance, pauses and inactive time inside the monitored stretch
    response_median_ms: int | None  # nearest-rank over the good answers' times (None: none)
    response_p95_ms: int | None
    checks: int
    good: int
    days: tuple[Day, ...]

    @property
    def uptime_percent(self) -> float | None:
        return uptime_percent(self.monitored_ms, self.down_ms)

    def uptime_text(self, missing: str = "-") -> str:
        return uptime_text(self.monitored_ms, self.down_ms, missing)

    @property
    def monitored_seconds(self) -> int:
        return seconds(self.monitored_ms)

    @property
    def down_seconds(self) -> int:
        return seconds(self.down_ms)

    @property
    def longest_down_seconds(self) -> int:
        return seconds(self.longest_down_ms)


def seconds(ms: int) -> int:
    """Whole seconds, the nearest (a half rounds up)."""
    return (ms + 500) // 1000


@dataclass(frozen=True)
class SiteReport:
    site_id: int
    title: str
    url: str
    active: bool
    figures: Figures


@dataclass(frozen=True)
class GroupReport:
    title: str
    sites: tuple[SiteReport, ...]
    figures: Figures


@dataclass(frozen=True)
class Report:
    span: Span
    zone: str  # the local zone's name, as the report says it ("Europe/London")
    made_at: datetime  # UTC
    now: datetime  # the end of counting when the span runs past it (UTC)
    group: str | None  # the --group asked for (None: every group)
    groups: tuple[GroupReport, ...]
    figures: Figures  # everything in the report
    rules: tuple[str, ...] = RULES

    def sites(self) -> list[tuple[GroupReport, SiteReport]]:
        return [(g, s) for g in self.groups for s in g.sites]
