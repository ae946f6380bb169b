"""The alert outbox in the database: queue alerts already written (inside the outage's
transaction, or the round's for a certificate warning), claim one for an attempt, settle it.

An alert is about an outage (``kind`` 'outage': its opening or closing) or a certificate
(``kind`` 'cert': a site and the expiry it warns of, no outage)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN

from ..core.outages import AlertText
from ..core.status import local_text
from .models import Alert, Outage, Site, db

LEASE = timedelta(minutes=2)  # how long one sender holds an alert before another may retry it


@dataclass(frozen=True)
class AlertJob:
    id: int
    outage_id: int | None  # None for a certificate warning
    code: str
    event: str
    channel: str
    subject: str
    body: str
    attempts: int
    about: str = ""  # what it is about, in words: "outage CODE opened", "certificate of SITE"


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
    _insert(texts, when, kind="outage", outage=outage_id, event=event)


def queue_cert(
    site_id: int, expires_at: datetime, when: datetime, texts: Sequence[AlertText]
) -> None:
    """Store a certificate warning already written (one per channel); call inside the round's
    transaction. One for the same site, expiry and channel already queued (or sent) is kept:
    a certificate is warned of once, and a renewed one (another expiry) afresh."""
    _insert(texts, when, kind="cert", site=site_id, cert_expires_at=expires_at, event="cert")


def _insert(texts: Sequence[AlertText], when: datetime, **about: object) -> None:
    for text in texts:
        Alert.insert(
            **about,
            channel=text.channel,
            subject=text.subject,
            body=text.body,
            created_at=when,
        ).on_conflict_ignore().execute()


def claim_next(now: datetime, skip: Iterable[int], channels: Sequence[str]) -> AlertJob | None:
    """Take the oldest undelivered alert no other sender holds, for one attempt."""
    with db.atomic("IMMEDIATE"):
        row = (
            Alert.select(Alert, Outage, Site)
            .join(Outage, JOIN.LEFT_OUTER)  # a certificate warning has no outage
            .switch(Alert)
            .join(Site, JOIN.LEFT_OUTER)
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
        if row.kind == "cert":
            code = ""
            about = f"certificate of {row.site.title}" if row.site_id else "certificate"
        else:
            code = row.outage.code
            about = f"outage {code} {row.event}"
        return AlertJob(
            row.id,
            row.outage_id,
            code,
            row.event,
            row.channel,
            row.subject,
            row.body,
            row.attempts,
            about,
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
