"""A large round's checks spread over processes: the same results as one process gives, in
the same order, each handed on as it ends; a worker that dies fails the round at once; nothing
is left running, however the round ends."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import time
from collections import Counter

import pytest

from djamon_desktop.core.expect import from_stored, parse_expect, stored
from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.core.spread import (
    SpreadFailed,
    probe_spread,
    processes_for,
    server_of,
    shares_of,
)

from ..servers import ManySitesServer, closed_port

TIMEOUT = 2.0


@pytest.fixture(scope="module")
def many():
    server = ManySitesServer(ports=6, body=2048).start()
    yield server
    server.stop()


def workers(many) -> list[multiprocessing.Process]:
    """The processes this one started and that still run, but for the test server's."""
    return [p for p in multiprocessing.active_children() if p.pid != many.pid]


def round_of(many, server) -> list[str]:
    """300 sites over 6 ports of the many-sites server, and among them sites that fail: on a
    closed port (refused), that never answer (timeout), that answer 500 or 404."""
    closed = f"http://127.0.0.1:{closed_port()}"
    urls = []
    for n in range(300):
        if n % 37 == 5:
            urls.append(f"{closed}/refused/{n}")
        elif n % 41 == 7:
            urls.append(f"{many.bases[n % 6]}/hang/{n}")
        elif n % 29 == 3:
            urls.append(server.url(f"/status/{500 if n % 2 else 404}"))
        else:
            urls.append(f"{many.bases[n % 6]}/s/{20 + n % 80}")
    return urls


def run(urls: list[str], processes: int, **kw) -> tuple[list[ProbeResult], list[int]]:
    arrived: list[int] = []

    async def go():
        return await probe_spread(
            urls, TIMEOUT, processes=processes, on_result=lambda i, _r: arrived.append(i), **kw
        )

    return asyncio.run(go()), arrived


def seen(results: list[ProbeResult]) -> list[tuple[int | None, str | None]]:
    return [(r.status_code, r.error) for r in results]


def test_a_spread_round_gives_what_one_process_gives_in_the_same_order(many, server):
    urls = round_of(many, server)
    alone, alone_arrived = run(urls, 1)
    spread, spread_arrived = run(urls, 3)
    assert seen(spread) == seen(alone)
    kinds = Counter(seen(spread))
    # the round really holds every kind of site (or comparing would prove little)
    assert kinds[(200, None)] > 200
    assert kinds[(None, "connection")] == 8 and kinds[(None, "timeout")] == 8
    assert kinds[(500, None)] > 0 and kinds[(404, None)] > 0
    # every result was handed on once, as it ended: the quick ones before the hung ones
    assert sorted(spread_arrived) == sorted(alone_arrived) == list(range(len(urls)))
    hung = {i for i, r in enumerate(spread) if r.error == "timeout"}
    assert set(spread_arrived[-len(hung) :]) == hung
    assert workers(many) == []


def test_a_spread_round_carries_each_sites_expect_to_its_worker(many):
    """A worker gets each site's Expect as its stored text and reads it back, so a site is
    judged by what it expects in any process: as one process judges it."""
    urls = [f"{many.bases[n % 6]}/s/20" for n in range(60)]
    raw = [{"codes": [204]}, {"text": "all is well", "max_ms": 1500}, {}]
    expects = [parse_expect(raw[n % 3], TIMEOUT) for n in range(60)]
    assert [from_stored(stored(e)) for e in expects] == expects
    alone, _ = run(urls, 1, expects=expects)
    spread, _ = run(urls, 3, expects=expects)
    assert [(r.status_code, r.error, r.codes) for r in spread] == [
        (r.status_code, r.error, r.codes) for r in alone
    ]
    assert [r.is_good([200]) for r in spread] == [r.is_good([200]) for r in alone]
    # and what each expects did count: a 200 is not good for a site whose good code is 204
    assert [r.is_good([200]) for r in spread] == [n % 3 != 0 for n in range(60)]
    assert many.gets >= 2 * 20  # the text sites were GETs, in both rounds


def test_a_worker_that_dies_fails_the_round_at_once_and_leaves_nothing_running(many):
    urls = [f"{many.bases[n % 6]}/hang/{n}" for n in range(120)]

    async def go():
        round_ = asyncio.ensure_future(probe_spread(urls, 30.0, processes=3))
        for _ in range(200):  # until the workers run
            await asyncio.sleep(0.05)
            if len(workers(many)) == 2:
                break
        os.kill(workers(many)[0].pid, signal.SIGKILL)
        return await round_

    began = time.monotonic()
    with pytest.raises(SpreadFailed, match="ended without its results"):
        asyncio.run(go())
    assert time.monotonic() - began < 20  # not the round's 30 s: it failed when the worker died
    assert workers(many) == []


def test_a_round_stopped_early_ends_its_workers(many):
    """The connectivity guard stops the sites' checks when no sandbox URL answers: the
    workers end with them."""
    urls = [f"{many.bases[n % 6]}/hang/{n}" for n in range(120)]

    async def go():
        with pytest.raises(TimeoutError):
            await asyncio.wait_for(probe_spread(urls, 30.0, processes=3), 1.0)

    asyncio.run(go())
    assert workers(many) == []


def test_one_servers_sites_share_a_process_and_the_shares_are_balanced():
    urls = [f"http://h{n % 7}.example:{8000 + n % 3}/p/{n}" for n in range(700)]
    urls += [f"https://big.example/{n}" for n in range(300)]
    urls += ["https://BIG.example:443/x", "http://big.example/not-the-same-server"]
    shares = shares_of(urls, 3)
    assert sorted(i for share in shares for i in share) == list(range(len(urls)))
    where = {}
    for n, share in enumerate(shares):
        assert share == sorted(share)  # each in the round's order
        for i in share:
            assert where.setdefault(server_of(urls[i]), n) == n
    sizes = [len(share) for share in shares]
    # this process's share is the smallest (it also takes the others' results), within one
    # whole server of three quarters of a worker's
    assert sizes[0] == min(sizes)
    assert abs(sizes[0] - 0.75 * sizes[1]) <= 301 and abs(sizes[1] - sizes[2]) <= 301


def test_only_a_large_round_on_several_cores_is_spread():
    assert processes_for(1999, cpus=8) == 1
    assert processes_for(10000, cpus=1) == 1
    assert processes_for(2000, cpus=2) == 2
    assert processes_for(10000, cpus=2) == 2
    assert processes_for(3000, cpus=8) == 3
    assert server_of("https://Example.org/a") == "example.org:443"
    assert server_of("http://[::1]:8080/") == "::1:8080"
