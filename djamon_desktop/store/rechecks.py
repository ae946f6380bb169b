"""Rechecks: a person asks every live app vantage to check one site now (``recheck SITE``, the
site window's Recheck everywhere); each app answers with its own check.

A recheck is one row naming the live app vantages at that moment (a vantage whose app said it
runs within ``core.outages.LIVE``: ``vantage.app_seen_at``, see ``store.vantages``). Writing it
is what asks: on a team's PostgreSQL its commit notifies every listening desktop, on SQLite the
app's watch sees the file change. Each app then finds the rechecks addressed to it
(:func:`due`), checks the site with a round of its own and stores its answer (:func:`answer`);
the asker reads the answers back (:func:`find`) until all came or ``core.rechecks.WAIT`` went.
Rechecks older than a day are removed when a new one is asked."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from ..core.clock import from_ms, to_ms
from ..core.outages import LIVE
from ..core.people import name_problem
from ..core.rechecks import WAIT, Answer, Asked
from ..errors import UserError
from .engine import marks, writing
from .maintenance import find_site
from .models import Recheck, Site, db

KEPT = timedelta(days=1)  # a recheck older than this is removed when a new one is asked


class RecheckError(UserError):
    """A recheck that can't be asked (exit 2); nothing was stored."""


def live_app_vantages(now: datetime) -> list[str]:
    """The vantages whose app runs: it said so within ``LIVE`` of ``now``; by name."""
    rows = db.execute_sql(
        f"SELECT name FROM vantage WHERE app_seen_at > {marks()} ORDER BY name",
        (to_ms(now - LIVE),),
    )
    return [name for (name,) in rows]


def ask(site_id: int, by: str, now: datetime) -> Asked:
    """Ask every live app vantage to check the site now, signed ``by``. RecheckError (nothing
    stored) for an unknown or inactive site, a bad name, or no live app vantage."""
    by = by.strip()
    problem = name_problem(by)
    if problem:
        raise RecheckError(f"name {by!r}: {problem}")
    with writing():
        site = Site.get_or_none(Site.id == site_id)
        if site is None:
            raise RecheckError(f"SITE {site_id}: no site has this ID")
        name = _name_of(site_id)
        if not site.active:
            raise RecheckError(f"{name} (ID {site_id}) is inactive; activate it to recheck it")
        vantages = live_app_vantages(now)
        if not vantages:
            raise RecheckError(
                f"no live app vantage to recheck {name}: no desktop's app has run in the last"
                f" {int(LIVE.total_seconds() // 60)} minutes"
            )
        p = marks()
        db.execute_sql(
            "DELETE FROM recheck_answer WHERE recheck_id IN"
            f" (SELECT id FROM recheck WHERE asked_at < {p})",
            (to_ms(now - KEPT),),
        )
        db.execute_sql(f"DELETE FROM recheck WHERE asked_at < {p}", (to_ms(now - KEPT),))
        recheck_id = Recheck.insert(
            site=site_id, asked_at=now, asked_by=by, vantages=json.dumps(vantages)
        ).execute()
    return Asked(recheck_id, site_id, now, by, tuple(vantages))


def _name_of(site_id: int) -> str:
    found = find_site(str(site_id))
    return found.name if found is not None and not isinstance(found, list) else f"site {site_id}"


def due(vantage: str, now: datetime) -> list[tuple[int, int]]:
    """The rechecks this vantage still owes an answer: (recheck id, site id), asked of it less
    than ``WAIT`` ago (or a little after ``now``, by another desktop's clock), oldest first."""
    p = marks()
    rows = db.execute_sql(
        f"SELECT r.id, r.site_id, r.vantages FROM recheck r WHERE r.asked_at > {p}"
        " AND NOT EXISTS (SELECT 1 FROM recheck_answer a WHERE a.recheck_id = r.id"
        f" AND a.vantage = {p}) ORDER BY r.id",
        (to_ms(now - WAIT), vantage),
    )
    return [(rid, sid) for rid, sid, asked in rows if vantage in _vantages(asked)]


def _vantages(text: str) -> tuple[str, ...]:
    """The vantages a recheck row names (others' text: anything else names none)."""
    try:
        value = json.loads(text)
    except ValueError:
        return ()
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def answer(
    vantage: str, rows: list[tuple[int, bool, int | None, str | None, float | None]], now: datetime
) -> None:
    """Store the vantage's answers, in one write: (recheck id, ok, status code, error, elapsed
    ms) each. Once each (a second is ignored); none for a recheck removed meanwhile."""
    p = marks()
    with writing():
        for recheck_id, ok, status_code, error, elapsed_ms in rows:
            db.execute_sql(
                "INSERT INTO recheck_answer (recheck_id, vantage, ok, status_code, error,"
                f" elapsed_ms, answered_at) SELECT {marks(7)}"
                f" WHERE EXISTS (SELECT 1 FROM recheck WHERE id = {p})"
                " ON CONFLICT (recheck_id, vantage) DO NOTHING",
                (recheck_id, vantage, ok, status_code, error, elapsed_ms, to_ms(now), recheck_id),
            )


def find(recheck_id: int) -> Asked | None:
    """The recheck with its answers so far; None when it is gone (its site was deleted)."""
    row = db.execute_sql(
        f"SELECT id, site_id, asked_at, asked_by, vantages FROM recheck WHERE id = {marks()}",
        (recheck_id,),
    ).fetchone()
    return None if row is None else _with_answers(row)


def latest(site_id: int) -> Asked | None:
    """The site's last recheck with its answers (the site window shows it); None when none
    is kept."""
    row = db.execute_sql(
        "SELECT id, site_id, asked_at, asked_by, vantages FROM recheck"
        f" WHERE site_id = {marks()} ORDER BY id DESC LIMIT 1",
        (site_id,),
    ).fetchone()
    return None if row is None else _with_answers(row)


def _with_answers(row: tuple) -> Asked:
    recheck_id, site_id, asked_at, asked_by, vantages = row
    answers = db.execute_sql(
        "SELECT vantage, ok, status_code, error, elapsed_ms, answered_at FROM recheck_answer"
        f" WHERE recheck_id = {marks()} ORDER BY vantage",
        (recheck_id,),
    )
    return Asked(
        recheck_id,
        site_id,
        from_ms(asked_at),
        asked_by,
        _vantages(vantages),
        tuple(
            Answer(vantage, bool(ok), code, error, ms, from_ms(at))
            for vantage, ok, code, error, ms, at in answers
        ),
    )
