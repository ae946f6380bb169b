"""Maintenance windows and pauses, the pure rules, with the time passed in (no clock read)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from djamon_desktop.core.maintenance import (
    Pause,
    Quiet,
    Window,
    quiet,
    window_end,
    windows_end,
    windows_from_json,
    windows_json,
    windows_problems,
)

LONDON = ZoneInfo("Europe/London")
BERLIN = ZoneInfo("Europe/Berlin")


def local(zone, *fields, fold=0) -> datetime:
    return datetime(*fields, tzinfo=zone, fold=fold)


NIGHTLY = Window("30 23 * * *", 90)  # 23:30 to 01:00, across midnight


@pytest.mark.parametrize(
    ("moment", "inside"),
    [
        ((2026, 11, 27, 23, 29, 59), False),
        ((2026, 11, 27, 23, 30, 0), True),  # the minute it starts
        ((2026, 11, 27, 23, 59, 0), True),
        ((2026, 11, 28, 0, 30, 0), True),  # past midnight: the window that started yesterday
        ((2026, 11, 28, 0, 59, 59), True),
        ((2026, 11, 28, 1, 0, 0), False),  # its end is not in it
        ((2026, 11, 28, 12, 0, 0), False),
    ],
)
def test_a_window_that_spans_midnight(moment, inside):
    now = local(LONDON, *moment)
    end = window_end(NIGHTLY, now, LONDON)
    assert (end is not None) is inside
    if inside:
        assert end == local(LONDON, 2026, 11, 28, 1, 0) or end == local(LONDON, 2026, 11, 29, 1, 0)
        assert end - now <= timedelta(minutes=90)


def test_the_sunday_backup_window_only_on_sundays():
    sunday = Window("0 2 * * 0", 60)
    assert window_end(sunday, local(LONDON, 2026, 11, 29, 2, 30), LONDON) == local(
        LONDON, 2026, 11, 29, 3, 0
    )
    assert window_end(sunday, local(LONDON, 2026, 11, 28, 2, 30), LONDON) is None  # Saturday


def test_spring_forward_the_skipped_start_comes_past_the_gap_and_lasts_real_minutes():
    # Berlin, 29 March 2026: 02:00 jumps to 03:00. "30 2" comes at 03:00 (as the schedule's
    # rounds do) and lasts 60 real minutes.
    window = Window("30 2 * * *", 60)
    assert window_end(window, local(BERLIN, 2026, 3, 29, 1, 59), BERLIN) is None
    end = window_end(window, local(BERLIN, 2026, 3, 29, 3, 30), BERLIN)
    assert end == local(BERLIN, 2026, 3, 29, 4, 0)
    assert window_end(window, local(BERLIN, 2026, 3, 29, 4, 0), BERLIN) is None


def test_autumn_back_a_fixed_start_comes_once_and_lasts_real_minutes():
    # Berlin, 25 October 2026: 03:00 goes back to 02:00, so 02:30 happens twice; the window
    # starts at the first and lasts 60 real minutes: to the second 02:30.
    window = Window("30 2 * * *", 60)
    first = local(BERLIN, 2026, 10, 25, 2, 45, fold=0)  # summer time, +02:00
    end = window_end(window, first, BERLIN)
    assert end == datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 winter time
    second = local(BERLIN, 2026, 10, 25, 2, 20, fold=1)  # winter time, before the end
    assert window_end(window, second, BERLIN) == end
    later = local(BERLIN, 2026, 10, 25, 2, 45, fold=1)  # the second 02:45: no new window
    assert window_end(window, later, BERLIN) is None


def test_windows_that_follow_on_make_one_maintenance():
    windows = [Window("0 2 * * *", 60), Window("0 3 * * *", 30)]
    now = local(LONDON, 2026, 11, 27, 2, 10)
    assert windows_end(windows, now, LONDON) == local(LONDON, 2026, 11, 27, 3, 30)
    assert windows_end(windows, local(LONDON, 2026, 11, 27, 3, 30), LONDON) is None


def test_a_group_window_applies_to_its_sites_with_their_own():
    group = (Window("0 2 * * 0", 60),)
    own = (Window("0 12 * * *", 15),)
    sunday_night = local(LONDON, 2026, 11, 29, 2, 5)
    assert quiet(sunday_night, LONDON, own + group) == Quiet(
        local(LONDON, 2026, 11, 29, 3, 0), False
    )
    assert quiet(local(LONDON, 2026, 11, 29, 12, 5), LONDON, own + group) is not None
    assert quiet(local(LONDON, 2026, 11, 29, 13, 0), LONDON, own + group) is None


def test_a_pause_until_a_time_and_one_until_resumed():
    now = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)
    later = now + timedelta(minutes=30)
    assert quiet(now, None, pause=Pause(later)) == Quiet(later, True)
    assert quiet(later, None, pause=Pause(later)) is None  # ran out
    assert quiet(now, None, pause=Pause(None)) == Quiet(None, True)
    assert quiet(now + timedelta(days=400), None, pause=Pause(None)) == Quiet(None, True)
    assert quiet(now, None, everything=Pause(later)) == Quiet(later, True)
    assert quiet(now, None) is None


def test_pause_and_window_together_last_until_the_later_ends():
    now = local(LONDON, 2026, 11, 27, 2, 10)
    window = (Window("0 2 * * *", 60),)
    pause = Pause(local(LONDON, 2026, 11, 27, 2, 30))
    assert quiet(now, LONDON, window, pause).until == local(LONDON, 2026, 11, 27, 3, 0)
    assert quiet(now, LONDON, window, Pause(None)).until is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([{"schedule": "0 2 * * 0", "minutes": 60}], []),
        ([{"schedule": "0 2 * * 0", "minutes": 0}], [("[0].minutes", "0 is out of range")]),
        ([{"schedule": "0 2 * * 0", "minutes": 20000}], [("[0].minutes", "20000 is out")]),
        ([{"schedule": "0 2 * * 0", "minutes": 1.5}], [("[0].minutes", "must be a whole")]),
        ([{"schedule": "0 2 * *", "minutes": 5}], [("[0].schedule", "'0 2 * *' has 4 fields")]),
        ([{"schedule": "0 25 * * *", "minutes": 5}], [("[0].schedule", "'0 25 * * *'")]),
        ([{"minutes": 5, "length": 3}], [("[0].length", "unknown key"), ("[0].schedule", "is")]),
        ("0 2 * * 0", [("", "must be a list of windows")]),
        ([7], [("[0]", "must be an object")]),
    ],
)
def test_bad_windows_are_named_by_their_place(value, expected):
    found = windows_problems(value)
    assert len(found) == len(expected), found
    pairs = zip(found, expected, strict=True)
    assert [(at, msg[: len(start)]) for (at, msg), (_, start) in pairs] == expected


def test_windows_are_stored_as_json_and_damaged_text_reads_as_none():
    windows = (Window("0 2 * * 0", 60),)
    assert windows_from_json(windows_json(windows)) == windows
    assert windows_from_json("not json") == ()
    assert windows_from_json('[{"schedule": "x"}]') == ()
    assert windows_from_json("[]") == ()


# -- the tray's words ----------------------------------------------------------------------------


def test_the_tray_is_never_red_for_a_site_in_maintenance():
    from djamon_desktop.core.status import OpenOutage, SiteAtGlance, overview

    ends = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)
    clock = ends.astimezone().strftime("%H:%M")
    pay = SiteAtGlance("Payments", True, "maintenance", 3, site_id=1, quiet_until=ends)
    blog = SiteAtGlance("Blog", True, "up", 0, site_id=2)
    shop = SiteAtGlance("Shop", True, "down", 3, site_id=3)
    outage = OpenOutage("ABCDEFGH", ends - timedelta(hours=2), ["Payments"], [1])

    alone = overview([pay], outage, True)
    assert alone.state == "idle"
    assert alone.text == f"Maintenance: Payments until {clock} (outage ABCDEFGH stays open)"
    with_blog = overview([pay, blog], None, True)
    assert with_blog.state == "up"
    assert (
        with_blog.text == f"Blog is up (the only active site); maintenance: Payments until {clock}"
    )
    both = OpenOutage("ABCDEFGH", ends, ["Payments", "Shop"], [1, 3])
    assert overview([pay, shop, blog], both, True).state == "down"  # Shop is not in maintenance
    paused = SiteAtGlance("Payments", True, "maintenance", 0, site_id=1)
    assert overview([paused], None, True).text == "Maintenance: Payments until resumed"
