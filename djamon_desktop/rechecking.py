"""The app's answer to the rechecks asked of its vantage (``store.rechecks``): the sites checked
at once with the round engine (``cycle.run_cycle(only=...)``, so each check is stored as a round
of this vantage, strikes and outages included), then each answer stored.

A site the round leaves out because it is in maintenance (a window, a pause) is checked apart,
not stored as a round, as a paused site keeps its strikes; one that is inactive or gone by then
is answered "not checked", and every site "no connectivity" when no sandbox URL answered.

Layers: like ``cycle``, this module sits above ``store`` and ``core``; it knows no Qt. The app's
round thread runs it (``gui.poller``)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from .core.clock import Clock
from .core.probe import ProbeResult, probe_all
from .core.settings_value import Settings
from .cycle import CycleReport, run_cycle
from .store import rechecks, vantages
from .store.queries import list_sites

#: how often a running app marks itself seen when no round it stored did (``Heartbeat``)
APP_SEEN_EVERY = timedelta(minutes=5)


@dataclass(frozen=True)
class RecheckRound:
    """The rechecks one round answers: (recheck id, site id) each."""

    asks: tuple[tuple[int, int], ...]

    @property
    def site_ids(self) -> list[int]:
        return sorted({site_id for _, site_id in self.asks})


def run_recheck(clock: Clock, asked: RecheckRound) -> CycleReport:
    """Check the rechecked sites now, store the round, then this vantage's answers."""
    report = run_cycle(clock, only=asked.site_ids)
    found: dict[int, tuple[bool, ProbeResult]] = {
        o.site.site_id: (o.ok, o.result) for o in report.outcomes
    }
    left = [site_id for site_id in asked.site_ids if site_id not in found]
    if left and report.connectivity:
        found.update(_checked_apart(left, report.settings, clock))
    rows = []
    for recheck_id, site_id in asked.asks:
        if site_id in found:
            ok, r = found[site_id]
            rows.append((recheck_id, ok, r.status_code, r.error, r.elapsed_ms))
        else:
            why = "not checked" if report.connectivity else "no connectivity"
            rows.append((recheck_id, False, None, why, None))
    rechecks.answer(vantages.current(), rows, clock())
    return report


def _checked_apart(
    site_ids: list[int], settings: Settings, clock: Clock
) -> dict[int, tuple[bool, ProbeResult]]:
    """The active sites among ``site_ids`` (those in maintenance) checked, not stored."""
    wanted = set(site_ids)
    sites = [s for s in list_sites(1, only_active=True, now=clock()) if s.site_id in wanted]
    if not sites:
        return {}
    results = asyncio.run(
        probe_all(
            [s.url for s in sites],
            float(settings.timeout_seconds),
            expects=[s.expect for s in sites],
            good_codes=list(settings.good_codes),
        )
    )
    good = list(settings.good_codes)
    return {s.site_id: (r.is_good(good), r) for s, r in zip(sites, results, strict=True)}


class Heartbeat:
    """When the app marks its vantage's app as running (``vantages.app_seen``), for a vantage
    a recheck is asked of while it runs: at its start, then whenever no round it stored did
    (``vantages.app_rounds``) for :data:`APP_SEEN_EVERY` (a sparse schedule, a pause). The
    poller's timer calls :meth:`beat`; ``send`` makes the mark (the App's: on the reads
    thread); without one, nothing is marked."""

    def __init__(self) -> None:
        self.send: Callable[[datetime], None] | None = None
        self._seen: datetime | None = None

    def beat(self, now: datetime) -> None:
        if self.send is not None and (self._seen is None or now - self._seen >= APP_SEEN_EVERY):
            self._seen = now
            self.send(now)

    def stored(self, now: datetime) -> None:
        """A round was stored at ``now``: its own write marked the app seen."""
        self._seen = now
