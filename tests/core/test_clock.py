"""The one clock (core/clock): moments to stored milliseconds and back, by one rule."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

import pytest

from djamon_desktop.core import clock
from djamon_desktop.core.clock import EPOCH, from_ms, to_ms, utc_now
from djamon_desktop.store.models import UtcField

from ..test_layers import PACKAGE, imported


@pytest.mark.parametrize(
    ("moment", "ms"),
    [
        (EPOCH, 0),
        (datetime(2026, 11, 29, 3, 0, 7, tzinfo=UTC), 1_795_921_207_000),
        (datetime(2026, 11, 29, 3, 0, 7, 123_000, tzinfo=UTC), 1_795_921_207_123),
        (datetime(2026, 11, 29, 3, 0, 7, 123_400, tzinfo=UTC), 1_795_921_207_123),  # down
        (datetime(2026, 11, 29, 3, 0, 7, 123_600, tzinfo=UTC), 1_795_921_207_124),  # up
        (datetime(2026, 11, 29, 3, 59, 59, 999_700, tzinfo=UTC), 1_795_924_800_000),  # next hour
        (datetime(1969, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC), -1),
        (datetime(1969, 12, 31, 23, 59, 59, 998_600, tzinfo=UTC), -1),
        (datetime(1900, 1, 1, tzinfo=UTC), -2_208_988_800_000),
    ],
)
def test_to_ms_is_the_nearest_millisecond_since_the_epoch(moment, ms):
    assert to_ms(moment) == ms


def test_the_zone_of_a_moment_does_not_change_its_milliseconds():
    moment = datetime(2026, 3, 29, 1, 30, 0, 250_000, tzinfo=UTC)
    east = moment.astimezone(timezone(timedelta(hours=5, minutes=30)))
    assert to_ms(east) == to_ms(moment) == to_ms(moment.astimezone())


def test_a_naive_datetime_is_refused():
    with pytest.raises(ValueError, match="naive"):
        to_ms(datetime(2026, 11, 29, 3, 0, 7))


def test_from_ms_is_aware_utc_and_exact():
    assert from_ms(0) == EPOCH and from_ms(0).tzinfo is UTC
    assert from_ms(1_795_921_207_123) == datetime(2026, 11, 29, 3, 0, 7, 123_000, tzinfo=UTC)
    assert from_ms(-1) == datetime(1969, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC)
    # far past where a float of seconds keeps microseconds (a certificate's notAfter can be)
    late = datetime(9999, 12, 31, 23, 59, 59, 999_000, tzinfo=UTC)
    assert from_ms(to_ms(late)) == late


def test_whole_milliseconds_go_round_the_trip_unchanged_both_ways():
    rng = random.Random(7)
    for _ in range(20_000):
        ms = rng.randrange(-2_208_988_800_000, 7_258_118_400_000)  # 1900 to 2200
        assert to_ms(from_ms(ms)) == ms
        moment = from_ms(ms)
        assert from_ms(to_ms(moment)) == moment


def test_a_moment_with_microseconds_comes_back_within_half_a_millisecond():
    rng = random.Random(8)
    for _ in range(20_000):
        moment = EPOCH + timedelta(microseconds=rng.randrange(-(2**51), 2**52))
        back = from_ms(to_ms(moment))
        assert abs(back - moment) <= timedelta(microseconds=500), moment
        assert back.microsecond % 1000 == 0


def test_from_ms_is_the_moment_the_float_of_seconds_gave_before_2200():
    """What the store read with until now: ``datetime.fromtimestamp(ms / 1000, tz=UTC)``."""
    rng = random.Random(9)
    for _ in range(20_000):
        ms = rng.randrange(-2_208_988_800_000, 7_258_118_400_000)
        assert from_ms(ms) == datetime.fromtimestamp(ms / 1000, tz=UTC)


def test_to_ms_is_what_the_stored_time_columns_hold():
    """The column the rows are read back through writes by this same rule, ties included."""
    rng = random.Random(10)
    field = UtcField()
    for _ in range(20_000):
        us = rng.choice([500, rng.randrange(1000)])
        moment = EPOCH + timedelta(milliseconds=rng.randrange(0, 2**41), microseconds=us)
        assert to_ms(moment) == field.db_value(moment) == round(moment.timestamp() * 1000)


def test_utc_now_is_aware_utc_and_now():
    before = datetime.now(UTC)
    now = utc_now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)


def test_the_clock_is_the_bottom_floor():
    """core/clock imports nothing of the package, so any layer may use it."""
    names = imported(PACKAGE / "core" / "clock.py")
    assert not [name for name in names if name.startswith("djamon_desktop")], names
    assert clock.__all__ == ["EPOCH", "Clock", "from_ms", "to_ms", "utc_now"]
