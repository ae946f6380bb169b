"""The one clock, and the one way a moment becomes the milliseconds the database keeps.

This is the bottom floor: it imports nothing else of the package, so every layer (core, store,
cycle, cli, gui) can use it. Code that reads the time takes a :data:`Clock` as a parameter,
with :func:`utc_now` as its default, so a test drives it with a clock of its own instead of
waiting for the wall clock.

One rounding rule, the nearest millisecond (:func:`to_ms`). It is the rule every stored time
column was written with (``UtcField``, the round's bulk rows, the fixture import), so stored
values stay what they were. Two places used to truncate instead (the hour of a check, the purge's
cutoff): a check in the last half millisecond of an hour was stored at the next hour's first
millisecond yet summed into the hour before. With one rule a check's hour is the hour of its
stored time.

The rule is kept to the letter, ``round(moment.timestamp() * 1000)``, float product and all: on
an exact half millisecond (a microsecond count ending in 500) that product falls either side of
the tie, and an exact integer rounding would store some such moments one millisecond apart from
where earlier versions stored them. Away from the tie the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

__all__ = ["EPOCH", "Clock", "from_ms", "to_ms", "utc_now"]

#: something that tells the time: an aware datetime, in UTC for the real one
Clock = Callable[[], datetime]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def utc_now() -> datetime:
    """The wall clock, aware, in UTC: the default :data:`Clock`."""
    return datetime.now(UTC)


def to_ms(moment: datetime) -> int:
    """``moment`` as whole milliseconds since the epoch, to the nearest one (see the module's
    docstring for why exactly this way). A naive datetime is refused: whose local time it is
    can't be known."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("naive datetimes are not stored; pass an aware one")
    return round(moment.timestamp() * 1000)


def from_ms(ms: int) -> datetime:
    """Milliseconds since the epoch as an aware UTC datetime. Counted in whole units, not through
    a float of seconds: the same moment the float gave for every time before the year 2200, and
    still exact after it, where the float's seconds lose their microseconds."""
    return EPOCH + timedelta(milliseconds=ms)
