"""The alert outbox in the database: queue alerts already written (inside the outage's
transaction), claim one for an attempt, settle it."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..core.outages import AlertText
from ..core.status import local_text
from .models import Alert, Outage, db

LEASE = timedelta(minutes=2)  # how long one sender holds an alert before another may retry it


@dataclass(frozen=True)
class AlertJob:
    id: int
    outage_id: int
    code: str
    event: str
    channel: str
    subject: str
    body: str
    attempts: int


@dataclass(frozen=True)
class AlertInfo:
    id: int
    event: str
    channel: str
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None

    def state_text(self) -> str:
        """Where this alert is, in words (with the last error when it is still queued)."""
        if self.delivered_at is not None:
            return f"delivered {local_text(self.delivered_at)}"
        if self.attempts == 0:
            return "queued, not tried yet"
        times = f"{self.attempts} attempt{'s' if self.attempts > 1 else ''}"
        return f"queued after {times}, last {local_text(self.last_attempt_at)}: {self.last_error}"


def queue(outage_id: int, event: str, when: datetime, texts: Sequence[AlertText]) -> None:
    """Store alerts already written (one per channel); call inside the transaction that changed
    the outage. An alert of the same outage, event and channel already queued is kept."""
    for text in texts:
        Alert.insert(
            outage=outage_id,
            event=event,
            channel=text.channel,
            subject=text.subject,
            body=text.body,
            created_at=when,
        ).on_conflict_ignore().execute()


def claim_next(now: datetime, skip: Iterable[int], channels: Sequence[str]) -> AlertJob | None:
    """Take the oldest undelivered alert no other sender holds, for one attempt."""
    with db.atomic("IMMEDIATE"):
        row = (
            Alert.select(Alert, Outage)
            .join(Outage)
            .where(
                Alert.delivered_at.is_null(),
                Alert.channel.in_(list(channels)),
                Alert.id.not_in(list(skip)),
                Alert.claimed_until.is_null() | (Alert.claimed_until < now),
            )
            .order_by(Alert.id)
            .first()
        )
        if row is None:
            return None
        row.claimed_until = now + LEASE
        row.attempts += 1
        row.last_attempt_at = now
        row.save()
        return AlertJob(
            row.id,
            row.outage_id,
            row.outage.code,
            row.event,
            row.channel,
            row.subject,
            row.body,
            row.attempts,
        )


def mark_delivered(alert_id: int, now: datetime) -> None:
    with db.atomic("IMMEDIATE"):
        alert = Alert.get_by_id(alert_id)
        alert.delivered_at = now
        alert.claimed_until = None
        alert.last_error = None
        alert.save()
        if alert.event == "opened":
            waiting = Alert.select().where(
                Alert.outage == alert.outage_id,
                Alert.event == "opened",
                Alert.delivered_at.is_null(),
            )
            if not waiting.exists():
                Outage.update(notification_sent=True).where(Outage.id == alert.outage_id).execute()


def mark_failed(alert_id: int, error: str) -> None:
    with db.atomic("IMMEDIATE"):
        Alert.update(last_error=error, claimed_until=None).where(Alert.id == alert_id).execute()


def alerts_of(outage_id: int) -> list[AlertInfo]:
    query = Alert.select().where(Alert.outage == outage_id).order_by(Alert.id)
    return [
        AlertInfo(
            a.id, a.event, a.channel, a.attempts, a.last_error, a.last_attempt_at, a.delivered_at
        )
        for a in query
    ]
