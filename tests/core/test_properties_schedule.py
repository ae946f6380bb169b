"""Properties of crontab lines and the round times they give (core/schedule.py), over lines made
of random fields: a line is judged good or bad and never raises; the next round is strictly
later, matches every field of some line, and no minute in between matches any (in UTC, where no
clock change moves a job); in zones with clock changes, rounds are strictly increasing instants;
a schedule's rounds are the union of its lines' rounds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from djamon_desktop.core.schedule import Schedule, line_problem
from djamon_desktop.errors import UserError

FAST = settings(max_examples=60, deadline=None, derandomize=True, database=None)

# (the field's range, the highest value named in it) as cron counts it: days of the month are
# named up to 28 only, so every month has one
FIELDS = [(0, 59, 59), (0, 23, 23), (1, 31, 28), (1, 12, 12), (0, 6, 6)]


@st.composite
def field(draw, low: int, top: int, high: int) -> tuple[str, set[int]]:
    """One field written as cron writes it, and the values it matches."""
    kind = draw(st.sampled_from(["*", "n", "list", "range", "step"]))
    if kind == "*":
        return "*", set(range(low, top + 1))
    if kind == "n":
        n = draw(st.integers(low, high))
        return str(n), {n}
    if kind == "list":
        ns = draw(st.lists(st.integers(low, high), min_size=1, max_size=4, unique=True))
        return ",".join(map(str, ns)), set(ns)
    a = draw(st.integers(low, high))
    b = draw(st.integers(a, high))
    if kind == "range":
        return f"{a}-{b}", set(range(a, b + 1))
    step = draw(st.integers(1, high - low + 1))
    return f"*/{step}", set(range(low, top + 1, step))


@st.composite
def lines(draw) -> tuple[str, list[set[int]]]:
    # day of month and day of week: one stays "*", so a minute matches when both fields do
    # (cron ORs them when both are restricted)
    made = [draw(field(*FIELDS[i])) for i in range(4)]
    dow = draw(field(*FIELDS[4])) if made[2][0] == "*" else ("*", set(range(7)))
    made.append(dow)
    return " ".join(f for f, _ in made), [values for _, values in made]


def matches(when: datetime, values: list[set[int]]) -> bool:
    cron_dow = (when.weekday() + 1) % 7  # cron: 0 is Sunday
    return (
        when.minute in values[0]
        and when.hour in values[1]
        and when.day in values[2]
        and when.month in values[3]
        and cron_dow in values[4]
    )


instants = st.datetimes(datetime(2001, 1, 1), datetime(2037, 12, 31))


@FAST
@given(st.lists(lines(), min_size=1, max_size=3), instants)
@example([("0 0 29 2 *", [{0}, {0}, {29}, {2}, set(range(7))])], datetime(2001, 3, 1))
def test_the_next_round_is_later_matches_a_line_and_skips_no_matching_minute(made, after):
    schedule = Schedule([line for line, _ in made], UTC)
    after = after.replace(tzinfo=UTC)
    got = schedule.next_after(after)
    assert got is not None and got > after
    assert got.second == 0 and got.microsecond == 0
    assert any(matches(got, values) for _, values in made)
    minute = after.replace(second=0, microsecond=0) + timedelta(minutes=1)
    steps = 0
    while minute < got and steps < 20000:  # up to two weeks of minutes are walked through
        assert not any(matches(minute, values) for _, values in made), minute
        minute += timedelta(minutes=1)
        steps += 1


ZONES = [ZoneInfo(n) for n in ("Europe/London", "America/New_York", "Australia/Lord_Howe")]


@FAST
@given(st.lists(lines(), min_size=1, max_size=4), instants, st.sampled_from(ZONES))
def test_rounds_are_strictly_increasing_instants_and_the_union_of_the_lines(made, after, zone):
    texts = [line for line, _ in made]
    after = after.replace(tzinfo=zone)
    count = 12
    got = Schedule(texts, zone).upcoming(after, count)
    assert len(got) == count
    assert all(t.tzinfo is zone for t in got)
    instants_ = [t.astimezone(UTC) for t in got]
    assert instants_[0] > after.astimezone(UTC)
    assert all(a < b for a, b in zip(instants_, instants_[1:], strict=False))
    union = sorted(
        {t.astimezone(UTC) for x in texts for t in Schedule([x], zone).upcoming(after, count)}
    )
    assert instants_ == union[:count]


cron_text = st.text(st.sampled_from("0123456789*/-,? LW#abcdefghijklmnopqrstuvwxyzJFMASOND@"))


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.one_of(cron_text, st.lists(cron_text, min_size=5, max_size=5).map(" ".join)))
@example("61 * * * *")
@example("* * 31 2 *")
@example("*/0 * * * *")
@example("5-1 * * * *")
def test_a_line_is_judged_and_never_raises_and_a_good_one_makes_a_schedule(line):
    problem = line_problem(line)
    if problem is None:
        Schedule([line], UTC).next_after(datetime(2001, 1, 1, tzinfo=UTC))
    else:
        assert repr(line) in problem
        with pytest.raises(UserError, match="schedule\\[0\\]"):
            Schedule([line], UTC)


@pytest.mark.parametrize("line", [None, 5, ["* * * * *"]])
def test_a_line_that_is_not_text_is_judged_too(line):
    assert line_problem(line) == "must be a string"
