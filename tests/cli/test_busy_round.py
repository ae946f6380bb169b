"""`check` when a round cannot start all its checks in time: the rest are ``busy``, not
checked: no strike, no change to the site, no check stored, and first in the next round."""

from __future__ import annotations

import time

import pytest

from djamon_desktop.core.polite import FIRST
from djamon_desktop.store.models import Check, Site

from ..conftest import document, group, opened, site
from ..stock_server import StockServer

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

SITES = 300


@pytest.fixture
def slow_server():
    server = StockServer(delay=0.0, code=500, queue=128).start()
    yield server
    server.stop()


def stored(data_dir) -> dict[str, tuple[int, object, int]]:
    """Each site's down count, last check time and number of stored checks, by title."""
    with opened(data_dir):
        counts: dict[int, int] = {}
        for (site_id,) in Check.select(Check.site).tuples():
            counts[site_id] = counts.get(site_id, 0) + 1
        return {
            title: (down_count, last_checked, counts.get(site_id, 0))
            for site_id, title, down_count, last_checked in Site.select(
                Site.id, Site.title, Site.down_count, Site.last_checked
            ).tuples()
        }


def test_sites_a_round_could_not_start_are_busy_keep_their_state_and_go_first_next(
    slow_server, load, run, data_dir
):
    titles = [f"s{n:03}" for n in range(SITES)]
    load(
        document(
            group("G", *(site(t, slow_server.url(f"/site/{t}")) for t in titles)),
            timeout_seconds=1,
        )
    )
    # round 1: every answer quick and failing (500): a strike each (a site this loaded machine
    # could not start in time is busy here too, and keeps its 0)
    first = run("check", "--json")
    one = {r["title"]: r for r in first.json()["results"]}
    assert first.code == 1
    checked_once = {t for t, r in one.items() if r["error"] != "busy"}
    assert len(checked_once) > SITES // 2
    before = stored(data_dir)
    assert all(before[t][0] == 1 and before[t][2] == 1 for t in checked_once)

    # round 2: the server takes 0.8 s an answer, good ones: by the 1 s timeout its cap has let
    # only its first places start, and as many again as those were parked (connected, waiting
    # 0.5 s) or answered; the rest are busy
    slow_server.delay, slow_server.code = 0.8, 200
    slow_server.paths.clear()
    began = time.monotonic()
    second = run("check", "--json")
    took = time.monotonic() - began
    two = {r["title"]: r for r in second.json()["results"]}
    busy = {t for t, r in two.items() if r["error"] == "busy"}
    checked = set(titles) - busy
    assert FIRST <= len(checked) <= 4 * FIRST and len(busy) >= SITES - 4 * FIRST
    assert second.code == 0  # the checked ones were good; busy is no failure
    assert {two[t]["status_code"] for t in checked} == {200}
    for t in busy:
        r = two[t]
        assert (r["ok"], r["status_code"], r["elapsed_ms"]) == (False, None, 0)
        # as stored before the round: its strikes and state
        assert r["down_count"] == before[t][0]
        assert r["state"] == ("warning" if t in checked_once else "unknown")
    # never sent to the server
    assert sorted(slow_server.paths) == sorted(f"/site/{t}" for t in checked)
    after = stored(data_dir)
    for t in busy:
        assert after[t] == before[t]  # no strike, same last check, no check stored
    for t in checked:
        assert after[t][0] == 0 and after[t][2] == before[t][2] + 1
    # within twice the timeout, and slack for starting the command and storing on a loaded
    # machine
    assert took < 2.0 + 2.0, took

    # round 3: the busy ones go first (their last check is the oldest), whatever process runs
    # it; the text says how many were not checked
    slow_server.paths.clear()
    third = run("check")
    assert third.code == 0
    assert slow_server.paths, "round 3 checked nothing"
    assert {p.rsplit("/", 1)[1] for p in slow_server.paths} <= busy
    assert "sites not checked: this machine could not start them in time" in third.out
