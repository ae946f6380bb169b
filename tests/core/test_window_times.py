"""When quiet hours (or any windows) are next on, in the words Settings shows under the list."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from djamon_desktop.core.maintenance import Window
from djamon_desktop.core.window_times import next_windows, next_windows_text, windows_preview

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_NOON = datetime(2026, 11, 2, 12, 0, tzinfo=BERLIN)
EVENINGS = [Window("0 18 * * 1-5", 900)]  # weekday evenings until 09:00


def test_the_next_windows_in_local_time():
    assert next_windows_text(EVENINGS, MONDAY_NOON, BERLIN) == (
        "Next: Mon 18:00–Tue 09:00, Tue 18:00–Wed 09:00, Wed 18:00–Thu 09:00"
    )
    # Friday's runs into Saturday; none starts at the weekend
    friday = datetime(2026, 11, 6, 12, 0, tzinfo=BERLIN)
    assert next_windows_text(EVENINGS, friday, BERLIN, count=2) == (
        "Next: Fri 18:00–Sat 09:00, Mon 18:00–Tue 09:00"
    )


def test_one_on_now_says_until_when():
    evening = datetime(2026, 11, 2, 20, 0, tzinfo=BERLIN)
    assert next_windows_text(EVENINGS, evening, BERLIN) == (
        "On now until Tue 09:00; next: Tue 18:00–Wed 09:00, Wed 18:00–Thu 09:00"
    )
    start, end = next_windows(EVENINGS, evening, BERLIN, count=1)[0]
    assert start is None and end == datetime(2026, 11, 3, 9, 0, tzinfo=BERLIN)


def test_windows_that_follow_on_are_one():
    mornings = [*EVENINGS, Window("0 9 * * 2-5", 60)]  # on until 10:00 on weekdays
    assert next_windows_text(mornings, MONDAY_NOON, BERLIN, count=2) == (
        "Next: Mon 18:00–Tue 10:00, Tue 18:00–Wed 10:00"
    )
    # one that never ends stops at a bound, and never loops
    always = [Window("* * * * *", 60)]
    assert next_windows_text(always, MONDAY_NOON, BERLIN).startswith("On now until ")


def test_across_the_clock_change_the_length_is_real_time():
    # Berlin goes back an hour in the night to Sunday 2026-10-25: 120 minutes from 01:00 end
    # at 02:00 by the clock
    saturday = datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)
    assert next_windows_text([Window("0 1 * * 0", 120)], saturday, BERLIN, count=1) == (
        "Next: Sun 01:00–Sun 02:00"
    )


def test_the_form_preview_names_a_bad_window():
    now = MONDAY_NOON
    assert windows_preview([], now, BERLIN, none="No quiet hours.") == "No quiet hours."
    good = {"schedule": "0 18 * * 1-5", "minutes": 900}
    assert windows_preview([good], now, BERLIN).startswith("Next: Mon 18:00–Tue 09:00")
    bad = windows_preview([good, {"schedule": "0 25 * * *", "minutes": 60}], now, BERLIN)
    assert bad.startswith("Window 2: ") and "25" in bad
    long = windows_preview([{"schedule": "0 18 * * *", "minutes": 10081}], now, BERLIN)
    assert long.startswith("Window 1: 10081 is out of range")
