"""The charts' geometry that the HTML's SVG and the PDF both draw, and the words both say."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from djamon_desktop.core import report_words as words
from djamon_desktop.core.report_charts import (
    FAIR,
    GOOD,
    NONE,
    NONE_MARK,
    PLAIN,
    POOR,
    day_labels,
    nice_ceiling,
    response_chart,
    strip,
    uptime_chart,
    uptime_floor,
)
from djamon_desktop.core.report_model import Day, Figures, Report, month_span

DAY = 86_400_000


def day(n: int, down_ms: int = 0, monitored_ms: int = DAY, average: float | None = 100.0) -> Day:
    return Day(date(2026, 3, n), monitored_ms, down_ms, 10, 10, average)


@pytest.mark.parametrize(
    ("worst", "floor"),
    [(100.0, 99.9), (99.95, 99.9), (99.9, 99.5), (99.2, 99.0), (97.0, 95.0), (10.0, 0), (0, 0)],
)
def test_the_uptime_axis_starts_below_the_worst_day(worst, floor):
    assert uptime_floor(worst) == floor


def test_uptime_bars_heights_tones_ticks_and_labels():
    days = [
        day(1),
        day(2, down_ms=DAY // 200),  # 99.5 %: down, under 1 %
        day(3, down_ms=DAY // 50),  # 98 %: the worst, down 2 %
        day(4, monitored_ms=0),  # nothing monitored
    ]
    chart = uptime_chart("Uptime by day · all sites", days)
    assert [t.text for t in chart.ticks] == ["95 %", "97.5 %", "100 %"]
    assert [t.y for t in chart.ticks] == [0.0, 0.5, 1.0]
    assert [b.tone for b in chart.bars] == [GOOD, FAIR, POOR, NONE]
    assert [round(b.height, 6) for b in chart.bars] == [1.0, 0.9, 0.6, NONE_MARK]
    assert [b.label for b in chart.bars] == [
        "1 March 2026: 100.00 %",
        "2 March 2026: 99.50 %",
        "3 March 2026: 98.00 %",
        "4 March 2026: nothing monitored",
    ]
    # four slots of a quarter each, every bar 70 % of its slot and centred in it
    assert [round(b.x, 6) for b in chart.bars] == [0.0375, 0.2875, 0.5375, 0.7875]
    assert {round(b.width, 6) for b in chart.bars} == {0.175}
    assert chart.days == ((0.125, "1"), (0.375, "2"), (0.625, "3"), (0.875, "4"))
    assert not chart.empty


def test_a_moment_down_still_shows_below_the_top():
    """99.9999 % reads 99.99 in the tables; its bar stays below a never-down day's."""
    chart = uptime_chart("t", [day(1), day(2, down_ms=1)])
    assert chart.bars[1].tone == FAIR and chart.bars[1].height < chart.bars[0].height == 1.0
    assert chart.bars[1].label == "2 March 2026: 99.99 %"


def test_response_bars_on_a_round_axis():
    chart = response_chart("t", [day(1, average=120.0), day(2, average=None), day(3, average=60)])
    assert [t.text for t in chart.ticks] == ["0 ms", "100 ms", "200 ms"]
    assert [b.height for b in chart.bars] == [0.6, NONE_MARK, 0.3]
    assert [b.tone for b in chart.bars] == [PLAIN, NONE, PLAIN]
    assert chart.bars[0].label == "1 March 2026: 120 ms mean"
    assert chart.bars[1].label == "2 March 2026: no answers"


def test_charts_with_no_data_are_empty():
    assert uptime_chart("t", [day(1, monitored_ms=0)]).empty
    assert response_chart("t", [day(1, average=None)]).empty
    assert uptime_chart("t", []).bars == () and uptime_chart("t", []).days == ()


@pytest.mark.parametrize(
    ("value", "top"),
    [(0, 10), (7, 10), (10.5, 20), (120, 200), (201, 250), (251, 500), (999, 1000), (1001, 2000)],
)
def test_nice_ceilings(value, top):
    assert nice_ceiling(value) == top


def test_day_labels_within_a_month_and_across_months():
    march = [date(2026, 3, 1) + timedelta(days=n) for n in range(31)]
    assert [text for _, text in day_labels(march)] == ["1", "8", "15", "22", "29"]
    year = [date(2025, 4, 1) + timedelta(days=n) for n in range(365)]
    texts = [text for _, text in day_labels(year)]
    assert len(texts) <= 8 and texts[0] == "1 Apr"
    assert [text for _, text in day_labels(march[:5])] == ["1", "2", "3", "4", "5"]


def test_a_sites_strip_is_a_cell_a_day():
    cells = strip([day(1), day(2, down_ms=DAY // 2), day(3, monitored_ms=0)])
    assert [c.tone for c in cells] == [GOOD, POOR, NONE]
    assert {c.height for c in cells} == {1.0}
    assert cells[1].label == "2 March 2026: 50.00 %"


def test_a_years_strip_has_a_cell_a_week():
    year = [
        Day(date(2025, 4, 1) + timedelta(days=n), DAY, DAY // 100 if n == 9 else 0, 1, 1, 1.0)
        for n in range(365)
    ]
    cells = strip(year)
    assert len(cells) == 53  # 52 weeks and a day
    assert cells[0].label == "1 April 2025 – 7 April 2025: 100.00 %"
    assert cells[1].label == "8 April 2025 – 14 April 2025: 99.86 %"  # 1 % of a day in 7
    assert [c.tone for c in cells[:3]] == [GOOD, FAIR, GOOD]
    assert cells[-1].label == "31 March 2026: 100.00 %"


# -- words ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0, "0 s"),
        (45, "45 s"),
        (60, "1 min"),
        (3785, "1 h 3 min 5 s"),
        (2_674_800, "30 d 23 h"),
        (86_401, "1 d 1 s"),
    ],
)
def test_durations_in_words(seconds, text):
    assert words.duration_text(seconds) == text


def test_a_zone_name_that_is_not_one_is_read_as_utc():
    from zoneinfo import ZoneInfo

    span = month_span(2026, 3, ZoneInfo("Europe/London"))
    nothing = Figures(0, 0, 0, 0, 0, None, None, 0, 0, ())
    made = datetime(2026, 4, 1, 8, 0, tzinfo=UTC)
    odd = Report(span, "local time", made, made, None, (), nothing)
    assert words.made_text(odd) == "Days in local time (local time). Made 1 April 2026 at 08:00."
    assert words.scope(odd) == "All groups (0) · 0 sites"
