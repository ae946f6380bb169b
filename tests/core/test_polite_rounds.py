"""Polite rounds on real sockets: many healthy sites on one small server are all answered, and a
round whose checks cannot all start in time reports the rest ``busy`` within its bound."""

from __future__ import annotations

import asyncio
import time

import pytest

from djamon_desktop.core.parallel import probe_all
from djamon_desktop.core.polite import FIRST

from ..stock_server import StockServer


@pytest.fixture
def stock():
    server = StockServer().start()
    yield server
    server.stop()


def test_200_healthy_sites_on_one_small_server_all_answer_in_three_rounds(stock):
    """All at once, 6 to 33 of them used to time out each round: the accept queue of 5
    overflowed and the kernel retried the dropped connections a second, then three, later."""
    urls = [stock.url(f"/page/{n}") for n in range(200)]
    for round_number in range(3):
        began = time.monotonic()
        results = asyncio.run(probe_all(urls, 5.0))
        took = time.monotonic() - began
        errors = [r.error for r in results if r.error is not None]
        print(f"round {round_number + 1}: {took:.2f} s, errors {errors}")
        assert errors == [], f"round {round_number + 1}"
        assert [r.status_code for r in results] == [200] * 200
        assert took < 5.0


def test_checks_that_cannot_start_in_time_are_busy_and_the_round_ends_within_twice(server):
    """300 sites on one server answering after 0.8 s: its cap lets the first ones start, a few
    more as those are parked (connected, waiting 0.5 s) and as they answer; by the 1 s timeout
    most are still waiting, and they are busy: not tried."""
    urls = [server.url("/slow/800")] * 300
    heard: dict[int, str | None] = {}

    def on_result(index, result):
        heard[index] = result.error

    before = len(server.seen)
    began = time.monotonic()
    results = asyncio.run(probe_all(urls, 1.0, on_result=on_result))
    took = time.monotonic() - began
    busy = [n for n, r in enumerate(results) if r.error == "busy"]
    checked = [n for n, r in enumerate(results) if r.error != "busy"]
    # the first cap's worth start at once; more only as those are parked (after 0.5 s) and
    # answer (after 0.8 s): about three caps' worth by the 1 s cutoff
    assert FIRST <= len(checked) <= 4 * FIRST and len(busy) >= 300 - 4 * FIRST
    assert [(results[n].status_code, results[n].error) for n in checked] == [(200, None)] * len(
        checked
    )
    # the busy ones were never sent: the server saw the checked ones alone...
    assert len(server.seen) - before == len(checked)
    # ...and they come last in the round's order: the ones that started are its first
    assert checked == list(range(len(checked)))
    for n in busy:
        r = results[n]
        assert (r.status_code, r.elapsed_ms) == (None, 0)
        assert r.detail == (
            "not started: the machine could not start it within 1 s of the round's start"
            f" ({len(busy)} checks were waiting)"
        )
        assert not r.is_good([200])
    assert heard == {n: r.error for n, r in enumerate(results)}  # the busy ones heard too
    # a check started just before the 1 s ends 0.8 s later: within twice the timeout, and
    # slack for a loaded machine
    assert took < 2.0 + 0.5


def test_a_server_s_hung_pages_keep_none_of_its_other_sites_from_their_turn(server):
    """A server with more hung pages than its first cap, and 60 quick ones after them: the hung
    checks, connected and waiting, are parked and leave their places, so every quick page is
    checked and answers; none is busy, and the hung ones time out at their own deadline."""
    hung = FIRST + 8
    urls = [server.url("/hang")] * hung + [server.url("/slow/20")] * 60
    began = time.monotonic()
    results = asyncio.run(probe_all(urls, 2.0))
    took = time.monotonic() - began
    assert [r.error for r in results[:hung]] == ["timeout"] * hung
    assert [(r.status_code, r.error) for r in results[hung:]] == [(200, None)] * 60
    # the last hung one started once the first were parked (0.5 s), not after their deadline
    assert took < 2.0 + 1.5
