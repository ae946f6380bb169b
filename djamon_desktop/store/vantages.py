"""Vantage points: every process that checks the sites records them under its name, chosen once
when it starts (:func:`use`). Each vantage keeps its own strikes and last answer per site; the
site row holds the team's summary of the live vantages' (``core.outages.team_strikes``: the
``confirmations`` rule), so everything that reads a site reads the team's view.

:func:`count_round` runs inside the round's one write transaction (:mod:`.rounds`); writers
take turns, so two vantages storing at the same moment build on each other's counts.
"""

from __future__ import annotations

import contextlib
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from ..core.clock import to_ms
from ..core.outages import LIVE, next_down_count, team_strikes
from ..core.probe import ProbeResult
from ..core.sites import SiteInfo
from ..team import default_vantage
from .bulk import executemany
from .engine import marks, writing
from .models import UtcField, Vantage, db

FEW = 100  # a round of at most this many sites reads only their vantages' rows

_chosen: str | None = None
_app = threading.local()  # .rounds: True while the app's round worker runs a round

#: what a vantage's row upserted over the one it had keeps of the new one
UPSERT_CONFLICT = (
    "ON CONFLICT (site_id, vantage_id) DO UPDATE SET down_count = excluded.down_count,"
    " last_seen = excluded.last_seen, last_checked = excluded.last_checked,"
    " last_status_code = excluded.last_status_code, last_error = excluded.last_error,"
    " last_elapsed_ms = excluded.last_elapsed_ms, last_detail = excluded.last_detail"
)


def _upsert() -> str:
    """A vantage's row of a site, upserted (:func:`count_rows` gives its values)."""
    return (
        "INSERT INTO site_vantage (site_id, vantage_id, down_count, last_seen, last_checked,"
        " last_status_code, last_error, last_elapsed_ms, last_detail)"
        f" VALUES ({marks(9)}) {UPSERT_CONFLICT}"
    )


def use(name: str | None) -> None:
    """This process's vantage name from now on (None: back to the default, the host name)."""
    global _chosen
    _chosen = name


def current() -> str:
    """The name this process records its checks under."""
    return _chosen or default_name()


def default_name() -> str:
    """The machine's host name (what ``team.vantage_name`` gives without option or variable)."""
    return default_vantage()


def find(name: str) -> int | None:
    """The vantage's id, None before its first round. Vantages are never deleted, so a round
    looks its own up before its write turn."""
    row = db.execute_sql(f"SELECT id FROM vantage WHERE name = {marks()}", (name,)).fetchone()
    return None if row is None else row[0]


def enter(name: str, when: datetime, known: int | None = None) -> int:
    """The vantage's id (added at its first round), its last round marked ``when``. Inside the
    round's write transaction; ``known``: its id as :func:`find` gave it, if it had one."""
    when_ms = to_ms(when)
    app = getattr(_app, "rounds", False)
    vantage_id = known if known is not None else find(name)
    if vantage_id is None:
        seen = when_ms if app else None
        return Vantage.insert(name=name, last_round_at=when_ms, app_seen_at=seen).execute()
    # a slow round ending after a later one keeps the later
    p = marks()
    if app:  # the app's heartbeat, in the round's own write (see app_rounds)
        db.execute_sql(
            f"UPDATE vantage SET app_seen_at = {p}, last_round_at = CASE WHEN last_round_at"
            f" IS NULL OR last_round_at < {p} THEN {p} ELSE last_round_at END WHERE id = {p}",
            (when_ms, when_ms, when_ms, vantage_id),
        )
        return vantage_id
    db.execute_sql(
        f"UPDATE vantage SET last_round_at = {p} WHERE id = {p}"
        f" AND (last_round_at IS NULL OR last_round_at < {p})",
        (when_ms, vantage_id, when_ms),
    )
    return vantage_id


# -- the app's heartbeat: which vantages can answer a recheck (store.rechecks) ---------------


@contextlib.contextmanager
def app_rounds() -> Iterator[None]:
    """Around a round the tray app runs (on its round thread): the round marks its vantage's
    app as seen (``app_seen_at``) in its own write, so a running app is a live app vantage at no
    extra write. ``check`` from cron records checks too, but answers no recheck."""
    _app.rounds = True
    try:
        yield
    finally:
        _app.rounds = False


def app_mark() -> str:
    """On a team's PostgreSQL, the statement that marks the app seen in its round's write
    (``team_rounds``, parameters ``name`` and ``when``); empty outside :func:`app_rounds`."""
    if not getattr(_app, "rounds", False):
        return ""
    return "UPDATE vantage SET app_seen_at = %(when)s WHERE name = %(name)s; "


def app_seen(name: str, when: datetime | None) -> None:
    """The vantage's app runs at ``when`` (it started; the vantage is added if new), or (None)
    it quit: it is no live app vantage any more."""
    p = marks()
    with writing():
        if when is None:
            db.execute_sql(f"UPDATE vantage SET app_seen_at = NULL WHERE name = {p}", (name,))
            return
        db.execute_sql(
            f"INSERT INTO vantage (name, app_seen_at) VALUES ({p}, {p})"
            " ON CONFLICT (name) DO UPDATE SET app_seen_at = excluded.app_seen_at",
            (name, to_ms(when)),
        )


@dataclass(frozen=True)
class Counted:
    """A round's strikes: this vantage's own and the team's (the site row's) per site."""

    own: dict[int, int]
    team: dict[int, int]
    failing: frozenset[int]  # the sites some live vantage sees failing


def count_round(
    vantage_id: int,
    when: datetime,
    results: Mapping[int, ProbeResult],
    good_codes: Sequence[int],
    stored: Mapping[int, int],
    confirmations: int,
    strikes: int,
) -> Counted:
    """Count this vantage's checks (``results``, by site id) into its own rows, then each site's
    team summary from the live vantages' rows. ``stored`` is each site's down count as the
    site row has it: a vantage's first count of a site no vantage has counted yet starts there,
    so an upgraded single desktop keeps its strikes."""
    when_ms = to_ms(when)
    p = marks()
    sql = (
        "SELECT sv.site_id, sv.vantage_id, sv.down_count, sv.last_seen FROM site_vantage sv"
        f" JOIN vantage v ON v.id = sv.vantage_id WHERE (v.last_round_at > {p} OR v.id = {p})"
    )
    params: list = [live_since(when_ms), vantage_id]
    if 0 < len(results) <= FEW:  # a fast-lane round: its own sites' rows, not every site's
        sql += f" AND sv.site_id IN ({marks(len(results))})"
        params += list(results)
    counted, upserts = count_rows(
        vantage_id,
        when_ms,
        results,
        good_codes,
        db.execute_sql(sql, params),
        lambda new: _first_counts(new, stored),
        confirmations,
        strikes,
    )
    executemany(_upsert(), upserts)
    return counted


def live_since(when_ms: int) -> int:
    """The last round (ms) a vantage must have had after to be live at ``when_ms``."""
    return when_ms - int(LIVE.total_seconds() * 1000)


def count_rows(
    vantage_id: int,
    when_ms: int,
    results: Mapping[int, ProbeResult],
    good_codes: Sequence[int],
    rows: Iterable[tuple[int, int, int, int | None]],
    first: Callable[[list[int]], Mapping[int, tuple[int, int | None]]],
    confirmations: int,
    strikes: int,
) -> tuple[Counted, list[tuple]]:
    """:func:`count_round`'s counting, from the live vantages' rows as read (site id, vantage
    id, down count, last seen) and ``first`` (where this vantage starts counting sites it has no
    row for): the counts, and this vantage's rows to upsert (``_upsert``'s values)."""
    mine: dict[int, tuple[int, int | None]] = {}
    others: dict[int, list[int]] = defaultdict(list)
    for site_id, row_vantage, down_count, last_seen in rows:
        if row_vantage == vantage_id:
            mine[site_id] = (down_count, last_seen)
        else:
            others[site_id].append(down_count)
    new = [site_id for site_id in results if site_id not in mine]
    if new:
        mine.update(first(new))
    own: dict[int, int] = {}
    team: dict[int, int] = {}
    failing = set()
    upserts = []
    good = list(good_codes)
    for site_id, result in results.items():
        count, last_seen = mine[site_id]
        answered = result.is_good(good)
        count = next_down_count(count, answered)
        if answered:
            last_seen = when_ms
        own[site_id] = count
        team[site_id], seen_failing = team_strikes(
            [count, *others.get(site_id, ())], confirmations, strikes
        )
        if seen_failing:
            failing.add(site_id)
        upserts.append(
            (
                site_id,
                vantage_id,
                count,
                last_seen,
                when_ms,
                result.status_code,
                result.error,
                result.elapsed_ms,
                result.detail or None,
            )
        )
    return Counted(own, team, frozenset(failing)), upserts


def _first_counts(
    site_ids: list[int], stored: Mapping[int, int]
) -> dict[int, tuple[int, int | None]]:
    """Where a vantage starts counting sites it has no row for: a site that no vantage has
    counted yet (a database from before vantages) at its stored count and last seen; else 0."""
    counted = {row[0] for row in db.execute_sql("SELECT DISTINCT site_id FROM site_vantage")}
    first = {site_id for site_id in site_ids if site_id not in counted}
    seen: dict[int, int | None] = {}
    if first:
        seen = dict(db.execute_sql("SELECT id, last_seen FROM site").fetchall())
    return {
        site_id: (stored.get(site_id, 0), seen.get(site_id)) if site_id in first else (0, None)
        for site_id in site_ids
    }


def own_view(sites: Sequence[SiteInfo], name: str | None = None) -> list[SiteInfo]:
    """``sites`` as this vantage (``name``, default :func:`current`) saw them: its own failures
    in a row and its own last check, which is what its fast lane retries. A site no vantage
    has counted yet (a database from before vantages, or not stored at all) is as given."""
    cursor = db.execute_sql(
        "SELECT site.id, mine.down_count, mine.last_checked,"
        " EXISTS (SELECT 1 FROM site_vantage other WHERE other.site_id = site.id)"
        " FROM site LEFT JOIN site_vantage mine ON mine.site_id = site.id"
        f" AND mine.vantage_id = (SELECT id FROM vantage WHERE name = {marks()})",
        (name or current(),),
    )
    field = UtcField()
    seen = {
        site_id: (down_count or 0, field.python_value(last_checked))
        for site_id, down_count, last_checked, counted in cursor
        if counted
    }
    return [
        replace(site, down_count=seen[site.site_id][0], last_checked=seen[site.site_id][1])
        if site.site_id in seen
        else site
        for site in sites
    ]
