"""Small helpers for the store's tests: sites added the way the editor adds them, rounds stored
the way the cycle stores them (results made here, no network)."""

from __future__ import annotations

from datetime import datetime

from djamon_desktop.alerts.messages import AlertPolicy
from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.store import editing, queries
from djamon_desktop.store.rounds import RoundRecord, RoundRows, record_round

GOOD = [200, 301, 304]
UP = ProbeResult(200, None, 40.0)
FAILING = ProbeResult(500, None, 90.0)
HUNG = ProbeResult(None, "timeout", 5000.0)
BOTH = AlertPolicy(("email", "twitter"), notify_recovery=True)


def add_site(title: str, priority: str = "normal", group: str = "G") -> int:
    url = f"https://{title.lower()}.example/"
    return editing.save_site(group, {"title": title, "url": url, "priority": priority})


def site_named(title: str):
    return next(s for s in queries.list_sites(3) if s.title == title)


def rows_of(when: datetime, results: dict[int, ProbeResult]) -> RoundRows:
    rows = RoundRows(when, GOOD)
    for site_id, result in results.items():
        rows.add(site_id, result)
    return rows


def store_round(
    when: datetime, results: dict[int, ProbeResult], strikes: int = 2, policy=BOTH
) -> RoundRecord:
    return record_round(rows_of(when, results), strikes, policy.texts)
