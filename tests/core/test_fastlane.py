"""The fast lane's rules: which sites are in it, when each is due, how a retry merges into a
scheduled round, and what ``check --confirm`` re-checks. Pure: plain sites and times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.core import fastlane
from djamon_desktop.core.fastlane import MERGE, Retry, lane, next_check, next_retry, unsettled
from djamon_desktop.core.settings import setting
from djamon_desktop.core.sites import SiteInfo
from djamon_desktop.core.status import retry_words

T = datetime(2026, 11, 29, 3, 0, 0, tzinfo=UTC)  # 3 a.m. on a Sunday


def site(site_id: int, down_count: int, checked: datetime | None = T, **changes) -> SiteInfo:
    values = dict(
        site_id=site_id,
        group="G",
        title=f"site {site_id}",
        url=f"http://127.0.0.1/{site_id}",
        priority="normal",
        active=True,
        down_message="",
        down_count=down_count,
        state="up" if down_count == 0 else "warning",
        last_seen=None,
        last_checked=checked,
        last_status_code=None,
        last_error=None,
        last_elapsed_ms=None,
        order=(0, site_id),
    )
    values.update(changes)
    return SiteInfo(**values)


def s(seconds: float) -> timedelta:
    return timedelta(seconds=seconds)


def test_the_lane_holds_active_sites_whose_last_check_failed_due_retry_seconds_later():
    sites = [
        site(1, 0),  # up
        site(2, 1),  # 1st failure
        site(3, 5, state="down"),  # down: stays in, so its recovery is seen soon
        site(4, 2, active=False),  # inactive
        site(5, 1, checked=None),  # never checked
        site(6, 1, checked=T + s(7)),
        site(7, 2, state="maintenance"),
    ]
    assert lane(sites, 20) == {2: T + s(20), 3: T + s(20), 6: T + s(27)}


def test_retry_seconds_0_turns_the_lane_off():
    assert lane([site(1, 2)], 0) == {}
    assert next_retry(lane([site(1, 2)], 0), T + s(60)) is None
    assert next_check({}, T + s(60)) is None


def test_a_round_of_ours_whose_results_were_not_stored_still_counts_as_a_try():
    """Connectivity lost: nothing stored, so last_checked stays; the retry waits all the same
    (no burst of rounds while the connection is down)."""
    tried = {1: T + s(25)}
    assert lane([site(1, 1), site(2, 1)], 20, tried) == {1: T + s(45), 2: T + s(20)}
    assert lane([site(1, 1, checked=T + s(30))], 20, tried) == {1: T + s(50)}


def test_the_next_retry_is_the_first_due_with_every_site_due_within_a_second_of_it():
    due = {1: T + s(20), 2: T + s(20.6), 3: T + s(21.5), 4: T + s(19.8)}
    assert next_retry(due, None) == Retry(T + s(19.8), (4, 1, 2))
    assert next_retry(due, T + s(60)) == Retry(T + s(19.8), (4, 1, 2))


@pytest.mark.parametrize(
    ("retry_at", "merged"),
    [(-0.5, True), (0, True), (3, True), (-1, True), (-1.01, False), (-10, False)],
)
def test_a_retry_due_within_a_second_of_a_scheduled_round_merges_into_it(retry_at, merged):
    scheduled = T + s(60)
    due = {1: scheduled + s(retry_at)}
    retry = next_retry(due, scheduled)
    if merged:
        assert retry is None  # the scheduled round checks every active site, this one too
        assert next_check(due, scheduled) == scheduled
    else:
        assert retry == Retry(scheduled + s(retry_at), (1,))
        assert next_check(due, scheduled) == retry.at
    assert s(1) == MERGE


@pytest.mark.parametrize(("retry_at", "merged"), [(-5.9, True), (-6, True), (-6.1, False)])
def test_a_retry_that_could_still_run_when_a_scheduled_round_is_due_waits_for_it(retry_at, merged):
    """With a 5 s round deadline, a retry due less than 6 s before the round would hold the
    round up: it waits and goes with the round instead."""
    scheduled = T + s(60)
    due = {1: scheduled + s(retry_at)}
    assert (next_retry(due, scheduled, round_seconds=5) is None) is merged
    assert next_check(due, scheduled, 5) == (scheduled if merged else due[1])
    assert next_retry(due, scheduled, round_seconds=0) == Retry(due[1], (1,))


def test_confirm_settles_a_site_once_it_is_up_or_down():
    outcomes = [(1, True, 0), (2, False, 1), (3, False, 2), (4, False, 3), (5, False, 7)]
    assert unsettled(outcomes, 3) == [2, 3]
    assert unsettled(outcomes, 1) == []


def test_at_3_am_on_a_sunday_an_outage_opens_40_s_after_the_first_failure():
    """Strikes 3, retries 20 s apart, the schedule every 5 minutes: the lane alone carries a
    failing site from its 1st to its 3rd failure, as the poller's timer would."""
    scheduled = T + s(300)
    checked, count, times = T, 1, [T]
    while count < 3:
        retry = next_retry(lane([site(1, count, checked=checked)], 20), scheduled, 5)
        assert retry is not None and retry.site_ids == (1,)
        checked, count = retry.at, count + 1
        times.append(checked)
    assert times[-1] - times[0] == s(40)


def test_the_setting_is_a_whole_number_from_0_to_300_default_20():
    entry = setting("retry_seconds")
    assert (entry.default, entry.kind, entry.low, entry.high, entry.section) == (
        20,
        "int",
        0,
        300,
        "Checks",
    )


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (12, "retrying in 12 s"),
        (11.2, "retrying in 12 s"),
        (0.4, "retrying in 1 s"),
        (0, "retrying now"),
        (-3, "retrying now"),
        (60, "retrying in 1 min"),
        (125, "retrying in 2 min 5 s"),
    ],
)
def test_retry_words(seconds, words):
    assert retry_words(seconds) == words


def test_failing_is_the_lane_without_its_times():
    assert [x.site_id for x in fastlane.failing([site(1, 0), site(2, 3)])] == [2]
