"""The charts of an uptime report as geometry: bars, axis ticks and day labels in a unit box
(x from 0 at the left to 1 at the right, y from 0 at the bottom to 1 at the top), so the HTML
writer's SVG and the PDF writer's drawing come from the same numbers and show the same chart.
Pure: no Qt, no drawing."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .report_model import Day, uptime_percent, uptime_text

#: the lowest value an uptime axis may start at, the first one below the worst day: a month at
#: 99.95 % drawn from 0 would show 31 equal bars, so the axis starts just below the worst day
UPTIME_FLOORS = (99.9, 99.5, 99.0, 98.0, 95.0, 90.0, 80.0, 50.0, 0.0)

#: what a bar's colour says: every moment up, down for under 1 % of the day, down for more;
#: ``none``: nothing was monitored that day (a short grey mark, not a bar)
GOOD, FAIR, POOR, NONE, PLAIN = "good", "fair", "poor", "none", "plain"

#: the colours, as RGB, shared by both writers (dark enough on white to print and to read)
COLOURS = {
    GOOD: (46, 125, 50),
    FAIR: (230, 145, 0),
    POOR: (198, 40, 40),
    NONE: (189, 189, 189),
    PLAIN: (30, 100, 170),
}

#: the most cells a site's strip of days has (62: two months a day a cell)
STRIP_CELLS = 62

#: how tall the grey mark of a day with nothing monitored is, as a share of the chart
NONE_MARK = 0.04

#: the share of a day's slot its bar fills (the rest is the gap between bars)
BAR_FILL = 0.7


@dataclass(frozen=True)
class Bar:
    x: float  # the bar's left edge
    width: float
    height: float  # from the bottom (0: no bar drawn)
    tone: str  # one of GOOD, FAIR, POOR, NONE, PLAIN
    label: str  # what the bar says: "3 March 2026: 99.95 %"


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]  # on the left axis, bottom first
    days: tuple[tuple[float, str], ...]  # labels under the bars: (the slot's middle x, text)
    empty: bool  # no day has a value: the writers say "no data" over an empty box


def uptime_chart(title: str, days: Sequence[Day]) -> Chart:
    """Each day's uptime as a bar, on an axis from the first of :data:`UPTIME_FLOORS` below the
    worst day up to 100 %."""
    values = [d.uptime_percent for d in days]
    known = [v for v in values if v is not None]
    floor = uptime_floor(min(known) if known else 100.0)
    bars = []
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        x, width = _slot(index, len(days))
        if value is None:
            bars.append(Bar(x, width, NONE_MARK, NONE, f"{_day_words(day.day)}: nothing monitored"))
            continue
        shown = 100.0 if day.down_ms <= 0 else min(value, 99.99)
        height = max((shown - floor) / (100.0 - floor), 0.01)
        tone = GOOD if day.down_ms <= 0 else FAIR if value >= 99.0 else POOR
        bars.append(Bar(x, width, height, tone, f"{_day_words(day.day)}: {_percent(day)}"))
    middle = (floor + 100.0) / 2
    ticks = tuple(
        Tick((v - floor) / (100.0 - floor), f"{_number(v)} %") for v in (floor, middle, 100.0)
    )
    return Chart(title, tuple(bars), ticks, day_labels([d.day for d in days]), not known)


def response_chart(title: str, days: Sequence[Day]) -> Chart:
    """Each day's mean response time (of the good answers) as a bar, on an axis from 0 to a
    round number at or above the slowest day."""
    known = [d.average_ms for d in days if d.average_ms is not None]
    top = nice_ceiling(max(known) if known else 0.0)
    bars = []
    for index, day in enumerate(days):
        x, width = _slot(index, len(days))
        if day.average_ms is None:
            bars.append(Bar(x, width, NONE_MARK, NONE, f"{_day_words(day.day)}: no answers"))
            continue
        height = max(day.average_ms / top, 0.01)
        bars.append(
            Bar(x, width, height, PLAIN, f"{_day_words(day.day)}: {day.average_ms:.0f} ms mean")
        )
    ticks = tuple(Tick(v / top, f"{_number(v)} ms") for v in (0.0, top / 2, top))
    return Chart(title, tuple(bars), ticks, day_labels([d.day for d in days]), not known)


def strip(days: Sequence[Day]) -> tuple[Bar, ...]:
    """A site's days as a strip of same-height cells, coloured by tone: its compact chart,
    readable beside each of a hundred sites. Over more than :data:`STRIP_CELLS` days a cell
    stands for a week (for two, beyond 62 weeks...), so the strip stays as light."""
    size = 1 if len(days) <= STRIP_CELLS else 7 * -(-len(days) // (7 * STRIP_CELLS))
    runs = [days[at : at + size] for at in range(0, len(days), size)]
    out = []
    for index, run in enumerate(runs):
        x, width = _slot(index, len(runs), fill=0.8)
        when = _day_words(run[0].day)
        if len(run) > 1:
            when = f"{when} – {_day_words(run[-1].day)}"
        monitored = sum(d.monitored_ms for d in run)
        down = sum(d.down_ms for d in run)
        value = uptime_percent(monitored, down)
        if value is None:
            out.append(Bar(x, width, 1.0, NONE, f"{when}: nothing monitored"))
            continue
        tone = GOOD if down <= 0 else FAIR if value >= 99.0 else POOR
        out.append(Bar(x, width, 1.0, tone, f"{when}: {uptime_text(monitored, down)} %"))
    return tuple(out)


def uptime_floor(worst: float) -> float:
    """The axis's start for a worst day of ``worst`` %: the first floor below it (99.9 when
    every day is 100 %)."""
    for floor in UPTIME_FLOORS:
        if floor < worst:
            return floor
    return 0.0


def nice_ceiling(value: float) -> float:
    """The least of 1, 2, 2.5 and 5 times a power of ten that is at or above ``value`` (at
    least 10): an axis's top that reads well, halved for the middle tick."""
    if value <= 10:
        return 10.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop's last step always fits


def day_labels(days: Sequence[date]) -> tuple[tuple[float, str], ...]:
    """At most 8 labels under the bars: the day of the month (``1``, ``8``...) within one
    month, with the month's name when the span runs over several."""
    if not days:
        return ()
    step = next(s for s in (1, 2, 7, 14, 28, 56, 91, 182, 364, 10**6) if len(days) / s <= 8)
    several = days[0].replace(day=1) != days[-1].replace(day=1)
    out = []
    for index in range(0, len(days), step):
        x, width = _slot(index, len(days))
        day = days[index]
        text = f"{day.day} {day.strftime('%b')}" if several else str(day.day)
        out.append((x + width / 2, text))
    return tuple(out)


def _slot(index: int, count: int, fill: float = BAR_FILL) -> tuple[float, float]:
    """The left edge and width of bar ``index`` of ``count``, centred in its slot."""
    slot = 1.0 / count
    return index * slot + slot * (1 - fill) / 2, slot * fill


def _percent(day: Day) -> str:
    return f"{uptime_text(day.monitored_ms, day.down_ms)} %"


def _number(value: float) -> str:
    """``99.5``, ``100``, ``250``: no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _day_words(day: date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"
