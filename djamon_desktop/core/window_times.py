"""When a list of windows (quiet hours, a site's maintenance) is next on, in words a person can
check a crontab line against: ``Next: Mon 18:00–Tue 09:00, Tue 18:00–Wed 09:00``. Settings shows
it under the list as it is edited. Windows that follow on without a gap count as one, as
``core.maintenance`` has them. Pure: callers pass ``now`` and the zone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo

from cronsim import CronSim, CronSimError

from .maintenance import Window, windows_end, windows_of, windows_problems
from .schedule import line_problem

_STEPS = 20  # windows looked for at most (a chain that never ends stops here)


def _next_start(windows: Sequence[Window], after: datetime, zone: tzinfo) -> datetime | None:
    """The first start of any window strictly after ``after`` (UTC), or None."""
    starts = []
    local = after.astimezone(zone)
    for window in windows:
        try:
            found = next(CronSim(window.schedule, local), None)
        except (CronSimError, ValueError):
            continue
        if found is not None:
            starts.append(found.astimezone(UTC))
    return min(starts, default=None)


def next_windows(
    windows: Sequence[Window], now: datetime, zone: tzinfo, count: int = 3
) -> list[tuple[datetime | None, datetime]]:
    """The next ``count`` times the windows are on, as (start, end) in UTC; the first has start
    None when one is on at ``now`` (it runs until its end)."""
    out: list[tuple[datetime | None, datetime]] = []
    if not windows:
        return out
    at = now.astimezone(UTC)
    current = windows_end(windows, at, zone)
    if current is not None:
        out.append((None, current))
        at = current
    for _ in range(_STEPS):
        if len(out) >= count:
            break
        # a start at the very end of the last one carries it on (a chain longer than
        # windows_end follows): found from a second before
        start = _next_start(windows, at - timedelta(seconds=1), zone)
        if start is None:
            break
        end = windows_end(windows, start, zone) or start
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
        at = max(end, at + timedelta(minutes=1))
    return out


def _moment(when: datetime, zone: tzinfo) -> str:
    return when.astimezone(zone).strftime("%a %H:%M")


def next_windows_text(
    windows: Sequence[Window], now: datetime, zone: tzinfo, count: int = 3, none: str = ""
) -> str:
    """``Next: Mon 18:00–Tue 09:00, …`` (``On now until Tue 09:00; next: …`` while one is on),
    or ``none`` when there are no windows."""
    for window in windows:
        problem = line_problem(window.schedule)
        if problem:
            return f"{window.schedule!r}: {problem}"
    times = next_windows(windows, now, zone, count)
    if not times:
        return none
    words = []
    lead = "Next: "
    for start, end in times:
        if start is None:
            lead = f"On now until {_moment(end, zone)}; next: "
            continue
        words.append(f"{_moment(start, zone)}–{_moment(end, zone)}")
    return lead + ", ".join(words) if words else lead.split(";")[0]


def windows_preview(
    windows: list[dict], now: datetime, zone: tzinfo, count: int = 3, none: str = ""
) -> str:
    """:func:`next_windows_text` of windows as a form holds them (``{"schedule", "minutes"}``),
    or what is wrong with the first bad one (``Window 2: ...``)."""
    problems = windows_problems(windows)
    if problems:
        under, message = problems[0]
        index = int(under[1 : under.index("]")]) if under.startswith("[") else 0
        return f"Window {index + 1}: {message}"
    return next_windows_text(windows_of(windows), now, zone, count, none)
