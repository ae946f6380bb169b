"""What a round says of the sites it could not start (``busy``): their outcome, the exit code,
the log, and where they stand in the next round's order."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from djamon_desktop.core.parallel import busy
from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.core.rounds import RoundReport, log_round, outcomes_of, start_order
from djamon_desktop.core.sites import SiteInfo
from djamon_desktop.core.states import State

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)


def info(site_id: int, checked: datetime | None, elapsed: float | None = None, **kw) -> SiteInfo:
    values = dict(
        site_id=site_id,
        group="g",
        title=f"s{site_id}",
        url=f"http://h{site_id}/",
        priority="normal",
        active=True,
        down_message="down",
        down_count=0,
        state=State.UP,
        last_seen=None,
        last_checked=checked,
        last_status_code=None,
        last_error=None,
        last_elapsed_ms=elapsed,
        order=(0, site_id),
    )
    values.update(kw)
    return SiteInfo(**values)


def test_the_sites_checked_longest_ago_start_first_then_the_slowest():
    last_round, missed = NOW - timedelta(minutes=5), NOW - timedelta(minutes=10)
    sites = [
        info(1, last_round, 20.0),
        info(2, last_round, 900.0),
        info(3, missed, 10.0),  # busy last round: it kept its older check
        info(4, None),  # never checked
        info(5, missed, 300.0),
    ]
    assert [s.site_id for s in start_order(sites)] == [4, 5, 3, 2, 1]


def test_a_busy_site_keeps_its_stored_count_and_state_and_is_no_failure():
    sites = [
        info(1, NOW, down_count=2, state=State.WARNING),
        info(2, NOW, down_count=0, state=State.UP),
    ]
    results = {1: busy(5, 1), 2: ProbeResult(200, None, 12.0)}
    outcomes = outcomes_of(sites, results, {2: 0}, [200], strikes=3)
    assert [(o.ok, o.busy, o.down_count, o.state) for o in outcomes] == [
        (False, True, 2, State.WARNING),
        (True, False, 0, State.UP),
    ]
    report = RoundReport(NOW, NOW, True, outcomes)
    assert (report.busy, report.failing, report.exit_code) == (1, 0, 0)
    failed = outcomes_of(
        sites, {1: busy(5, 1), 2: ProbeResult(503, None, 1.0)}, {2: 1}, [200], strikes=3
    )
    assert RoundReport(NOW, NOW, True, failed).exit_code == 1


def test_busy_says_why_in_its_detail():
    assert busy(5, 412).detail == (
        "not started: the machine could not start it within 5 s of the round's start"
        " (412 checks were waiting)"
    )
    assert busy(1.5, 1).detail.endswith("within 1.5 s of the round's start (1 check was waiting)")
    assert (busy(5, 2).error, busy(5, 2).status_code, busy(5, 2).elapsed_ms) == ("busy", None, 0)


def test_the_log_counts_the_sites_not_checked_and_blames_none(caplog):
    sites = [info(1, NOW), info(2, NOW)]
    outcomes = outcomes_of(sites, {1: busy(5, 2), 2: busy(5, 2)}, {}, [200], strikes=3)
    with caplog.at_level(logging.INFO, logger="djamon_desktop.core.rounds"):
        log_round(RoundReport(NOW, NOW, True, outcomes))
    lines = [r.getMessage() for r in caplog.records]
    assert "round: 2 sites, 0 failing, outages opened [], closed []" in lines
    assert any(line.startswith("round: 2 not checked (busy)") for line in lines)
    assert not any("s1" in line for line in lines)  # no line per busy site, as for a failure
