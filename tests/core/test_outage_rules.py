"""The outage rules on their own: no network, no database."""

from __future__ import annotations

import pytest

from djamon_desktop.core.outages import (
    OutagePlan,
    SiteStrikes,
    duration_words,
    plan_outage,
    state_of,
)


def sites(*specs):
    """specs: (id, priority, down_count[, active])"""
    out = {}
    for n, spec in enumerate(specs):
        site_id, priority, down = spec[:3]
        active = spec[3] if len(spec) > 3 else True
        out[site_id] = SiteStrikes(site_id, active, priority, (0, n), down)
    return out


def test_nothing_happens_below_strikes():
    assert plan_outage(sites((1, 0, 2), (2, 2, 0)), None, 3) == OutagePlan()


def test_third_strike_opens_with_that_site_primary():
    assert plan_outage(sites((1, 2, 3), (2, 0, 1)), None, 3) == OutagePlan((1,), opens=True)


def test_several_down_at_once_highest_priority_is_primary_then_list_order():
    plan = plan_outage(sites((1, 2, 3), (2, 1, 3), (3, 1, 4), (4, 0, 2)), None, 3)
    assert plan == OutagePlan((2, 3, 1), opens=True)


def test_down_site_joins_the_open_outage():
    plan = plan_outage(sites((1, 0, 5), (2, 2, 3)), frozenset({1}), 3)
    assert plan == OutagePlan((2,), opens=False)


def test_closes_when_every_member_is_up():
    assert plan_outage(sites((1, 0, 0), (2, 2, 0)), frozenset({1, 2}), 3).closes


def test_a_member_still_failing_keeps_it_open():
    # one failure after recovering is not "up"
    assert not plan_outage(sites((1, 0, 0), (2, 2, 1)), frozenset({1, 2}), 3).closes


def test_inactive_or_deleted_member_counts_as_recovered():
    assert plan_outage(sites((1, 0, 7, False)), frozenset({1, 99}), 3).closes


def test_inactive_site_never_opens_an_outage():
    assert plan_outage(sites((1, 0, 9, False)), None, 3) == OutagePlan()


def test_strikes_of_one():
    assert plan_outage(sites((1, 3, 1)), None, 1) == OutagePlan((1,), opens=True)


@pytest.mark.parametrize(
    "down, checked, state",
    [
        (0, False, "unknown"),
        (0, True, "up"),
        (1, True, "warning"),
        (2, True, "warning"),
        (3, True, "down"),
        (10, True, "down"),
    ],
)
def test_states(down, checked, state):
    assert state_of(down, checked, 3) == state


@pytest.mark.parametrize(
    "seconds, words",
    [
        (3785, "1 hour, 3 minutes, 5 seconds"),
        (450, "7 minutes, 30 seconds"),
        (0, "0 seconds"),
        (1, "1 second"),
        (3600, "1 hour"),
        (7261, "2 hours, 1 minute, 1 second"),
        (90061, "1 day, 1 hour, 1 minute, 1 second"),
    ],
)
def test_duration_words(seconds, words):
    assert duration_words(seconds) == words
