"""`check` with a round large enough to be spread over processes, as a user runs it: the
workers start from ``python -m djamon_desktop`` (spawned, not forked), every site's result
comes back to the one process that stores them, and the process exits as usual."""

from __future__ import annotations

import os

import pytest

from djamon_desktop.core.spread import SPREAD_AT, processes_for

from ..conftest import document, group, site
from ..servers import ManySitesServer

pytestmark = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2, reason="a round is spread only on a machine with several cores"
)


@pytest.fixture(scope="module")
def many():
    server = ManySitesServer(ports=40).start()
    yield server
    server.stop()


def test_a_round_spread_over_processes_stores_every_sites_result(many, load, run_process, run):
    count = SPREAD_AT
    assert processes_for(count) >= 2  # (or this test would prove nothing about spreading)
    sites = [site(f"site {n}", f"{many.bases[n % 40]}/s/{20 + n % 100}") for n in range(count - 3)]
    sites += [site(f"hung {n}", f"{many.bases[n]}/hang/{n}") for n in range(3)]
    load(document(group("Many", *sites), timeout_seconds=3))

    checked = run_process("check", "--json")
    assert checked.code == 1, checked.err  # the hung sites failed
    assert checked.err == ""
    results = checked.json()["results"]
    by_title = {r["title"]: r for r in results}
    assert len(by_title) == count
    assert all(by_title[f"site {n}"]["ok"] for n in range(count - 3))
    assert [by_title[f"hung {n}"]["error"] for n in range(3)] == ["timeout"] * 3
    # what the round stored: every site checked once, the hung ones with a strike
    listed = run("sites", "--json").json()
    counts = {s["title"]: s["down_count"] for s in listed}
    assert len(counts) == count and sum(counts.values()) == 3 and counts["hung 0"] == 1
    assert all(s["last_seen"] for s in listed if s["title"].startswith("site "))
