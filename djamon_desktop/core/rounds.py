"""One round's checks and what it found: the connectivity guard, every active site checked (as
many at once as politeness allows: ``core.parallel``), and the round's report. Pure of storage:
:mod:`djamon_desktop.cycle` stores the results.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .expect import Expect
from .outages import state_of
from .parallel import any_good
from .probe import ProbeResult, Session
from .sites import SiteInfo
from .spread import probe_spread
from .states import State
from .status import answer_text
from .urls import shown_url

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SiteOutcome:
    """A site's part in a round: the site as it was before, what its check saw, and after."""

    site: SiteInfo  # as it was before the round
    result: ProbeResult
    ok: bool
    down_count: int  # the team's (the site row's: the ``confirmations`` rule over live vantages)
    state: State  # up | warning | down (unknown: never checked)
    vantage_down_count: int = 0  # this vantage's own failures in a row

    @property
    def busy(self) -> bool:
        """Not checked: the round could not start it in time (its counts and state as before)."""
        return self.result.error == "busy"


@dataclass
class RoundReport:
    """What one round did; the command line prints it and the app shows it."""

    started_at: datetime
    finished_at: datetime
    connectivity: bool
    outcomes: list[SiteOutcome] = field(default_factory=list)
    outages_opened: list[int] = field(default_factory=list)
    outages_closed: list[int] = field(default_factory=list)
    unanswered: tuple[str, ...] = ()  # the sandbox URLs, when connectivity was lost

    @property
    def busy(self) -> int:
        """How many sites the round could not start in time (``busy``: not checked)."""
        return sum(o.busy for o in self.outcomes)

    @property
    def failing(self) -> int:
        """How many sites the round checked and found failing (a busy one was not checked)."""
        return sum(not o.ok and not o.busy for o in self.outcomes)

    @property
    def exit_code(self) -> int:
        """0 all good (or nothing to check), 1 some site failed, 3 connectivity lost. A site
        the round could not start (``busy``) is no failure: nothing is known of it, and a
        script that pages someone on 1 would page them for this machine's load."""
        if not self.connectivity:
            return 3
        return 1 if self.failing else 0


def start_order(sites: Sequence[SiteInfo]) -> list[SiteInfo]:
    """The least recently checked first, then the slowest last time, so a hung site never
    waits behind quick ones.

    A round that could not start all its checks in time (``busy``) leaves the sites it missed
    with the last check they had: older than the others', so the next round starts them first,
    whichever process runs it. A site never checked comes first of all."""
    return sorted(
        sites,
        key=lambda s: (
            s.last_checked.timestamp() if s.last_checked is not None else float("-inf"),
            -(s.last_elapsed_ms or 0.0),
        ),
    )


async def probe_round(
    sandbox: Sequence[str],
    urls: Sequence[str],
    timeout: float,
    good_codes: Sequence[int],
    on_result: Callable[[int, ProbeResult], None] | None = None,
    expects: Sequence[Expect] | None = None,
) -> list[ProbeResult] | None:
    """The sites' results, or None when connectivity is lost. The sandbox URLs are tried at the
    same time as the sites, so the round's bound holds for both (``core.parallel``: within the
    timeout when all could start at once, twice it at worst); when no sandbox URL answers well,
    the sites' checks are stopped (or their results dropped) and nothing is counted.

    ``on_result(index, result)`` is called as each site's check ends (see ``probe_all``);
    ``expects``: each site's :class:`Expect`, in the order of ``urls``. A large round's checks
    are spread over processes (:mod:`.spread`); the guard runs here."""
    session = Session()
    checks = probe_spread(
        urls,
        timeout,
        on_result=on_result,
        expects=expects,
        good_codes=good_codes,
        session=session,
    )
    if not sandbox:
        return await checks
    guard = asyncio.ensure_future(any_good(list(sandbox), timeout, list(good_codes), session))
    sites = asyncio.ensure_future(checks)
    try:
        if await guard:
            return await sites
        return None
    finally:
        for task in (guard, sites):
            task.cancel()
        await asyncio.gather(guard, sites, return_exceptions=True)


def outcomes_of(
    sites: Sequence[SiteInfo],
    results: dict[int, ProbeResult],
    down_counts: dict[int, int],
    good_codes: Sequence[int],
    strikes: int,
    failing: Collection[int] = (),
    own_counts: Mapping[int, int] | None = None,
) -> list[SiteOutcome]:
    """Each site's outcome, in the sites' order; ``down_counts`` as stored (a site deleted while
    the round ran keeps the count it had); ``failing``: the sites some vantage sees failing;
    ``own_counts``: this vantage's own counts (where one is missing: the team's). A site the
    round could not start (``busy``) keeps its count and state as they were."""
    out = []
    own = own_counts or {}
    for site in sites:
        result = results[site.site_id]
        count = down_counts.get(site.site_id, site.down_count)
        busy = result.error == "busy"
        out.append(
            SiteOutcome(
                site=site,
                result=result,
                ok=result.is_good(good_codes),
                down_count=site.down_count if busy else count,
                state=site.state
                if busy
                else state_of(count, True, strikes, site.site_id in failing),
                vantage_down_count=own.get(site.site_id, count),
            )
        )
    return out


def log_round(report: RoundReport) -> None:
    """One line per failing site and one for the round, for the log file."""
    if not report.connectivity:
        log.warning("connectivity lost: no sandbox URL answered with a good code")
        return
    failing = [o for o in report.outcomes if not o.ok and not o.busy]
    for o in failing:
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
        len(report.outcomes),
        len(failing),
        report.outages_opened,
        report.outages_closed,
    )
    if report.busy:
        log.warning(
            "round: %d not checked (busy): this machine could not start them in time;"
            " no strike, and they go first in the next round",
            report.busy,
        )
