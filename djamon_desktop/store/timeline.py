"""An outage's timeline: every event stored as it happens, in the transaction that made it
happen, and read back in the order it happened (time, then the order of writing: events of
the same instant keep theirs, so an outage's ``opened`` comes before its ``alert_queued``).

The events (docs/contract.md, "Incidents"): ``failed`` (a site's first failed check that led
here: ``site_id`` and, in a team, ``vantage``), ``opened``, ``joined``, ``alert_queued``,
``alert_sent``, ``alert_failed`` (``channel``; a failure's ``reason``), ``acknowledged``,
``unacknowledged``, ``note`` (``by``; a note's words in ``text``), ``escalated``, ``held`` and
``released`` (quiet hours: ``channel``), ``recovered`` and ``removed`` (``site_id``),
``closed``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from .models import OutageEvent

EVENTS = (
    "failed",
    "opened",
    "joined",
    "alert_queued",
    "alert_sent",
    "alert_failed",
    "acknowledged",
    "unacknowledged",
    "note",
    "escalated",
    "held",
    "released",
    "recovered",
    "removed",
    "closed",
)

#: the optional fields of an event, as ``outage --json`` names them
FIELDS = ("site_id", "vantage", "channel", "by", "text", "reason")


@dataclass(frozen=True)
class Event:
    """One event of an outage. Only the fields its kind has are set."""

    at: datetime
    event: str
    site_id: int | None = None
    vantage: str | None = None
    channel: str | None = None
    by: str | None = None
    text: str | None = None
    reason: str | None = None

    def fields(self) -> dict[str, object]:
        """The fields set, by their ``outage --json`` names, in :data:`FIELDS` order."""
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name) is not None}


def _row(outage_id: int, event: Event) -> dict:
    if event.event not in EVENTS:
        raise ValueError(f"unknown outage event {event.event!r}")
    return {
        "outage": outage_id,
        "at": event.at,
        "event": event.event,
        "site_id": event.site_id,
        "vantage": event.vantage,
        "channel": event.channel,
        "by_name": event.by,
        "text": event.text,
        "reason": event.reason,
    }


def add(outage_id: int, at: datetime, event: str, **fields: object) -> None:
    """Store one event of the outage; call inside the transaction that made it happen."""
    add_many([(outage_id, Event(at, event, **fields))])  # type: ignore[arg-type]


def add_many(events: Iterable[tuple[int, Event]]) -> None:
    """Store events (outage id, event) in the order given, in one statement."""
    rows = [_row(outage_id, event) for outage_id, event in events]
    for start in range(0, len(rows), 500):  # within SQLite's limit of bound values
        OutageEvent.insert_many(rows[start : start + 500]).execute()


def events_of(outage_id: int) -> list[Event]:
    """The outage's events in the order they happened."""
    query = (
        OutageEvent.select()
        .where(OutageEvent.outage == outage_id)
        .order_by(OutageEvent.at, OutageEvent.id)
    )
    return [
        Event(
            row.at,
            row.event,
            site_id=row.site_id,
            vantage=row.vantage,
            channel=row.channel,
            by=row.by_name,
            text=row.text,
            reason=row.reason,
        )
        for row in query
    ]


def notes_of(events: Sequence[Event]) -> list[Event]:
    """The notes among an outage's events, oldest first."""
    return [event for event in events if event.event == "note"]


def known_events(
    events: Sequence[Event],
    start_time: datetime,
    end_time: datetime | None,
    sites: Sequence[tuple[int | None, bool, datetime]],
) -> list[Event]:
    """An outage's timeline with what is knowable of an outage from before the timeline existed
    (or imported without one): when no ``opened`` is stored, ``opened`` at its start (with its
    primary site), ``joined`` for each other site (``sites``: site ID or None, primary, joined
    at) and ``closed`` at its end, derived at read and merged in time order, the derived one
    first at the same instant. Nothing is derived for an outage whose opening was stored."""
    if any(event.event == "opened" for event in events):
        return list(events)
    primary = next((site_id for site_id, first, _ in sites if first), None)
    derived = [Event(start_time, "opened", site_id=primary)]
    derived += [Event(at, "joined", site_id=site_id) for site_id, first, at in sites if not first]
    if end_time is not None and not any(event.event == "closed" for event in events):
        derived.append(Event(end_time, "closed"))
    derived.sort(key=lambda event: event.at)
    merged = [(event.at, 0, n, event) for n, event in enumerate(derived)]
    merged += [(event.at, 1, n, event) for n, event in enumerate(events)]
    return [event for *_, event in sorted(merged, key=lambda item: item[:3])]
