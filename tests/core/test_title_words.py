"""The state words a window's title starts with: each case, and which wins when several hold."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from djamon_desktop.core.states import State
from djamon_desktop.core.status import OpenOutage, SiteAtGlance
from djamon_desktop.core.title_words import title_words

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def site(site_id: int, state: State, down_count: int = 0, active: bool = True) -> SiteAtGlance:
    return SiteAtGlance(f"S{site_id}", active, state, down_count, site_id=site_id)


def outage(*site_ids: int, by_title: bool = False) -> OpenOutage:
    titles = [f"S{i}" for i in site_ids]
    return OpenOutage("OUT-1", START, titles, () if by_title else list(site_ids))


UP, WARN, DOWN, UNK, MAINT = (
    State.UP,
    State.WARNING,
    State.DOWN,
    State.UNKNOWN,
    State.MAINTENANCE,
)


def words(sites, open_outage=None, connectivity=True, paused=False, unreachable=False) -> str:
    return title_words(sites, open_outage, connectivity, paused, unreachable)


@pytest.mark.parametrize(
    "sites, open_outage, expected",
    [
        ([site(1, UP), site(2, UP)], None, "All up"),
        ([site(1, UP)], None, "All up"),
        ([site(1, UP), site(2, WARN, down_count=1)], None, "1 failing"),
        (
            [site(1, WARN, down_count=1), site(2, WARN, down_count=2), site(3, UP)],
            None,
            "2 failing",
        ),
        # a failing site seen by too few vantages has a count of 0: still failing
        ([site(1, WARN), site(2, UP)], None, "1 failing"),
        ([site(1, DOWN, down_count=3), site(2, UP)], outage(1), "1 down"),
        ([site(1, DOWN, 3), site(2, DOWN, 3), site(3, WARN, 1)], outage(1, 2), "2 down"),
        # a site of the open outage between two checks, or one counted down in no outage yet
        ([site(1, WARN, down_count=1), site(2, UP)], outage(1), "1 down"),
        ([site(1, DOWN, down_count=3), site(2, UP)], None, "1 down"),
        # the outage read by its titles (no ids known)
        ([site(1, DOWN, 3), site(2, UP)], outage(1, by_title=True), "1 down"),
        # down wins over failing, failing over waiting, waiting over up
        ([site(1, DOWN, 3), site(2, WARN, 1), site(3, UNK)], outage(1), "1 down"),
        ([site(1, WARN, 1), site(2, UNK), site(3, UP)], None, "1 failing"),
        ([site(1, UNK), site(2, UNK), site(3, UP)], None, "2 waiting"),
        ([site(1, UNK)], None, "1 waiting"),
        # inactive sites count for nothing
        ([site(1, DOWN, 3, active=False), site(2, UP)], None, "All up"),
        ([site(1, UP, active=False)], None, "Nothing monitored"),
        ([], None, "Nothing monitored"),
        # sites in maintenance are neither down nor failing
        ([site(1, MAINT), site(2, UP)], None, "All up"),
        ([site(1, MAINT), site(2, UP)], outage(1), "All up"),
        ([site(1, MAINT), site(2, WARN, 1)], None, "1 failing"),
        ([site(1, MAINT)], None, "Nothing monitored"),
        # an outage whose site was deleted or deactivated since: the tray is red, so is this
        ([site(2, UP)], outage(7), "1 down"),
        ([site(1, DOWN, 3, active=False), site(2, UP)], outage(1), "1 down"),
    ],
)
def test_each_state_in_words(sites, open_outage, expected):
    assert words(sites, open_outage) == expected


def test_precedence_database_paused_nothing_connection():
    down = [site(1, DOWN, 3), site(2, WARN, 1), site(3, UNK)]
    out = outage(1)
    # every condition at once: the database wins, then the pause, then no connection
    assert words(down, out, connectivity=False, paused=True, unreachable=True) == (
        "Database unreachable"
    )
    assert words([], None, connectivity=False, paused=True, unreachable=True) == (
        "Database unreachable"
    )
    assert words(down, out, connectivity=False, paused=True) == "Paused"
    assert words([], None, connectivity=False, paused=True) == "Paused"
    assert words([], None, connectivity=False) == "Nothing monitored"
    assert words([site(1, MAINT)], None, connectivity=False) == "Nothing monitored"
    assert words(down, out, connectivity=False) == "No connection"
    assert words(down, out) == "1 down"


def test_the_words_are_the_contracts():
    """Each is one of the contract's beginnings (``N`` a number), or the documented
    ``N waiting``."""
    import re

    allowed = re.compile(
        r"^(All up|\d+ failing|\d+ down|\d+ waiting|Paused|No connection|"
        r"Database unreachable|Nothing monitored)$"
    )
    states = [UP, WARN, DOWN, UNK, MAINT]
    for a in states:
        for b in states:
            for out in (None, outage(1), outage(9)):
                for flags in ((True, False, False), (False, False, False), (True, True, False)):
                    said = words([site(1, a, down_count=1), site(2, b)], out, *flags)
                    assert allowed.match(said), said
