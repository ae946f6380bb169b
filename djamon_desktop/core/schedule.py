"""Crontab lines -> the times rounds run at.

A round runs at every minute that any line matches, in local time. Parsing and matching are
cronsim's (it follows Debian cron, daylight-saving quirks included): in the hour that spring
skips, a job at a fixed time runs as soon as the clock is past the gap; in the hour that autumn
repeats, a fixed-time job runs once while every-N-minutes lines keep their pace in real time.
Several lines naming the same instant make one round. Nothing here reads the clock: callers pass
"after".
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from ..errors import UserError

DEFAULT_SCHEDULE: tuple[str, ...] = (
    "*/1 9-16 * * 1-5",
    "*/5 0-8 * * 1-5",
    "*/5 17-23 * * 1-5",
    "*/5 * * * 0,6",
)

# A probe instant far from any daylight-saving change, used only to see whether a line parses.
_PROBE = datetime(2001, 1, 1, tzinfo=UTC)


def line_problem(line: object) -> str | None:
    """What is wrong with one crontab line, or None when it is good."""
    if not isinstance(line, str):
        return "must be a string"
    fields = line.split()
    if len(fields) != 5:
        return (
            f"{line!r} has {len(fields)} fields; a crontab line has 5 "
            "(minute hour day-of-month month day-of-week)"
        )
    try:
        CronSim(line, _PROBE)
    except CronSimError as exc:
        return f"{line!r}: {str(exc).lower() or 'not a crontab line'}"
    except (ValueError, IndexError, KeyError):
        return f"{line!r} is not a crontab line"
    return None


def local_zone() -> tzinfo:
    """The zone the schedule is read in: TZ when set, else the system's."""
    import os
    from zoneinfo import ZoneInfo

    import tzlocal

    name = os.environ.get("TZ", "").lstrip(":")
    if name:
        try:
            return ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise UserError(
                f"TZ: {name!r} is not a known time zone (use a name such as Europe/London)"
            ) from None
    try:
        return tzlocal.get_localzone()
    except (ZoneInfoNotFoundError, ValueError, LookupError):
        raise UserError(
            "the local time zone can't be found; set TZ to a name such as Europe/London"
        ) from None


class Schedule:
    """A set of crontab lines in one time zone."""

    def __init__(self, lines: Sequence[str], zone: tzinfo):
        if not lines:
            raise UserError("schedule: at least one crontab line is needed")
        for index, line in enumerate(lines):
            problem = line_problem(line)
            if problem:
                raise UserError(f"schedule[{index}]: {problem}")
        self.lines = tuple(lines)
        self.zone = zone

    def iter_after(self, after: datetime) -> Iterator[datetime]:
        """Round times strictly after ``after``, in order, as aware local datetimes.

        A naive ``after`` is taken as local time in the schedule's zone.
        """
        start = after.replace(tzinfo=self.zone) if after.tzinfo is None else after
        start = start.astimezone(self.zone)
        heads: list[tuple[datetime, int, datetime, Iterator[datetime]]] = []
        for index, line in enumerate(self.lines):
            it = CronSim(line, start)
            first = next(it, None)
            if first is not None:
                heads.append((first.astimezone(UTC), index, first, it))
        heapq.heapify(heads)
        last: datetime | None = None
        while heads:
            instant, index, local, it = heads[0]
            following = next(it, None)
            if following is None:
                heapq.heappop(heads)
            else:
                heapq.heapreplace(heads, (following.astimezone(UTC), index, following, it))
            if instant != last:  # two lines naming the same instant make one round
                last = instant
                yield local

    def upcoming(self, after: datetime, count: int) -> list[datetime]:
        out: list[datetime] = []
        for when in self.iter_after(after):
            out.append(when)
            if len(out) >= count:
                break
        return out

    def next_after(self, after: datetime) -> datetime | None:
        return next(self.iter_after(after), None)
