"""Stretches of time as the report counts them: half-open intervals ``(start, end)`` of whole
milliseconds, joined, cut, taken from each other and cut into days (used by
:mod:`.report_counting`). Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

Interval = tuple[int, int]


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, overlapping or touching ones joined, empty ones dropped."""
    out: list[list[int]] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1][1] = max(out[-1][1], end)
        else:
            out.append([start, end])
    return [(a, b) for a, b in out]


def clipped(intervals: Iterable[Interval], lo: int, hi: int) -> list[Interval]:
    return [(max(a, lo), min(b, hi)) for a, b in intervals if min(b, hi) > max(a, lo)]


def minus(whole: Interval, holes: Sequence[Interval]) -> list[Interval]:
    """``whole`` less the (merged, sorted) ``holes``."""
    out, at = [], whole[0]
    for a, b in holes:
        if b <= at or a >= whole[1]:
            continue
        if a > at:
            out.append((at, a))
        at = max(at, b)
    if at < whole[1]:
        out.append((at, whole[1]))
    return out


def overlap(intervals: Sequence[Interval], other: Sequence[Interval]) -> list[Interval]:
    """Where two merged, sorted lists of intervals both are."""
    out, i, j = [], 0, 0
    while i < len(intervals) and j < len(other):
        a = max(intervals[i][0], other[j][0])
        b = min(intervals[i][1], other[j][1])
        if b > a:
            out.append((a, b))
        if intervals[i][1] < other[j][1]:
            i += 1
        else:
            j += 1
    return out


def length(intervals: Iterable[Interval]) -> int:
    return sum(b - a for a, b in intervals)


def by_day(intervals: Sequence[Interval], days: Sequence[tuple[date, int, int]]) -> list[int]:
    """How much of the (merged, sorted) ``intervals`` falls in each of the (following on)
    ``days``: ``length(clipped(intervals, start, end))`` for each, in one walk over both."""
    out = [0] * len(days)
    first = 0
    for a, b in intervals:
        while first < len(days) and days[first][2] <= a:
            first += 1
        index = first
        while index < len(days) and days[index][1] < b:
            part = min(b, days[index][2]) - max(a, days[index][1])
            if part > 0:
                out[index] += part
            index += 1
    return out
