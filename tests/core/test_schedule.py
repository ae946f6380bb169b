"""Round times from a fixed "now": work hours, weekends, month ends and daylight-saving changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from djamon_desktop.core.schedule import DEFAULT_SCHEDULE, Schedule, line_problem
from djamon_desktop.errors import UserError

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")


def times(lines, after, count, zone=LONDON):
    return [t.strftime("%a %Y-%m-%d %H:%M") for t in Schedule(lines, zone).upcoming(after, count)]


def test_work_hours_end_at_17_on_a_friday():
    # 2026-11-27 is a Friday
    assert times(DEFAULT_SCHEDULE, datetime(2026, 11, 27, 16, 57), 5) == [
        "Fri 2026-11-27 16:58",
        "Fri 2026-11-27 16:59",
        "Fri 2026-11-27 17:00",
        "Fri 2026-11-27 17:05",
        "Fri 2026-11-27 17:10",
    ]


def test_work_hours_start_at_9_on_a_monday():
    assert times(DEFAULT_SCHEDULE, datetime(2026, 11, 30, 8, 50), 4) == [
        "Mon 2026-11-30 08:55",
        "Mon 2026-11-30 09:00",
        "Mon 2026-11-30 09:01",
        "Mon 2026-11-30 09:02",
    ]


def test_strictly_after_from():
    assert times(DEFAULT_SCHEDULE, datetime(2026, 11, 27, 10, 0), 1) == ["Fri 2026-11-27 10:01"]
    assert times(DEFAULT_SCHEDULE, datetime(2026, 11, 27, 10, 0, 30), 1) == ["Fri 2026-11-27 10:01"]


def test_weekend_is_every_five_minutes_all_day():
    got = times(DEFAULT_SCHEDULE, datetime(2026, 11, 28, 11, 58), 3)
    assert got == ["Sat 2026-11-28 12:00", "Sat 2026-11-28 12:05", "Sat 2026-11-28 12:10"]


def test_sunday_night_into_monday_morning():
    got = times(DEFAULT_SCHEDULE, datetime(2026, 11, 29, 23, 50), 3)
    assert got == ["Sun 2026-11-29 23:55", "Mon 2026-11-30 00:00", "Mon 2026-11-30 00:05"]


def test_month_and_year_ends():
    assert times(["0 0 1 * *"], datetime(2026, 1, 31, 12, 0), 2) == [
        "Sun 2026-02-01 00:00",
        "Sun 2026-03-01 00:00",
    ]
    assert times(["30 23 31 * *"], datetime(2026, 4, 1), 2) == [
        "Sun 2026-05-31 23:30",
        "Fri 2026-07-31 23:30",
    ]
    assert times(DEFAULT_SCHEDULE, datetime(2026, 12, 31, 23, 57), 2) == [
        "Fri 2027-01-01 00:00",
        "Fri 2027-01-01 00:05",
    ]


def test_leap_day():
    assert times(["0 12 29 2 *"], datetime(2026, 3, 1), 1) == ["Tue 2028-02-29 12:00"]


def test_lines_naming_the_same_minute_make_one_round():
    got = Schedule(["*/5 * * * *", "*/10 * * * *"], UTC).upcoming(datetime(2026, 1, 1), 4)
    assert [t.minute for t in got] == [5, 10, 15, 20]


def test_spring_forward_skips_no_round_and_keeps_real_time_pace():
    # Europe/London, 2026-03-29: 01:00 GMT becomes 02:00 BST (a Sunday: every 5 minutes)
    got = Schedule(DEFAULT_SCHEDULE, LONDON).upcoming(datetime(2026, 3, 29, 0, 50), 4)
    in_utc = [t.astimezone(UTC) for t in got]
    assert [t.strftime("%H:%M") for t in got] == ["00:55", "02:00", "02:05", "02:10"]
    gaps = {b - a for a, b in zip(in_utc, in_utc[1:], strict=False)}
    assert gaps == {timedelta(minutes=5)}


def test_spring_forward_runs_a_job_in_the_missing_hour_once_after_the_gap():
    # "30 1" never happens on 2026-03-29 in London: it runs at 02:00 BST, once
    got = Schedule(["30 1 * * *"], LONDON).upcoming(datetime(2026, 3, 28, 12, 0), 3)
    assert [t.strftime("%m-%d %H:%M") for t in got] == ["03-29 02:00", "03-30 01:30", "03-31 01:30"]


def test_fall_back_keeps_pace_and_never_runs_one_instant_twice():
    # 2026-10-25: 01:00-01:59 happens twice in London
    got = Schedule(DEFAULT_SCHEDULE, LONDON).upcoming(datetime(2026, 10, 25, 0, 50), 30)
    in_utc = [t.astimezone(UTC) for t in got]
    assert len(set(in_utc)) == len(in_utc)
    gaps = {b - a for a, b in zip(in_utc, in_utc[1:], strict=False)}
    assert gaps == {timedelta(minutes=5)}
    assert in_utc[-1] - in_utc[0] == timedelta(minutes=5 * 29)


def test_fall_back_runs_a_fixed_time_job_once():
    got = Schedule(["30 1 * * *"], LONDON).upcoming(datetime(2026, 10, 24, 12, 0), 3)
    assert [t.strftime("%m-%d %H:%M") for t in got] == ["10-25 01:30", "10-26 01:30", "10-27 01:30"]


def test_new_york_work_hours_across_dst_end():
    # 2026-11-01 02:00 EDT -> 01:00 EST; Monday 2026-11-02 09:00 local is 14:00 UTC
    got = Schedule(DEFAULT_SCHEDULE, NEW_YORK).upcoming(datetime(2026, 11, 2, 8, 59), 2)
    assert [t.astimezone(UTC).strftime("%H:%M") for t in got] == ["14:00", "14:01"]


def test_aware_from_is_converted_to_local():
    after = datetime(2026, 11, 27, 16, 58, tzinfo=ZoneInfo("Asia/Tokyo"))  # 07:58 in London
    assert times(DEFAULT_SCHEDULE, after, 1) == ["Fri 2026-11-27 08:00"]


@pytest.mark.parametrize(
    "line, words",
    [
        ("* * * *", "4 fields"),
        ("0 * * * * *", "6 fields"),
        ("61 * * * *", "bad minute"),
        ("* 24 * * *", "bad hour"),
        ("* * 32 * *", "bad day-of-month"),
        ("* * * 13 *", "bad month"),
        ("* * * * 8", "bad day-of-week"),
        ("0 0 30 2 *", "bad day-of-month"),
        ("every minute", "2 fields"),
    ],
)
def test_bad_lines_are_explained(line, words):
    problem = line_problem(line)
    assert problem is not None and words in problem


def test_a_schedule_needs_a_line():
    with pytest.raises(UserError, match="at least one"):
        Schedule([], UTC)
