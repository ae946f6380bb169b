"""Storing a round: its checks, the hour summary, each site's strikes, and the outage it opens,
joins or closes with the alerts that go with it, all as one transaction.

The rows are built while the round still waits for its slowest sites (:class:`RoundRows`);
:func:`record_round` then re-reads the counts and commits in one ``BEGIN IMMEDIATE``, so a
round stored by another process meanwhile is built upon, and a killed round stores nothing.
On a team's PostgreSQL the same steps go in two round trips (:mod:`.team_rounds`), with the
same rules (:mod:`.round_rules`: ``site_rows``, ``outage_plan``, ``vantages.count_rows``).
"""

from __future__ import annotations

from datetime import datetime

from ..core.settings_value import Settings
from . import history, round_rules, vantages
from .bulk import Staged, update_many
from .engine import is_team, marks, writing
from .models import db
from .round_alerts import Render, queue_cert_warnings
from .round_rules import (
    SITE_SET,
    SITE_VALUES,
    RoundRecord,
    RoundRows,
    read_standing,
    site_rows,
)
from .team_rounds import record_team_round

__all__ = ["Render", "RoundRecord", "RoundRows"]  # re-exported: what the cycle uses


def _check_insert() -> str:
    """A check's row, with the open database's placeholders."""
    return (
        'INSERT INTO "check" (site_id, time, id, status_code, error, elapsed_ms, detail,'
        f" vantage_id) VALUES ({marks(8)})"
    )


def record_round(
    rows: RoundRows,
    settings: Settings,
    render: Render,
    quiet: frozenset[int] = frozenset(),
    known_vantage: int | None = None,
) -> RoundRecord:
    """Store a round's checks, strikes and outage changes as one unit, with the warnings of
    the certificates it saw expire within the settings' ``cert_warning_days`` (0: none); the
    settings' ``strikes`` and ``confirmations`` count the failures. ``known_vantage``: this
    vantage's id when the caller has read it.

    On a team's PostgreSQL this takes two round trips (``store.team_rounds``); SQLite runs the
    same steps one statement at a time.

    The checks are this process's vantage's (``vantages.current``): they count into its own
    strikes, and each site's row gets the team's summary of the live vantages' strikes (the
    ``confirmations`` rule), which the outage rules then read. Counts are read inside the
    transaction, so a round stored by another process meanwhile is built upon, not
    overwritten. Sites deleted while the round ran are skipped.
    """
    if is_team() and not db.in_transaction():
        return record_team_round(rows, settings, render, quiet)
    strikes = settings.strikes
    when, when_ms = rows.when, rows.when_ms
    name = vantages.current()
    known = known_vantage if known_vantage is not None else vantages.find(name)
    # what no other writer decides goes to the database before the turn (the vantage's id is
    # added inside it); inserting the checks themselves stays inside: their foreign key locks
    # each site's row, and a writer deleting a site in its turn would wait for this round while
    # this round waits for that turn (a deadlock PostgreSQL ends by failing one of them)
    checks = Staged(_check_insert(), rows.check_rows)
    hours = history.staged_hour_rows(rows.hour_rows)
    codes: dict[int, str] = {}
    with writing(staged=(checks, hours)):
        standing = read_standing()
        vantage_id = vantages.enter(name, when, known)
        results = {i: result for i, result in rows.results.items() if i in standing}
        counted = vantages.count_round(
            vantage_id,
            when,
            results,
            rows.good_codes,
            {i: site.down_count for i, site in standing.items()},
            settings.confirmations,
            strikes,
        )
        down_counts = counted.team
        site_updates = site_rows(results, counted, standing, rows.good_codes, when_ms)
        update_many("site", SITE_VALUES, SITE_SET, site_updates)
        checks.insert(down_counts, vantage_id)
        hours.insert(down_counts)
        opened, closed = round_rules.apply_outage_rules(
            when, standing, strikes, render, quiet, codes=codes
        )
        queue_cert_warnings(rows, down_counts, settings.cert_warning_days, render)
    return RoundRecord(down_counts, opened, closed, counted.own, counted.failing, codes=codes)


def settle_outages(
    when: datetime, settings: Settings, render: Render, quiet: frozenset[int] = frozenset()
) -> list[int]:
    """Close an open outage whose sites are all up or inactive (for rounds that check nothing;
    a site in maintenance, ``quiet``, is not up by that: it keeps the strikes it had)."""
    with writing():
        _opened, closed = round_rules.apply_outage_rules(
            when, read_standing(), settings.strikes, render, quiet
        )
    return closed
