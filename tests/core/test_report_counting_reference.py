"""The report's counting (core/report_counting.py) against a plain reference that walks the span
minute by minute, over random histories: sites added mid-span, pauses with and without an end,
maintenance windows across a clock change (Europe/London, spring and autumn), outages shared by
several sites, open or crossing the span's edges, and hours of response times with ties.

The counting works on intervals and may be tuned for speed; this keeps every number it gives
(each site's, group's and the overall figures, day by day) exactly what the rules say."""

from __future__ import annotations

from datetime import UTC, date, datetime
from math import ceil
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from djamon_desktop.core.clock import to_ms
from djamon_desktop.core.maintenance import Window
from djamon_desktop.core.report_counting import (
    HOUR_MS,
    HourSum,
    OutagePart,
    SiteInput,
    build_report,
    day_bounds,
    maintenance_intervals,
)
from djamon_desktop.core.report_model import days_span

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None)
LONDON = ZoneInfo("Europe/London")
MIN = 60_000
SPANS = [  # three local days around each clock change, and three ordinary ones
    days_span(date(2026, 3, 28), date(2026, 3, 30), LONDON),
    days_span(date(2026, 10, 24), date(2026, 10, 26), LONDON),
    days_span(date(2026, 6, 9), date(2026, 6, 11), LONDON),
]
LINES = ["30 1 * * *", "*/20 1 * * *", "0 9 * * 1-5", "45 23 * * *", "0 */6 * * *"]
TIMES = st.lists(st.integers(1, 40).map(lambda n: n * 10), max_size=6)  # ties are common


@st.composite
def a_site(draw, site_id: int, lo: int, hi: int) -> SiteInput:
    minutes = (hi - lo) // MIN
    moment = st.integers(-120, minutes + 120).map(lambda m: lo + m * MIN)
    since = draw(st.none() | moment)
    pauses = []
    for _ in range(draw(st.integers(0, 2))):
        start, lasts = draw(moment), draw(st.none() | st.integers(0, 600))
        pauses.append((start, None if lasts is None else start + lasts * MIN))
    windows = tuple(
        Window(line, draw(st.integers(1, 180)))
        for line in draw(st.lists(st.sampled_from(LINES), max_size=2, unique=True))
    )
    outages = []
    for outage_id in draw(st.lists(st.integers(1, 6), max_size=4, unique=True)):
        start, lasts = draw(moment), draw(st.none() | st.integers(0, 900))
        outages.append(OutagePart(outage_id, start, None if lasts is None else start + lasts * MIN))
    hours = []
    for h in range(lo // HOUR_MS - 1, hi // HOUR_MS + 2):
        if draw(st.booleans()):
            times = draw(TIMES)
            checks = len(times) + draw(st.integers(0, 3))
            text = " ".join(map(str, times))
            hours.append(HourSum(h, checks, len(times), float(sum(times)), text))
    return SiteInput(
        site_id, "", f"S{site_id}", "", True, since, tuple(pauses), windows, tuple(outages),
        tuple(hours),
    )  # fmt: skip


@st.composite
def histories(draw):
    span = draw(st.sampled_from(SPANS))
    lo, hi = to_ms(span.start), to_ms(span.end)
    now = draw(st.integers(-60, (hi - lo) // MIN + 600).map(lambda m: lo + m * MIN))
    sites = [draw(a_site(n, lo, hi)) for n in range(1, draw(st.integers(1, 4)) + 1)]
    cut = draw(st.integers(0, len(sites)))
    return span, now, [("G", sites[:cut]), ("H", sites[cut:])]


# -- the reference: a minute at a time --------------------------------------------------------


def rank(times: list[int], percent: int) -> int | None:
    if not times:
        return None
    return sorted(times)[max(1, ceil(len(times) * percent / 100)) - 1]


def reference_site(site: SiteInput, lo: int, hi: int, now: int, days) -> dict:
    start = lo if site.monitored_since_ms is None else max(lo, site.monitored_since_ms)
    end = max(start, min(hi, now))
    windows = maintenance_intervals(site.maintenance, lo, hi, LONDON)

    def monitored(m: int) -> bool:
        if not start <= m < end or any(a <= m < b for a, b in windows):
            return False
        return not any(a <= m < (now if b is None else b) for a, b in site.not_monitored)

    minutes = [m for m in range(lo, hi, MIN) if monitored(m)]
    down: set[int] = set()
    ids, longest = set(), 0
    for part in site.outages:
        until = now if part.end_ms is None else part.end_ms
        if part.start_ms == until:
            meets = start <= part.start_ms < end
        else:
            meets = part.start_ms < end and until > start
        if meets:
            ids.add(part.outage_id)
            inside = {m for m in minutes if part.start_ms <= m < until}
            longest = max(longest, len(inside) * MIN)
            down |= inside
    hours = [h for h in site.hours if lo <= h.hour * HOUR_MS < hi]
    times = [int(t) for h in hours for t in h.good_ms.split()]
    by_day = []
    for _day, a, b in days:
        these = [h for h in hours if a <= h.hour * HOUR_MS < b]
        by_day.append(
            (
                sum(a <= m < b for m in minutes) * MIN,
                sum(a <= m < b for m in down) * MIN,
                sum(h.checks for h in these),
                [int(t) for h in these for t in h.good_ms.split()],
            )
        )
    return dict(
        monitored=len(minutes) * MIN, down=len(down) * MIN, ids=ids, longest=longest,
        times=times, checks=sum(h.checks for h in hours), days=by_day,
    )  # fmt: skip


def reference_total(rows: list[dict]) -> dict:
    return dict(
        monitored=sum(r["monitored"] for r in rows),
        down=sum(r["down"] for r in rows),
        ids=set().union(*(r["ids"] for r in rows)),
        longest=max((r["longest"] for r in rows), default=0),
        times=[t for r in rows for t in r["times"]],
        checks=sum(r["checks"] for r in rows),
        days=[
            tuple(
                sum(r["days"][i][k] for r in rows) if k < 3 else
                [t for r in rows for t in r["days"][i][3]] for k in range(4)
            )
            for i in range(len(rows[0]["days"]) if rows else 0)
        ],
    )  # fmt: skip


def assert_same(figures, expected: dict) -> None:
    assert figures.monitored_ms == expected["monitored"]
    assert figures.down_ms == expected["down"]
    assert figures.outages == len(expected["ids"])
    assert figures.longest_down_ms == expected["longest"]
    assert figures.checks == expected["checks"]
    assert figures.good == len(expected["times"])
    assert figures.response_median_ms == rank(expected["times"], 50)
    assert figures.response_p95_ms == rank(expected["times"], 95)
    if expected["days"]:
        got = [(d.monitored_ms, d.down_ms, d.checks, d.good) for d in figures.days]
        assert got == [(a, b, c, len(t)) for a, b, c, t in expected["days"]]
        for day, (_a, _b, _c, times) in zip(figures.days, expected["days"], strict=True):
            assert day.average_ms == (sum(times) / len(times) if times else None)


@FAST
@given(histories())
def test_every_figure_is_the_minute_by_minute_count(history):
    span, now, groups = history
    lo, hi = to_ms(span.start), to_ms(span.end)
    days = day_bounds(span, LONDON)
    moment = datetime.fromtimestamp(now / 1000, UTC)
    report = build_report(span, groups, moment, LONDON, "Europe/London")
    every = []
    for (_title, sites), group in zip(groups, report.groups, strict=True):
        rows = [reference_site(site, lo, hi, now, days) for site in sites]
        for row, shown in zip(rows, group.sites, strict=True):
            assert_same(shown.figures, row)
        if rows:
            assert_same(group.figures, reference_total(rows))
        every.extend(rows)
    if every:
        assert_same(report.figures, reference_total(every))
