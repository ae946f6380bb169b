"""Maintenance windows and pauses: when a site is quiet (not checked, never blamed). Pure.

A window is a crontab line for its start plus a length: it starts at every minute its line names,
in local time, read by cronsim exactly as the schedule is (``core.schedule``: in the hour spring
skips, a start at a fixed time comes as soon as the clock is past the gap; in the hour autumn
repeats, it comes once), and it lasts ``minutes`` of real time (a 60-minute window across a
clock change is still 60 minutes long). Windows that follow on without a gap make one
maintenance. A pause is a site's (or all monitoring's) stop by hand: until a time, or until
resumed. Nothing here reads the clock: callers pass ``now``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from cronsim import CronSim, CronSimError

from .problems import json_type
from .schedule import line_problem

MINUTES_MAX = 10080  # a week
WINDOW_KEYS = ("schedule", "minutes")
_CHAIN_LIMIT = 50  # windows that follow on are merged up to this many times


@dataclass(frozen=True)
class Window:
    schedule: str  # a crontab line: when each window starts (local time)
    minutes: int  # how long each lasts, 1 to MINUTES_MAX

    def as_json(self) -> dict:
        return {"schedule": self.schedule, "minutes": self.minutes}

    def text(self) -> str:
        return f"{self.schedule} for {self.minutes} min"


@dataclass(frozen=True)
class Pause:
    until: datetime | None  # None: until resumed

    def active(self, now: datetime) -> bool:
        return self.until is None or now < self.until


# -- what a person gave -----------------------------------------------------------------------


def minutes_problem(value: object) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number of minutes (1 to {MINUTES_MAX}), not {json_type(value)}"
    if not 1 <= value <= MINUTES_MAX:
        return f"{value} is out of range; a window lasts 1 to {MINUTES_MAX} minutes (a week)"
    return None


def windows_problems(value: object) -> list[tuple[str, str]]:
    """Every problem of a ``maintenance`` list, each as (place under it, message): the place is
    ``""`` for the list itself, else e.g. ``[0].minutes``."""
    if not isinstance(value, list):
        return [("", f"must be a list of windows, not {json_type(value)}")]
    out: list[tuple[str, str]] = []
    for index, raw in enumerate(value):
        at = f"[{index}]"
        if not isinstance(raw, dict):
            out.append((at, f"must be an object with schedule and minutes, not {json_type(raw)}"))
            continue
        for key in raw:
            if key not in WINDOW_KEYS:
                out.append((f"{at}.{key}", "unknown key; known keys: schedule, minutes"))
        for key, check in (("schedule", line_problem), ("minutes", minutes_problem)):
            if key not in raw:
                out.append((f"{at}.{key}", "is missing"))
                continue
            problem = check(raw[key])
            if problem:
                out.append((f"{at}.{key}", problem))
    return out


def windows_of(value: Sequence[dict]) -> tuple[Window, ...]:
    """Windows from a checked list (see :func:`windows_problems`)."""
    return tuple(Window(raw["schedule"], raw["minutes"]) for raw in value)


def windows_json(windows: Sequence[Window]) -> str:
    """The stored text of a list of windows."""
    return json.dumps([w.as_json() for w in windows])


def windows_from_json(text: str | None) -> tuple[Window, ...]:
    """The windows stored as ``text``; a damaged value reads as none (and is never fatal)."""
    if not text or text == "[]":
        return ()
    try:
        raw = json.loads(text)
    except ValueError:
        return ()
    if windows_problems(raw):
        return ()
    return windows_of(raw)


# -- the rules --------------------------------------------------------------------------------


def window_end(window: Window, now: datetime, zone: tzinfo) -> datetime | None:
    """When the occurrence of ``window`` that covers ``now`` ends, or None when none does."""
    # cronsim's reverse walk gives the latest start strictly before its argument: one second
    # past now's whole second includes a start at this very minute
    # compared in UTC: two datetimes of the same zone compare by wall clock, fold ignored
    now = now.astimezone(UTC)
    length = timedelta(minutes=window.minutes)
    since = now - length  # a start at or before this has ended by now
    probe = (now.replace(microsecond=0) + timedelta(seconds=1)).astimezone(zone)
    try:
        found = next(CronSim(window.schedule, probe, reverse=True), None)
        start = None if found is None else found.astimezone(UTC)
        # The reverse walk reads the hour autumn repeats by its wall clock only (in the second
        # 02:20 it finds yesterday's 02:30, not today's first): walk forward, as the schedule
        # does, from there (or from the earliest start that could still cover now) to now.
        begin = since if start is None or start < since else start
        for following in CronSim(window.schedule, begin.astimezone(zone)):
            if following.astimezone(UTC) > now:
                break
            start = following.astimezone(UTC)
    except (CronSimError, ValueError):
        return None
    if start is None or start <= since:
        return None
    return start + length


def windows_end(windows: Sequence[Window], now: datetime, zone: tzinfo) -> datetime | None:
    """When the maintenance covering ``now`` ends (windows that follow on without a gap count
    as one), or None when no window covers ``now``."""
    end = max((e for w in windows if (e := window_end(w, now, zone)) is not None), default=None)
    if end is None:
        return None
    for _ in range(_CHAIN_LIMIT):
        later = max(
            (e for w in windows if (e := window_end(w, end, zone)) is not None), default=None
        )
        if later is None or later <= end:
            break
        end = later
    return end


@dataclass(frozen=True)
class Quiet:
    """A site in maintenance: until when (None: until resumed), and why."""

    until: datetime | None
    paused: bool  # by hand (its own pause or all monitoring's), else a window


def quiet(
    now: datetime,
    zone: tzinfo | None,
    windows: Sequence[Window] = (),
    pause: Pause | None = None,
    everything: Pause | None = None,
) -> Quiet | None:
    """Whether a site is in maintenance at ``now``: its own and its group's ``windows``, its own
    ``pause`` and all monitoring's (``everything``). When several apply, it lasts until the last
    of them ends. ``zone`` (the schedule's) is needed only when there are windows."""
    pauses = [p for p in (pause, everything) if p is not None and p.active(now)]
    end = windows_end(windows, now, zone) if windows and zone is not None else None
    if not pauses and end is None:
        return None
    if any(p.until is None for p in pauses):
        return Quiet(None, True)
    ends = [p.until for p in pauses if p.until is not None]
    if end is not None:
        ends.append(end)
    last = max(ends)
    return Quiet(last, bool(pauses))
