"""Storing a round on a team's PostgreSQL in two round trips, whatever the number of sites.

A desktop may be far from its team's database (300 ms a round trip is a slow but real link), and
every statement sent on its own waits that long. So a round sends two:

1. ``BEGIN``, the writers' turn (the advisory lock ``engine.writing`` takes), this vantage's last
   round, then one ``SELECT`` of all the round needs to read inside the turn (every site's
   strikes, the live vantages' counts, the open outage and its sites, each with whether it is
   marked recovered or removed, whether an alert waits), aggregated as JSON: one answer;
2. every write, its rows as arrays (``bulk.unnest``): this vantage's counts, the sites, the
   checks and the hour summary; then the notice to the listening desktops and ``COMMIT``.

The rules run here in between, in Python, exactly as on SQLite (``store.rounds``): the same
functions count the strikes and plan the outage. When the plan opens, joins or closes an outage,
a site of the open one recovers or leaves monitoring, or a certificate warning is due (rare
rounds), the writes go first without the commit, then the outage, its timeline events and its
alerts are written as on SQLite, then the notice and the commit: a few round trips more. The
turn is held from the first answer to the commit: one round trip in the usual round.

Anything failing rolls the transaction back (or the connection is gone, and the server does):
nothing of the round is stored.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection

from ..core.outages import SiteStrikes
from ..core.settings_value import Settings
from . import history, round_events, round_rules, vantages
from .bulk import unnest
from .engine import NOTIFY, in_turn
from .models import db
from .round_alerts import Render, certs_due, queue_cert_warnings
from .round_rules import RoundRecord, RoundRows

# as engine.writing ends a turn: only a transaction that changed a row tells the desktops

_ENTER = (
    "INSERT INTO vantage (name, last_round_at) VALUES (%(name)s, %(when)s)"
    " ON CONFLICT (name) DO UPDATE SET last_round_at = excluded.last_round_at"
    # a slow round ending after a later one keeps the later
    " WHERE vantage.last_round_at IS NULL OR vantage.last_round_at < excluded.last_round_at"
)

_READ = """SELECT
    (SELECT id FROM vantage WHERE name = %(name)s),
    (SELECT json_agg(json_build_array(site.id, site.active, site.priority, site_group.position,
            site.position, site.down_count, site.failing, site.last_seen,
            EXISTS (SELECT 1 FROM site_vantage sv WHERE sv.site_id = site.id)))
        FROM site JOIN site_group ON site_group.id = site.group_id),
    (SELECT json_agg(json_build_array(sv.site_id, sv.vantage_id, sv.down_count, sv.last_seen))
        FROM site_vantage sv JOIN vantage v ON v.id = sv.vantage_id
        WHERE (v.last_round_at > %(since)s OR v.name = %(name)s) {few}),
    (SELECT json_build_array(outage.id, (SELECT json_agg(json_build_array(os.id, os.site_id,
            os.kept_site_id, os.recovered_at, os.removed_at)) FROM outage_site os
            WHERE os.outage_id = outage.id))
        FROM outage WHERE outage.end_time IS NULL ORDER BY outage.id DESC LIMIT 1),
    EXISTS (SELECT 1 FROM alert WHERE delivered_at IS NULL),
    EXISTS (SELECT 1 FROM alert WHERE held_until <= %(when)s AND delivered_at IS NULL)
        OR EXISTS (SELECT 1 FROM outage WHERE end_time IS NULL AND acknowledged_by IS NULL
            AND escalated_at IS NULL AND start_time <= %(remind_before)s)"""

_VANTAGE_TYPES = ("integer", "integer", "bigint", "bigint", "smallint", "text", "real", "text")
_CHECK_TYPES = ("integer", "bytea", "smallint", "text", "real", "text")
_HOUR_TYPES = ("integer", "integer", "integer", "integer", "real", "real", "text")


def record_team_round(
    rows: RoundRows, settings: Settings, render: Render, quiet: frozenset[int]
) -> RoundRecord:
    """``rounds.record_round`` on a team's PostgreSQL (outside any transaction)."""
    cursor = db.cursor()
    try:
        record = _record(cursor, rows, settings, render, quiet)
    except BaseException:
        with contextlib.suppress(Exception):  # the connection may be gone: the server rolls back
            cursor.execute("ROLLBACK")
        raise
    return record


def _record(
    cursor, rows: RoundRows, settings: Settings, render: Render, quiet: frozenset[int]
) -> RoundRecord:
    strikes, cert_warning_days = settings.strikes, settings.cert_warning_days
    when, when_ms = rows.when, rows.when_ms
    name = vantages.current()
    params: dict = {"name": name, "when": when_ms, "since": vantages.live_since(when_ms)}
    # whether a reminder or a digest falls due, read with the rest (-1: reminders are off)
    minutes = settings.escalate_after_minutes
    params["remind_before"] = when_ms - minutes * 60_000 if minutes else -1
    ready = _handed_over(rows, rows.results)  # (before the turn: nothing waits on it)
    few = ""
    if 0 < len(rows.results) <= vantages.FEW:  # a fast-lane round: its own sites' rows
        few, params["few"] = "AND sv.site_id = ANY(%(few)s)", list(rows.results)
    app = vantages.app_mark()  # the app's heartbeat, in the same round trip
    in_turn(cursor, f"{_ENTER}; {app}{_READ.format(few=few)}", params)
    vantage_id, sites, counts, open_outage, waiting, due = cursor.fetchone()
    standing = {
        row[0]: SiteStrikes(row[0], row[1], row[2], (row[3], row[4]), row[5], row[6])
        for row in sites or ()
    }
    first_counts = {row[0]: (row[5], row[7]) for row in sites or () if not row[8]}

    def first(new: list[int]) -> dict[int, tuple[int, int | None]]:
        # a site no vantage has counted yet starts at its stored count and last seen
        return {i: first_counts.get(i, (0, None)) for i in new}

    results = {i: result for i, result in rows.results.items() if i in standing}
    counted, upserts = vantages.count_rows(
        vantage_id,
        when_ms,
        results,
        rows.good_codes,
        counts or (),
        first,
        settings.confirmations,
        strikes,
    )
    site_values = round_rules.site_rows(results, counted, standing, rows.good_codes, when_ms)
    writes, values = _writes(rows, ready, results, upserts, site_values, vantage_id, when_ms)
    found = None
    if open_outage is not None:
        found = (open_outage[0], round_events.members_from_rows(open_outage[1] or ()))
    plan = round_rules.outage_plan(
        standing, round_events.site_ids(found[1]) if found else None, strikes, quiet
    )
    # a member recovered or taken out of monitoring is marked (and its event stored) each round
    leaving = bool(found) and bool(round_events.leaving(found[1], standing))
    cert_due = certs_due(results, counted.team, cert_warning_days, when)
    opened: list[int] = []
    closed: list[int] = []
    codes: dict[int, str] = {}
    if round_rules.changes_nothing(plan) and not leaving and not cert_due:
        cursor.execute(f"{writes}; {NOTIFY}; COMMIT", values)
    else:
        cursor.execute(writes, values)
        opened, closed = round_rules.apply_outage_rules(
            when, standing, strikes, render, quiet, found, codes
        )
        queue_cert_warnings(rows, counted.team, cert_warning_days, render)
        cursor.execute(f"{NOTIFY}; COMMIT")
        waiting = True  # (or look: what it queued may be held, or on no channel)
    return RoundRecord(
        counted.team, opened, closed, counted.own, counted.failing, waiting, codes, due_work=due
    )


Source = tuple[str, list[str]]  # an unnest of arrays and its parameters (bulk.unnest)


def _handed_over(rows: RoundRows, keep: Collection[int]) -> tuple[Source, Source]:
    """The round's checks and hour shares of the sites in ``keep``, as arrays: what no other
    writer's work decides, written before the turn is taken."""
    checks = [(row[0], *row[2:]) for row in rows.check_rows if row[0] in keep]
    hours = [row for row in history._by_hour(rows.hour_rows) if row[0] in keep]
    return unnest(_CHECK_TYPES, checks), unnest(_HOUR_TYPES, hours)


def _writes(
    rows: RoundRows,
    ready: tuple[Source, Source],
    results: dict,
    upserts: list[tuple],
    site_values: list[tuple],
    vantage_id: int,
    when_ms: int,
) -> tuple[str, list]:
    """The round's writes as one text of statements, and its parameters in order (``ready``:
    the checks and hour shares of every site of the round, from :func:`_handed_over`)."""
    values: list = []
    statements = []
    if upserts:
        source, columns = unnest(_VANTAGE_TYPES, [(row[0], *row[2:]) for row in upserts])
        statements.append(
            "INSERT INTO site_vantage (site_id, vantage_id, down_count, last_seen, last_checked,"
            " last_status_code, last_error, last_elapsed_ms, last_detail) SELECT v.site_id, %s,"
            " v.down_count, v.last_seen, v.last_checked, v.status_code, v.error, v.elapsed_ms,"
            f" v.detail FROM {source} AS v (site_id, down_count, last_seen, last_checked,"
            f" status_code, error, elapsed_ms, detail) {vantages.UPSERT_CONFLICT}"
        )
        values += [vantage_id, *columns]
    if site_values:
        names = [column for column, _type in round_rules.SITE_VALUES]
        source, columns = unnest([t for _c, t in round_rules.SITE_VALUES], site_values)
        statements.append(
            f"UPDATE site SET {round_rules.SITE_SET} FROM {source} AS v ({', '.join(names)})"
            " WHERE site.id = v.id"
        )
        values += columns
    checks, hours = ready
    if len(results) < len(rows.results):  # a site deleted while the round ran: not its rows
        checks, hours = _handed_over(rows, results)
    if checks[1]:
        source, columns = checks
        statements.append(
            'INSERT INTO "check" (site_id, time, id, status_code, error, elapsed_ms, detail,'
            " vantage_id) SELECT c.site_id, %s, c.id, c.status_code, c.error, c.elapsed_ms,"
            f" c.detail, %s FROM {source} AS c (site_id, id, status_code, error, elapsed_ms,"
            " detail)"
        )
        values += [when_ms, vantage_id, *columns]
    if hours[1]:
        source, columns = hours
        statements.append(f"{history.HOUR_INSERT} SELECT * FROM {source} {history.HOUR_CONFLICT}")
        values += columns
    if not statements:
        statements.append("SELECT 1")
    return "; ".join(statements), values
