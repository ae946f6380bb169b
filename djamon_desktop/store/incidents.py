"""Working an outage: acknowledging it ("I'm on it"), taking it back, taking it over, and
notes. Each change is one write transaction with its timeline event (``store.timeline``), so
every desktop of a team sees it at once (the writers' notice) and in the order it happened.

The rules (docs/contract.md, "Incidents"): only an open outage is acknowledged; one that
someone else has needs ``take_over``; a closed outage keeps its acknowledgement and notes, and
takes notes still. Names and notes are checked here too (``core.people``), whoever calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..core.people import name_problem, note_problem
from ..errors import UserError
from . import timeline
from .engine import writing
from .models import Outage


class IncidentError(UserError):
    """An acknowledgement or a note that can't be taken (exit 2); nothing was changed."""


class HeldByOther(IncidentError):
    """The outage is someone else's: taking it over must be asked for (``take_over``)."""

    def __init__(self, code: str, holder: str) -> None:
        super().__init__(f"outage {code} is acknowledged by {holder}")
        self.holder = holder


@dataclass(frozen=True)
class Acknowledgement:
    """Who is on an outage now, and what the change did."""

    outage_id: int
    code: str
    by: str | None
    at: datetime | None
    changed: bool  # False: it already was so
    took_over_from: str | None = None


def _checked_name(by: str) -> str:
    by = by.strip()
    problem = name_problem(by)
    if problem:
        raise IncidentError(f"name {by!r}: {problem}")
    return by


def _open_outage(outage_id: int, doing: str) -> Outage:
    outage = Outage.get_or_none(Outage.id == outage_id)
    if outage is None:
        raise IncidentError(f"outage {outage_id}: no outage has this ID")
    if outage.end_time is not None:
        raise IncidentError(
            f"outage {outage.code} is closed; a closed outage can't be {doing}"
            " (a note can still be added)"
        )
    return outage


def acknowledge(
    outage_id: int, by: str, now: datetime, take_over: bool = False, note: str | None = None
) -> Acknowledgement:
    """``by`` is on the open outage from ``now``; with ``note``, a note of theirs too. One
    acknowledged by someone else is taken over only with ``take_over`` (else IncidentError
    naming who has it). Acknowledging again one's own changes nothing (the note is added)."""
    by = _checked_name(by)
    if note is not None:
        _check_note(note)
    with writing():
        outage = _open_outage(outage_id, "acknowledged")
        holder = outage.acknowledged_by
        took_over_from = None
        if holder is not None and holder != by:
            if not take_over:
                raise HeldByOther(outage.code, holder)
            took_over_from = holder
        changed = holder != by
        if changed:
            outage.acknowledged_by = by
            outage.acknowledged_at = now
            outage.save()
            timeline.add(outage.id, now, "acknowledged", by=by)
        if note is not None:
            timeline.add(outage.id, now, "note", by=by, text=note)
        return Acknowledgement(
            outage.id, outage.code, by, outage.acknowledged_at, changed, took_over_from
        )


def unacknowledge(outage_id: int, by: str, now: datetime) -> Acknowledgement:
    """Nobody is on the open outage any more (``by`` took it back, whoever had it)."""
    by = _checked_name(by)
    with writing():
        outage = _open_outage(outage_id, "unacknowledged")
        if outage.acknowledged_by is None:
            raise IncidentError(f"outage {outage.code} is not acknowledged by anyone")
        was = outage.acknowledged_by
        outage.acknowledged_by = None
        outage.acknowledged_at = None
        outage.save()
        timeline.add(outage.id, now, "unacknowledged", by=by)
        return Acknowledgement(outage.id, outage.code, None, None, True, took_over_from=was)


def _check_note(text: str) -> None:
    problem = note_problem(text)
    if problem:
        raise IncidentError(f"note: {problem}")


def add_note(outage_id: int, by: str, text: str, now: datetime) -> None:
    """A note of ``by`` on the outage, open or closed."""
    by = _checked_name(by)
    _check_note(text)
    with writing():
        outage = Outage.get_or_none(Outage.id == outage_id)
        if outage is None:
            raise IncidentError(f"outage {outage_id}: no outage has this ID")
        timeline.add(outage.id, now, "note", by=by, text=text)
