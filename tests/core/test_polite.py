"""The polite caps as bookkeeping: which checks may start, and how a server's cap follows its
answers (the sockets' side is in test_polite_rounds.py)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from djamon_desktop.core import polite
from djamon_desktop.core.polite import (
    BURST,
    LEAST,
    MOST,
    PACE,
    STRAIN_SECONDS,
    Plan,
    Server,
    server_of,
)

#: the first cap these tests reason with (8 -> 16 -> 32 ...): the rules hold from any start
FIRST = 8


@pytest.fixture(autouse=True)
def first_cap(monkeypatch):
    monkeypatch.setattr(polite, "FIRST", FIRST)


def test_a_round_starts_with_room_for_a_small_server_s_sites_at_once(monkeypatch):
    monkeypatch.undo()
    plan = Plan(["a"] * 40, overall=1000)
    started = take(plan)  # (paced: BURST at once, then one each 1/PACE s)
    assert len(started) == polite.FIRST >= 30


def take(plan: Plan) -> list[int]:
    """Every check the plan starts until it must wait for an end (not for its pace), its
    clock (kept on the plan) moved on to each moment the pace allows."""
    now = getattr(plan, "test_now", 0.0)
    out = plan.take(now)
    while (at := plan.next_at()) is not None:
        now = max(now, at)
        out += plan.take(now)
    plan.test_now = now  # type: ignore[attr-defined]
    return out


@pytest.mark.parametrize(
    ("url", "server"),
    [
        ("http://Example.COM/a?b", "example.com:80"),
        ("https://example.com", "example.com:443"),
        ("http://example.com:8080/", "example.com:8080"),
        ("https://user:pw@example.com:8443/x", "example.com:8443"),
        ("http://[::1]:81/", "::1:81"),
        ("tcp://db.example:5432", "db.example:5432"),
    ],
)
def test_a_server_is_the_host_and_port_whatever_the_scheme_and_path(url, server):
    assert server_of(url) == server


def test_an_unreadable_url_is_a_server_of_its_own():
    assert server_of("http://h:port/") == "http://h:port/"
    assert server_of("nonsense") == "nonsense"


def test_http_and_https_to_one_port_are_one_server():
    assert server_of("http://a:8000/") == server_of("https://a:8000/x")


def test_a_server_starts_at_its_first_cap_and_others_go_ahead():
    plan = Plan(["a"] * 20 + ["b"] * 3, overall=1000)
    started = take(plan)
    # the first 8 of a, and b's three, though they come after a's waiting twelve
    assert sorted(started) == [*range(FIRST), 20, 21, 22]
    assert plan.waiting == 20 - FIRST
    assert take(plan) == []  # nothing more until one ends


def test_the_overall_cap_holds_across_servers_in_the_rounds_order():
    plan = Plan([f"s{n}" for n in range(10)], overall=4)
    assert take(plan) == [0, 1, 2, 3]
    plan.done(2, True, None, 0.01)
    assert take(plan) == [4]
    assert plan.open == 4


def test_each_quick_answer_lets_one_more_start_a_slow_start():
    plan = Plan(["a"] * 100, overall=1000)
    first = take(plan)
    assert len(first) == FIRST
    for index in first:
        plan.done(index, True, None, 0.02)
    # each of the 8 answers freed its own place and added one: 16 now
    assert len(take(plan)) == 2 * FIRST
    assert plan.servers["a"].cap == 2 * FIRST


def test_the_cap_grows_no_higher_than_most():
    plan = Plan(["a"] * 20_000, overall=100_000)
    for _ in range(40):
        for index in take(plan):
            plan.done(index, True, None, 0.01)
    assert plan.servers["a"].cap == MOST
    assert len(take(plan)) == MOST


def _run_to(plan: Plan, cap: int) -> list[int]:
    """Quick answers until the server's cap is ``cap``; the checks open then."""
    while plan.servers["a"].cap < cap:
        for index in take(plan):
            plan.done(index, True, None, 0.05, connect=0.001)
    return take(plan)


def test_a_check_slowed_by_a_dropped_connection_halves_the_cap_once_a_turn():
    plan = Plan(["a"] * 1000, overall=10_000)
    open_now = _run_to(plan, 64)
    assert len(open_now) == 64
    # the server's quickest connection opened in 1 ms; these took a connection retry longer
    plan.done(open_now[0], True, None, 0.05 + STRAIN_SECONDS, connect=0.01 + STRAIN_SECONDS)
    assert plan.servers["a"].cap == 32
    # the others of the same turn tell of the same strain: no second halving (a connection
    # that never opened before the deadline is a strain too)
    plan.done(open_now[1], True, None, 0.05 + STRAIN_SECONDS + 0.5, connect=1.6)
    plan.done(open_now[2], False, "timeout", 5.0)
    assert plan.servers["a"].cap == 32
    # none starts until fewer than 32 are open
    assert take(plan) == []
    for index in open_now[3:33]:
        plan.done(index, True, None, 0.05)
    # 31 open, and the quick answers after a halving creep (by 1/cap each): one more place
    assert 32 < plan.servers["a"].cap < 33
    assert len(take(plan)) == 1


def test_a_strain_of_a_later_turn_halves_again_never_below_least():
    plan = Plan(["a"] * 1000, overall=10_000)
    started = _run_to(plan, 16)
    caps = []
    for _ in range(6):
        for index in started:
            plan.done(index, True, None, 3.0, connect=2.0)  # every turn strained
        caps.append(plan.servers["a"].cap)
        started = take(plan)
    assert caps == [8, 4, LEAST, LEAST, LEAST, LEAST]
    assert len(started) == LEAST


def test_a_slow_page_is_no_strain_but_a_connection_never_opened_is():
    plan = Plan(["a"] * 100, overall=1000)
    first = take(plan)
    plan.done(first[0], True, None, 0.05, connect=0.001)
    before = plan.servers["a"].cap
    plan.done(first[1], True, None, 4.5, connect=0.002)  # a hung page, quickly connected
    plan.done(first[2], False, "timeout", 5.0, connect=0.002)
    assert plan.servers["a"].cap >= before
    plan.done(first[3], False, "timeout", 5.0)  # its connection never opened
    assert plan.servers["a"].cap < before


def test_a_parked_check_frees_its_place_under_the_cap_once():
    plan = Plan(["a"] * 20, overall=1000)
    first = take(plan)
    assert take(plan) == []
    plan.park(first[0])
    plan.park(first[0])  # (parked once)
    assert take(plan) == [FIRST]
    assert plan.servers["a"].open == FIRST
    plan.done(first[0], True, None, 4.0, connect=0.001)  # its end frees no second place
    assert plan.servers["a"].open == FIRST
    assert plan.open == FIRST


def test_refused_while_others_answer_halves_but_a_dead_server_keeps_its_cap():
    dead = Plan(["a"] * 50, overall=1000)
    for index in take(dead):
        dead.done(index, False, "connection", 0.001)
    assert dead.servers["a"].cap == FIRST  # nothing answered: no strain to read
    alive = Plan(["a"] * 50, overall=1000)
    first = take(alive)
    alive.done(first[0], True, None, 0.01)
    alive.done(first[1], False, "connection", 0.001)
    assert alive.servers["a"].cap == (FIRST + 1) / 2


def test_other_errors_neither_grow_nor_halve():
    plan = Plan(["a"] * 50, overall=1000)
    first = take(plan)
    plan.done(first[0], True, None, 0.01)
    before = plan.servers["a"].cap
    plan.done(first[1], False, "tls", 0.02)
    plan.done(first[2], False, "protocol", 0.02)
    assert plan.servers["a"].cap == before


def test_a_check_too_late_to_be_tried_frees_its_place_and_tells_nothing():
    plan = Plan(["a"] * 20, overall=1000)
    first = take(plan)
    plan.done(first[0], False, None, 0.0, tried=False)
    assert plan.servers["a"].cap == FIRST
    assert take(plan) == [FIRST]


def test_what_is_left_comes_out_in_order_and_never_starts():
    plan = Plan(["a"] * 12 + ["b"] * 12, overall=1000)
    take(plan)
    left = plan.left()
    assert left == [*range(FIRST, 12), *range(12 + FIRST, 24)]
    assert plan.waiting == 0
    plan.done(0, True, None, 0.01)
    assert take(plan) == []


def test_new_connections_to_one_server_are_paced_not_all_at_once():
    plan = Plan(["a"] * 12 + ["b"] * 2, overall=1000)
    # at once: a burst of BURST to a, and b's own
    assert plan.take(10.0) == [*range(BURST), 12, 13]
    assert plan.take(10.0) == []
    # then one each 1/PACE seconds
    assert plan.next_at() == pytest.approx(10.0 + 1 / PACE)
    assert plan.take(10.0 + 1 / PACE) == [BURST]
    # a pause fills the burst again, never more than BURST at once
    assert plan.take(20.0) == list(range(BURST + 1, FIRST))
    assert plan.servers["a"].open == FIRST


def _slow_start(rate: Callable[[Server], float]) -> tuple[Plan, list[int]]:
    """A server whose answers come ``rate(server)`` a second; returns the plan when its slow
    start ended, and the sizes of the turns it went through."""
    plan = Plan(["a"] * 100_000, overall=100_000)
    server = plan.servers["a"]
    now, sizes = 0.0, []
    plan.take(now)
    while server.cap < server.threshold and len(sizes) < 12:
        if not sizes or sizes[-1] != server.turn_size:
            sizes.append(server.turn_size)
        # the oldest open one ends, 1/rate after the one before (one server: the checks start
        # in order, so the open ones are the last ``open`` started)
        index = server.starts - server.open
        now += 1 / rate(server)
        plan.done(index, True, None, 0.02, now=now)
        while (at := plan.next_at()) is not None and at <= now:
            plan.take(now)
        plan.take(now)
    return plan, sizes


def test_a_slow_start_ends_when_two_turns_bring_no_more_answers_back_at_the_cap_that_paid():
    # 8 -> 16 paid (twice the answers a second); 16 -> 32 brought a little more (1.2x, not the
    # 1.25x that pays), and the next turn no more: back to 16, and no more doubling
    rates = {8: 100.0, 16: 200.0, 32: 240.0}
    plan, sizes = _slow_start(lambda server: rates.get(server.turn_size, 240.0))
    assert sizes[:3] == [8, 16, 32]
    assert plan.servers["a"].cap == plan.servers["a"].threshold == 16


def test_one_turn_that_does_not_pay_is_noise_the_slow_start_goes_on():
    # answers a second follow the cap (a server with room to spare), but for one turn of noise
    def rate(server: Server) -> float:
        return 210.0 if server.turn_size == 32 else 12.5 * server.open

    plan, sizes = _slow_start(rate)
    assert sizes[:3] == [8, 16, 32] and sizes[-1] > 128
    assert plan.servers["a"].cap == MOST
