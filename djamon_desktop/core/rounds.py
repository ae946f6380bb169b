"""One monitoring round: the connectivity guard, every active site checked at once, and the
results stored with their strikes and outage changes as one unit.

The command line's ``check`` and the desktop app's poller both call :func:`run_round`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from ..store import repo
from ..store.outbox import AlertPolicy
from .outages import state_of
from .probe import ProbeResult, Session, any_good, probe_all
from .status import answer_text
from .urls import shown_url

log = logging.getLogger(__name__)


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SiteOutcome:
    site: repo.SiteInfo  # as it was before the round
    result: ProbeResult
    ok: bool
    down_count: int
    state: str


@dataclass
class RoundReport:
    started_at: datetime
    finished_at: datetime
    connectivity: bool
    outcomes: list[SiteOutcome] = field(default_factory=list)
    outages_opened: list[int] = field(default_factory=list)
    outages_closed: list[int] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        """0 all good (or nothing to check), 1 some site failed, 3 connectivity lost."""
        if not self.connectivity:
            return 3
        return 1 if any(not o.ok for o in self.outcomes) else 0


def start_order(sites: list[repo.SiteInfo]) -> list[repo.SiteInfo]:
    """The slowest last time start first, so a hung site never waits behind quick ones."""
    return sorted(sites, key=lambda s: -(s.last_elapsed_ms or 0.0))


async def _probe_round(
    sandbox: list[str], urls: list[str], timeout: float, good_codes: list[int]
) -> list[ProbeResult] | None:
    """The sites' results, or None when connectivity is lost. The sandbox URLs are tried at the
    same time as the sites, so one deadline bounds the round; when no sandbox URL answers well,
    the sites' checks are stopped (or their results dropped) and nothing is counted."""
    session = Session()
    if not sandbox:
        return await probe_all(urls, timeout, session)
    guard = asyncio.ensure_future(any_good(sandbox, timeout, good_codes, session))
    sites = asyncio.ensure_future(probe_all(urls, timeout, session))
    try:
        if await guard:
            return await sites
        return None
    finally:
        for task in (guard, sites):
            task.cancel()
        await asyncio.gather(guard, sites, return_exceptions=True)


def run_round(clock: Callable[[], datetime] = utc_now) -> RoundReport:
    """Run and store one round with the current settings. The database must be open."""
    settings = repo.load_settings()
    strikes: int = settings["strikes"]
    good_codes: list[int] = settings["good_codes"]
    timeout = float(settings["timeout_seconds"])
    policy = AlertPolicy.from_settings(settings)
    sites = repo.list_sites(strikes, only_active=True)
    started = clock()
    if not sites:
        closed = repo.settle_outages(started, strikes, policy)
        return RoundReport(started, clock(), True, outages_closed=closed)

    ordered = start_order(sites)
    results = asyncio.run(
        _probe_round(settings["sandbox_urls"], [s.url for s in ordered], timeout, good_codes)
    )
    if results is None:
        log.warning("connectivity lost: no sandbox URL answered with a good code")
        closed = repo.settle_outages(started, strikes, policy)
        return RoundReport(started, clock(), False, outages_closed=closed)

    by_site = {site.site_id: result for site, result in zip(ordered, results, strict=True)}
    record = repo.record_round(
        started, [(s.site_id, by_site[s.site_id]) for s in sites], good_codes, strikes, policy
    )
    outcomes = []
    for site in sites:
        result = by_site[site.site_id]
        count = record.down_counts.get(site.site_id, site.down_count)
        outcomes.append(
            SiteOutcome(
                site=site,
                result=result,
                ok=result.is_good(good_codes),
                down_count=count,
                state=state_of(count, True, strikes),
            )
        )
    report = RoundReport(started, clock(), True, outcomes, list(record.opened), list(record.closed))
    failing = sum(1 for o in outcomes if not o.ok)
    for o in outcomes:
        if not o.ok:
            log.info(
                "%s / %s (%s): %s%s",
                o.site.group,
                o.site.title,
                shown_url(o.site.url),
                answer_text(o.result.status_code, o.result.error),
                f" ({o.result.detail})" if o.result.detail else "",
            )
    log.info(
        "round: %d sites, %d failing, outages opened %s, closed %s",
        len(outcomes),
        failing,
        report.outages_opened,
        report.outages_closed,
    )
    return report
