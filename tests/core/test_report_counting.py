"""The counting rules of an uptime report (core/report_counting.py, report_model.RULES in words)
as pure functions: intervals (core/report_intervals.py), maintenance windows across clock
changes, nearest-rank percentiles, outages crossing the span's edges or still open, pauses with
no end, a site added mid-span, the days of a month with a 23-hour day, and group totals that
count a shared outage once. Every input is written out here, every figure worked out by hand."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from djamon_desktop.core.clock import to_ms
from djamon_desktop.core.maintenance import Window, window_end
from djamon_desktop.core.report_counting import (
    HOUR_MS,
    HourSum,
    OutagePart,
    SiteInput,
    build_report,
    count_site,
    day_bounds,
    maintenance_intervals,
    nearest_rank,
    site_figures,
    times_of,
)
from djamon_desktop.core.report_intervals import clipped, length, merged, minus, overlap
from djamon_desktop.core.report_model import days_span, month_span

LONDON = ZoneInfo("Europe/London")
MIN = 60_000
DAY = 24 * HOUR_MS


def ms(*parts: int) -> int:
    """A moment in UTC as ms: ms(2026, 3, 29, 1) is 01:00 UTC on 29 March 2026."""
    return to_ms(datetime(*parts, tzinfo=UTC))


def site(**given) -> SiteInput:
    fields = dict(
        site_id=1,
        group="G",
        title="A",
        url="https://a.example/",
        active=True,
        monitored_since_ms=None,
        not_monitored=(),
        maintenance=(),
        outages=(),
        hours=(),
    )
    fields.update(given)
    return SiteInput(**fields)


def hour(at_ms: int, checks: int = 60, good: int = 60, times: str = "") -> HourSum:
    values = [int(t) for t in times.split()]
    return HourSum(at_ms // HOUR_MS, checks, good, float(sum(values)), times)


# -- intervals --------------------------------------------------------------------------------


def test_merged_sorts_joins_overlapping_and_touching_and_drops_empty_ones():
    assert merged([(50, 60), (10, 20), (20, 30), (25, 27), (40, 40), (45, 44)]) == [
        (10, 30),
        (50, 60),
    ]
    assert merged([]) == []


def test_clipped_keeps_only_the_parts_inside():
    assert clipped([(0, 10), (15, 25), (30, 40), (40, 50)], 5, 40) == [(5, 10), (15, 25), (30, 40)]


def test_minus_takes_out_holes_at_the_edges_inside_and_beyond():
    assert minus((10, 100), [(0, 15), (30, 40), (40, 45), (90, 200)]) == [(15, 30), (45, 90)]
    assert minus((10, 100), [(0, 100)]) == []
    assert minus((10, 100), []) == [(10, 100)]
    assert minus((10, 10), []) == []


def test_overlap_of_two_lists_and_their_length():
    a = [(0, 10), (20, 30), (40, 50)]
    b = [(5, 25), (28, 45)]
    assert overlap(a, b) == [(5, 10), (20, 25), (28, 30), (40, 45)]
    assert length(overlap(a, b)) == 5 + 5 + 2 + 5
    assert overlap(a, []) == []


# -- maintenance across clock changes ---------------------------------------------------------


def test_a_window_in_the_night_spring_skips_is_as_long_in_real_time():
    # 29 March 2026, Europe/London: 01:00 GMT jumps to 02:00 BST. A 120-minute window from
    # 00:30 local starts at 00:30 UTC and lasts 120 real minutes (to 03:30 BST); the days
    # before and after it start at 00:30 GMT and 23:30 UTC (00:30 BST)
    found = maintenance_intervals(
        (Window("30 0 * * *", 120),), ms(2026, 3, 28), ms(2026, 3, 31), LONDON
    )
    assert found == (
        (ms(2026, 3, 28, 0, 30), ms(2026, 3, 28, 2, 30)),
        (ms(2026, 3, 29, 0, 30), ms(2026, 3, 29, 2, 30)),
        (ms(2026, 3, 29, 23, 30), ms(2026, 3, 30, 1, 30)),
        (ms(2026, 3, 30, 23, 30), ms(2026, 3, 31)),  # cut at the span's end
    )


def test_a_window_at_a_time_spring_skips_comes_once_the_clock_is_past_the_gap():
    # 01:30 local does not exist on 29 March 2026: the window comes at 02:00 BST (01:00 UTC)
    found = maintenance_intervals(
        (Window("30 1 * * *", 60),), ms(2026, 3, 29), ms(2026, 3, 30), LONDON
    )
    assert found == ((ms(2026, 3, 29, 1), ms(2026, 3, 29, 2)),)


def test_a_window_at_a_time_autumn_repeats_comes_once():
    # 25 October 2026: 02:00 BST goes back to 01:00 GMT, so 01:30 local happens twice
    found = maintenance_intervals(
        (Window("30 1 * * *", 60),), ms(2026, 10, 25), ms(2026, 10, 26), LONDON
    )
    assert found == ((ms(2026, 10, 25, 0, 30), ms(2026, 10, 25, 1, 30)),)


@pytest.mark.parametrize("day", [date(2026, 3, 29), date(2026, 10, 25)])
@pytest.mark.parametrize(
    "window",
    [
        Window("30 0 * * *", 120),
        Window("30 1 * * *", 60),
        Window("*/20 1 * * *", 30),
        Window("59 23 * * *", 3),
        Window("0 * * * *", 15),
    ],  # fmt: skip
)
def test_windows_cover_exactly_the_minutes_the_rounds_keep_quiet(day, window):
    """The report's maintenance is the rounds' (core.maintenance.window_end), minute by minute,
    over a day with a clock change and its neighbours."""
    lo = to_ms(datetime.combine(day, datetime.min.time(), UTC) - timedelta(days=1))
    hi = lo + 3 * DAY
    found = maintenance_intervals((window,), lo, hi, LONDON)
    for at in range(lo, hi, MIN):
        moment = datetime.fromtimestamp(at / 1000, UTC)
        quiet = window_end(window, moment, LONDON) is not None
        assert quiet == any(a <= at < b for a, b in found), moment


def test_a_bad_window_counts_for_nothing_and_windows_that_meet_make_one():
    windows = (Window("not a line", 30), Window("0 9 * * *", 60), Window("0 10 * * *", 30))
    found = maintenance_intervals(windows, ms(2026, 1, 5), ms(2026, 1, 6), LONDON)
    assert found == ((ms(2026, 1, 5, 9), ms(2026, 1, 5, 10, 30)),)


# -- percentiles ------------------------------------------------------------------------------


def test_nearest_rank_of_one_time():
    times = Counter({120: 1})
    assert nearest_rank(times, 50) == 120
    assert nearest_rank(times, 95) == 120


def test_nearest_rank_of_two_times_median_is_the_lower_p95_the_higher():
    times = Counter({100: 1, 300: 1})
    assert nearest_rank(times, 50) == 100  # rank ceil(1.0) = 1
    assert nearest_rank(times, 95) == 300  # rank ceil(1.9) = 2


def test_nearest_rank_of_twenty_times_is_rank_10_and_19():
    times = Counter(range(1, 21))  # 1..20, once each
    assert nearest_rank(times, 50) == 10
    assert nearest_rank(times, 95) == 19  # not 20: 0.95 x 20 is 19 exactly


def test_nearest_rank_counts_ties_each_time():
    # 40 x 3, 50 x 1, 70 x 16 (n = 20): ranks 1-3 are 40, 4 is 50, 5-20 are 70
    times = Counter({40: 3, 50: 1, 70: 16})
    assert nearest_rank(times, 10) == 40  # rank 2
    assert nearest_rank(times, 20) == 50  # rank 4
    assert nearest_rank(times, 50) == 70
    assert nearest_rank(Counter(), 50) is None


def test_times_of_reads_every_hours_times_and_counts_repeats():
    hours = [hour(0, times="120 80 120"), hour(HOUR_MS, times=""), hour(2 * HOUR_MS, times="80")]
    assert times_of(hours) == Counter({120: 2, 80: 2})


# -- one site ---------------------------------------------------------------------------------


def test_an_outage_crossing_both_edges_counts_once_with_only_its_part_inside():
    lo, hi = ms(2026, 3, 1), ms(2026, 4, 1)
    part = OutagePart(7, ms(2026, 2, 28, 23), ms(2026, 4, 1, 2))
    figures = count_site(site(outages=(part,)), lo, hi, ms(2026, 5, 1), UTC).figures
    assert figures.monitored_ms == hi - lo
    assert figures.down_ms == hi - lo
    assert figures.longest_down_ms == hi - lo
    assert figures.outages == 1
    assert figures.uptime_text() == "0.00"


def test_outages_before_or_after_the_span_do_not_count_one_at_its_start_does():
    lo, hi = ms(2026, 3, 1), ms(2026, 3, 2)
    parts = (
        OutagePart(1, ms(2026, 2, 27), lo),  # ends as the span starts
        OutagePart(2, hi, hi + HOUR_MS),  # starts as it ends
        OutagePart(3, lo, lo + 90_000),  # the first 90 s
    )
    figures = count_site(site(outages=parts), lo, hi, hi, UTC).figures
    assert (figures.outages, figures.down_ms, figures.longest_down_ms) == (1, 90_000, 90_000)
    assert figures.uptime_text() == "99.90"  # 1 - 90 / 86,400 = 99.896 %


def test_an_open_outage_counts_to_now_and_monitoring_ends_now():
    lo, hi = ms(2026, 3, 1), ms(2026, 4, 1)
    now = ms(2026, 3, 10, 12)
    part = OutagePart(3, ms(2026, 3, 10, 11, 30), None)
    figures = count_site(site(outages=(part,)), lo, hi, now, UTC).figures
    assert figures.monitored_ms == now - lo
    assert figures.down_ms == 30 * MIN
    assert figures.outages == 1


def test_a_pause_with_no_end_is_not_monitored_from_its_start_to_now():
    lo, hi = ms(2026, 3, 1), ms(2026, 4, 1)
    now = ms(2026, 3, 20)
    paused = site(
        not_monitored=((ms(2026, 3, 15), None), (ms(2026, 3, 2), ms(2026, 3, 3))),
        outages=(OutagePart(1, ms(2026, 3, 14, 23), ms(2026, 3, 15, 1)),),
    )
    figures = count_site(paused, lo, hi, now, UTC).figures
    assert figures.monitored_ms == 13 * DAY  # 19 days to now, less 1 day and 5 days paused
    assert figures.excluded_ms == 6 * DAY
    assert figures.down_ms == HOUR_MS  # the outage's hour after the pause began is not down
    assert figures.longest_down_ms == HOUR_MS


def test_maintenance_is_not_monitored_and_an_outage_in_it_is_not_down():
    lo, hi = ms(2026, 1, 5), ms(2026, 1, 6)
    quiet = site(
        maintenance=(Window("0 2 * * *", 60),),  # 02:00-03:00 (GMT in January)
        outages=(OutagePart(1, ms(2026, 1, 5, 1, 30), ms(2026, 1, 5, 3, 15)),),
    )
    figures = count_site(quiet, lo, hi, hi, LONDON).figures
    assert figures.monitored_ms == 23 * HOUR_MS
    assert figures.excluded_ms == HOUR_MS
    assert figures.down_ms == 45 * MIN  # 01:30-02:00 and 03:00-03:15
    assert figures.longest_down_ms == 45 * MIN


def test_a_site_added_mid_span_is_monitored_from_then():
    lo, hi = ms(2026, 3, 1), ms(2026, 4, 1)
    added = site(
        monitored_since_ms=ms(2026, 3, 16, 12),
        outages=(OutagePart(1, ms(2026, 3, 16, 12), ms(2026, 3, 16, 13)),),
    )
    figures = count_site(added, lo, hi, ms(2026, 5, 1), UTC).figures
    assert figures.monitored_ms == hi - ms(2026, 3, 16, 12)
    assert figures.down_ms == HOUR_MS
    later = count_site(site(monitored_since_ms=hi + 1), lo, hi, ms(2026, 5, 1), UTC).figures
    assert (later.monitored_ms, later.uptime_percent, later.uptime_text()) == (0, None, "-")


def test_checks_and_response_times_come_from_the_hours_that_start_inside():
    lo, hi = ms(2026, 3, 1, 0, 30), ms(2026, 3, 1, 3)
    hours = (
        hour(ms(2026, 3, 1, 0), checks=60, good=1, times="999"),  # starts before: left out
        hour(ms(2026, 3, 1, 1), checks=60, good=3, times="100 300 200"),
        hour(ms(2026, 3, 1, 2), checks=60, good=2, times="200 50"),
        hour(ms(2026, 3, 1, 3), checks=60, good=1, times="999"),  # starts at the end: left out
    )
    figures = count_site(site(hours=hours), lo, hi, hi, UTC).figures
    assert (figures.checks, figures.good) == (120, 5)
    assert figures.response_median_ms == 200  # 50 100 200 200 300: rank 3
    assert figures.response_p95_ms == 300  # rank ceil(4.75) = 5


def test_site_figures_are_the_reports_figures_for_the_same_span():
    start, end = datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC)
    one = site(outages=(OutagePart(1, ms(2026, 3, 2), ms(2026, 3, 2, 0, 10)),))
    figures = site_figures(one, start, end, end, UTC)
    assert figures == count_site(one, to_ms(start), to_ms(end), to_ms(end), UTC).figures
    assert figures.down_ms == 10 * MIN


# -- days and totals --------------------------------------------------------------------------


def test_a_month_with_a_23_hour_day_breaks_down_by_local_day():
    span = month_span(2026, 3, LONDON)  # 743 hours: 29 March has 23
    days = day_bounds(span, LONDON)
    assert len(days) == 31
    assert [end - start for _day, start, end in days].count(23 * HOUR_MS) == 1
    assert days[28] == (date(2026, 3, 29), ms(2026, 3, 29), ms(2026, 3, 29, 23))
    assert days[30] == (date(2026, 3, 31), ms(2026, 3, 30, 23), ms(2026, 3, 31, 23))
    lo, hi = to_ms(span.start), to_ms(span.end)
    assert hi - lo == 743 * HOUR_MS
    hours = tuple(hour(at, checks=60, good=1, times="100") for at in range(lo, hi, HOUR_MS))
    outage = OutagePart(1, ms(2026, 3, 29, 22), ms(2026, 3, 29, 23, 30))  # across midnight BST
    count = count_site(site(hours=hours, outages=(outage,)), lo, hi, hi, LONDON, days)
    figures = count.figures
    assert figures.monitored_ms == 743 * HOUR_MS
    by_day = {d.day: d for d in figures.days}
    assert by_day[date(2026, 3, 29)].monitored_ms == 23 * HOUR_MS
    assert by_day[date(2026, 3, 29)].checks == 23 * 60
    assert by_day[date(2026, 3, 29)].down_ms == HOUR_MS
    assert by_day[date(2026, 3, 30)].down_ms == 30 * MIN
    assert by_day[date(2026, 3, 30)].checks == 24 * 60
    assert by_day[date(2026, 3, 30)].average_ms == 100.0
    assert sum(d.checks for d in figures.days) == figures.checks == 743 * 60
    assert sum(d.monitored_ms for d in figures.days) == figures.monitored_ms
    assert sum(d.down_ms for d in figures.days) == figures.down_ms == 90 * MIN


def test_group_and_overall_totals_count_a_shared_outage_once():
    span = days_span(date(2026, 1, 5), date(2026, 1, 6), UTC)
    lo = to_ms(span.start)
    a = site(
        site_id=1,
        outages=(OutagePart(9, lo + DAY + 30 * MIN, lo + DAY + 90 * MIN),),
        hours=(hour(lo, good=2, times="100 200"),),
    )
    b = site(
        site_id=2,
        title="B",
        monitored_since_ms=lo + DAY,  # the second day only
        outages=(
            OutagePart(5, lo + 12 * HOUR_MS, lo + 13 * HOUR_MS),  # before it was monitored
            OutagePart(9, lo + DAY + 60 * MIN, lo + DAY + 90 * MIN),  # joined outage 9 later
        ),
        hours=(hour(lo + DAY, good=3, times="300 400 500"),),
    )
    c = site(site_id=3, group="H", outages=(OutagePart(4, lo, lo + MIN),))
    made: list[tuple[int, int]] = []
    now = datetime(2026, 2, 1, tzinfo=UTC)
    report = build_report(
        span, [("G", [a, b]), ("H", [c])], now, UTC, "UTC", None, lambda d, o: made.append((d, o))
    )
    assert made == [(1, 3), (2, 3), (3, 3)]
    g, h = report.groups
    assert [s.figures.down_ms for s in g.sites] == [HOUR_MS, 30 * MIN]
    assert [s.figures.outages for s in g.sites] == [1, 1]
    assert g.figures.outages == 1
    assert g.figures.down_ms == 90 * MIN
    assert g.figures.monitored_ms == 2 * DAY + DAY
    assert g.figures.longest_down_ms == HOUR_MS
    assert (g.figures.response_median_ms, g.figures.response_p95_ms) == (300, 500)
    assert [d.down_ms for d in g.figures.days] == [0, 90 * MIN]
    assert [d.monitored_ms for d in g.figures.days] == [DAY, 2 * DAY]
    assert [d.average_ms for d in g.figures.days] == [150.0, 400.0]
    assert report.figures.outages == 2
    assert report.figures.down_ms == 91 * MIN
    assert report.figures.monitored_ms == 5 * DAY
    assert report.figures.uptime_text() == "98.74"  # 1 - 91 / 7,200 min
    assert h.figures.checks == 0 and h.figures.response_median_ms is None
