"""Quiet hours: which alerts wait in the outbox, and until when. Pure.

Quiet hours are windows as maintenance ones are (``core.maintenance``: a crontab line for each
start, read in local time, and a length in minutes; windows that follow on without a gap make
one). While one is on, the alerts of an outage whose primary site is not ``critical`` wait until
it ends, and then go out as one digest per channel; a critical outage pages at once. The
moment that counts is the alert's own (the round that opened or closed the outage, or the
reminder's): an alert written outside every window goes at once, whatever was held before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, tzinfo

from .maintenance import Window, windows_end

#: the priority that is never held
CRITICAL = "critical"


def held_until(
    windows: Sequence[Window], now: datetime, zone: tzinfo | None, primary_priority: str
) -> datetime | None:
    """Until when an alert written at ``now`` about an outage whose primary site has
    ``primary_priority`` (its name: ``critical``, ``high``...) waits, or None: it goes at once."""
    if not windows or zone is None or primary_priority == CRITICAL:
        return None
    return windows_end(windows, now, zone)


@dataclass(frozen=True)
class HeldOutage:
    """One outage whose alerts were held, as the digest lists it."""

    code: str
    start: datetime
    end: datetime | None  # None: still down when the digest was written
    sites: tuple[str, ...]  # titles, the primary first
