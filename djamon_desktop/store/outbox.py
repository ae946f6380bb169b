"""The alert outbox in the database: queue alerts already written (inside the outage's
transaction, or the round's for a certificate warning), claim one for an attempt, settle it.

An alert is about an outage (``kind`` 'outage': its opening, closing or one reminder), a
certificate (``kind`` 'cert': a site and the expiry it warns of, no outage), or what quiet hours
held (``kind`` 'digest', no outage: ``store.escalation``), or a month's uptime report (``kind``
'report', no outage, on e-mail only: ``store.monthly``; its PDF is the alert's attachment,
dropped once it is delivered). An outage's alert writes its timeline events in the transaction
that changes it: ``alert_queued`` (or ``held``, when quiet hours hold it until ``held_until``),
``alert_sent``, ``alert_failed`` with the reason. A held alert is never claimed: quiet hours'
end folds it into a digest."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from peewee import JOIN, Value

from ..core.clock import utc_now
from ..core.outages import AlertText
from ..core.status import local_text, plural
from . import timeline
from .engine import NOTIFY, in_turn, is_team, marks, writing
from .models import Alert, Outage, Site, UtcField, db

# as engine.writing ends a turn: only a transaction that changed a row tells the desktops

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
    target: str = ""  # apprise: the URL's fingerprint ('' until it is fanned out, see fan_out)
    attachment: bytes | None = None  # a monthly report's PDF
    attachment_name: str | None = None


@dataclass(frozen=True)
class AlertInfo:
    id: int
    event: str
    channel: str
    attempts: int
    last_error: str | None
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    target: str = ""  # apprise: the URL's fingerprint
    held_until: datetime | None = None  # quiet hours held it (then folded into a digest)

    def state_text(self) -> str:
        """Where this alert is, in words (with the last error when it is still queued)."""
        if self.held_until is not None:
            if self.delivered_at is not None:
                return f"held by quiet hours, sent in the digest {local_text(self.delivered_at)}"
            return f"held by quiet hours until {local_text(self.held_until)}"
        if self.delivered_at is not None:
            return f"delivered {local_text(self.delivered_at)}"
        if self.attempts == 0:
            return "queued, not tried yet"
        times = plural(self.attempts, "attempt")
        return f"queued after {times}, last {local_text(self.last_attempt_at)}: {self.last_error}"


def queue(outage_id: int, event: str, when: datetime, texts: Sequence[AlertText]) -> None:
    """Store alerts already written (one per channel); call inside the transaction that changed
    the outage, right after its own event (``opened``, ``closed``, ``escalated``): each alert
    stored adds ``alert_queued`` (or ``held``) with its channel to the timeline. An alert of the
    same outage, event and channel already queued is kept (and adds nothing)."""
    for text in texts:
        query = Alert.insert(
            kind="outage",
            outage=outage_id,
            event=event,
            channel=text.channel,
            subject=text.subject,
            body=text.body,
            created_at=when,
            held_until=text.held_until,
        ).on_conflict_ignore()
        if db.execute(query).rowcount:
            said = "held" if text.held_until is not None else "alert_queued"
            timeline.add(outage_id, when, said, channel=text.channel)


def queue_certs(
    warnings: Sequence[tuple[int, datetime, Sequence[AlertText]]], when: datetime
) -> None:
    """Store certificate warnings already written: (site id, expiry, one text per channel)
    each; call inside the round's transaction. One for the same site, expiry and channel
    already queued (or sent) is kept: a certificate is warned of once, and a renewed one
    (another expiry) afresh. One statement for them all (a round may bring a thousand sites
    behind one certificate)."""
    rows = [
        {
            "kind": "cert",
            "site": site_id,
            "cert_expires_at": expires_at,
            "event": "cert",
            "channel": text.channel,
            "subject": text.subject,
            "body": text.body,
            "created_at": when,
        }
        for site_id, expires_at, texts in warnings
        for text in texts
    ]
    for start in range(0, len(rows), 500):  # within SQLite's limit of bound values
        Alert.insert_many(rows[start : start + 500]).on_conflict_ignore().execute()


def cert_channels(site_ids: Sequence[int]) -> dict[tuple[int, int], set[str]]:
    """The channels each (site, certificate expiry as stored: ms) of these sites was already
    warned on."""
    out: dict[tuple[int, int], set[str]] = {}
    cursor = db.execute_sql(  # plain tuples: a round behind one certificate reads thousands
        "SELECT site_id, cert_expires_at, channel FROM alert"
        f" WHERE kind = 'cert' AND site_id IN ({marks(len(site_ids))})",
        list(site_ids),
    )
    for site_id, expires_ms, channel in cursor:
        out.setdefault((site_id, expires_ms), set()).add(channel)
    return out


def claim_next(
    now: datetime, skip: Iterable[int], channels: Sequence[str], known: Sequence[str] = ()
) -> AlertJob | None:
    """Take the undelivered alert no other sender holds that was tried the fewest times (the
    oldest of those), for one attempt: one that keeps failing slowly never starves the rest.

    ``channels`` are the ones to send on now. With ``known`` (every channel a sender has), an
    alert on a channel outside it is taken too, so the sender can keep it with the reason it
    cannot go (rather than it waiting unseen, or going somewhere else).

    On a team's PostgreSQL the claim locks its row (``FOR UPDATE OF alert SKIP LOCKED``, in a
    transaction of its own): two senders, on any desktops, never take the same alert, and none
    waits for the writers' turn a round holds while it stores. SQLite takes the writers' turn."""
    if is_team():
        return _claim_team(now, skip, channels, known)
    wanted = Alert.channel.in_(list(channels))
    if known:
        wanted |= Alert.channel.not_in(list(known))
    with writing():
        query = (
            Alert.select(Alert, Outage, Site)
            .join(Outage, JOIN.LEFT_OUTER)  # a certificate warning has no outage
            .switch(Alert)
            .join(Site, JOIN.LEFT_OUTER)
            .where(
                Alert.delivered_at.is_null(),
                wanted,
                Alert.id.not_in(list(skip)),
                Alert.held_until.is_null(),  # a held one waits for its digest
                Alert.claimed_until.is_null() | (Alert.claimed_until < now),
            )
            .order_by(Alert.attempts, Alert.id)
        )
        row = query.first()
        if row is None:
            return None
        row.claimed_until = now + LEASE
        row.attempts += 1
        row.last_attempt_at = now
        row.save()
        code = row.outage.code if row.outage_id is not None else ""
        about = _about(
            row.kind, row.event, code, row.site.title if row.site_id else None, row.attachment_name
        )
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
            target=row.target,
            attachment=None if row.attachment is None else bytes(row.attachment),
            attachment_name=row.attachment_name,
        )


#: the claim on PostgreSQL, one statement in a transaction of its own (autocommit)
_CLAIM = """WITH next AS (
        SELECT id FROM alert WHERE delivered_at IS NULL AND (channel = ANY(%(channels)s)
            OR (%(strays)s AND NOT channel = ANY(%(known)s)))
            AND NOT id = ANY(%(skip)s) AND held_until IS NULL
            AND (claimed_until IS NULL OR claimed_until < %(now)s)
        ORDER BY attempts, id LIMIT 1 FOR UPDATE SKIP LOCKED),
    claimed AS (
        UPDATE alert SET claimed_until = %(until)s, attempts = alert.attempts + 1,
            last_attempt_at = %(now)s FROM next WHERE alert.id = next.id
        RETURNING alert.id, alert.kind, alert.outage_id, alert.site_id, alert.event,
            alert.channel, alert.subject, alert.body, alert.attempts, alert.target,
            alert.attachment, alert.attachment_name)
    SELECT claimed.*, outage.code, site.title FROM claimed
        LEFT JOIN outage ON outage.id = claimed.outage_id
        LEFT JOIN site ON site.id = claimed.site_id"""


def _claim_team(
    now: datetime, skip: Iterable[int], channels: Sequence[str], known: Sequence[str]
) -> AlertJob | None:
    """:func:`claim_next` on a team's PostgreSQL in one round trip: the row is locked (``FOR
    UPDATE OF alert SKIP LOCKED``) and claimed in one statement, its own transaction: two
    senders, on any desktops, never take the same alert, and none waits for the writers' turn
    a round holds while it stores."""
    cursor = db.cursor()
    ms = UtcField().db_value
    cursor.execute(
        _CLAIM,
        {
            "channels": list(channels),
            "strays": bool(known),
            "known": list(known),
            "skip": list(skip),
            "now": ms(now),
            "until": ms(now + LEASE),
        },
    )
    row = cursor.fetchone()
    if row is None:
        return None
    alert_id, kind, outage_id, site_id, event, channel, subject, body, attempts, target = row[:10]
    attachment, attachment_name = row[10:12]
    code, title = row[12] or "", row[13]
    about = _about(kind, event, code, title if site_id else None, attachment_name)
    return AlertJob(
        alert_id,
        outage_id,
        code,
        event,
        channel,
        subject,
        body,
        attempts,
        about,
        target=target,
        attachment=None if attachment is None else bytes(attachment),
        attachment_name=attachment_name,
    )


def _about(
    kind: str, event: str, code: str, site_title: str | None, attachment: str | None = None
) -> str:
    """What an alert is about, in words."""
    if kind == "cert":
        return f"certificate of {site_title}" if site_title is not None else "certificate"
    if kind == "digest":
        return "quiet hours digest"
    if kind == "report":
        return f"monthly report ({attachment})" if attachment else "monthly report"
    return f"outage {code} {event}"


#: the timeline event of an outage's alert settled (not a certificate's or a digest's, nor an
#: Apprise alert handed on to its URLs: each URL's delivery says it was sent)
_EVENT = """INSERT INTO outage_event (outage_id, at, event, channel, reason)
        SELECT outage_id, %(now)s, '{event}', channel, %(reason)s FROM alert WHERE id = %(id)s
        AND kind = 'outage' AND outage_id IS NOT NULL
        AND NOT (channel = 'apprise' AND target = '')"""

#: an alert delivered, on PostgreSQL in one round trip with the writers' turn; its outage's
#: notification_sent once none of its opening alerts waits
_DELIVERED = f"""UPDATE alert SET delivered_at = %(now)s, claimed_until = NULL, last_error = NULL,
        attachment = NULL WHERE id = %(id)s;
    {_EVENT.format(event="alert_sent")};
    UPDATE outage SET notification_sent = true
        WHERE id = (SELECT outage_id FROM alert WHERE id = %(id)s AND event = 'opened')
        AND NOT EXISTS (SELECT 1 FROM alert WHERE alert.outage_id = outage.id
            AND event = 'opened' AND delivered_at IS NULL);
    {NOTIFY}; COMMIT"""


def _in_one_trip(sql: str, params: dict) -> None:
    """A transaction in the writers' turn in one round trip on PostgreSQL (rolled back if it
    fails on the way)."""
    in_turn(db.cursor(), sql, params)


def _says(alert: Alert) -> bool:
    """Whether settling ``alert`` is an event of its outage's timeline (see :data:`_EVENT`)."""
    handed_on = alert.channel == "apprise" and not alert.target
    return alert.kind == "outage" and alert.outage_id is not None and not handed_on


def mark_delivered(alert_id: int, now: datetime) -> None:
    if is_team() and not db.in_transaction():
        ms = UtcField().db_value(now)
        _in_one_trip(_DELIVERED, {"id": alert_id, "now": ms, "reason": None})
        return
    with writing():
        alert = Alert.get_by_id(alert_id)
        alert.delivered_at = now
        alert.claimed_until = None
        alert.last_error = None
        alert.attachment = None  # a report's PDF: mailed, and made again by `report` if asked
        alert.save()
        if _says(alert):
            timeline.add(alert.outage_id, now, "alert_sent", channel=alert.channel)
        if alert.event == "opened":
            waiting = Alert.select().where(
                Alert.outage == alert.outage_id,
                Alert.event == "opened",
                Alert.delivered_at.is_null(),
            )
            if not waiting.exists():
                Outage.update(notification_sent=True).where(Outage.id == alert.outage_id).execute()


#: an attempt failed, on PostgreSQL in one round trip with the writers' turn
_FAILED = f"""UPDATE alert SET last_error = %(reason)s, claimed_until = NULL WHERE id = %(id)s;
    {_EVENT.format(event="alert_failed")}; {NOTIFY}; COMMIT"""


def mark_failed(alert_id: int, error: str, now: datetime | None = None) -> None:
    """Keep the reason an attempt failed (already free of secrets); the alert waits for the
    next try. ``now``: when it failed, for the timeline (the wall clock if not given)."""
    now = now or utc_now()
    if is_team() and not db.in_transaction():
        ms = UtcField().db_value(now)
        _in_one_trip(_FAILED, {"id": alert_id, "reason": error, "now": ms})
        return
    with writing():
        Alert.update(last_error=error, claimed_until=None).where(Alert.id == alert_id).execute()
        alert = Alert.get_by_id(alert_id)
        if _says(alert):
            timeline.add(alert.outage_id, now, "alert_failed", channel=alert.channel, reason=error)


def fan_out(alert_id: int, targets: Sequence[str], now: datetime) -> None:
    """Turn a claimed Apprise alert (``target`` '') into one alert per URL fingerprint, each
    then tried, retried and delivered on its own; the first is settled as handed on. One already
    there (another sender fanned out first, or a URL seen twice) is kept: each URL gets it once."""
    fields = [
        Alert.kind, Alert.outage, Alert.site, Alert.cert_expires_at, Alert.event, Alert.channel,
        Alert.subject, Alert.body, Alert.created_at, Alert.target,
    ]  # fmt: skip
    with writing():
        for target in dict.fromkeys(targets):
            copy = Alert.select(*fields[:-1], Value(target)).where(Alert.id == alert_id)
            Alert.insert_from(copy, fields).on_conflict_ignore().execute()
        mark_delivered(alert_id, now)


def alerts_of(outage_id: int) -> list[AlertInfo]:
    """The outage's alerts, oldest first (an Apprise alert already fanned out shows as its
    deliveries, one per URL)."""
    query = Alert.select().where(Alert.outage == outage_id).order_by(Alert.id)
    return [
        AlertInfo(
            a.id,
            a.event,
            a.channel,
            a.attempts,
            a.last_error,
            a.last_attempt_at,
            a.delivered_at,
            a.target,
            a.held_until,
        )
        for a in query
        if not (a.channel == "apprise" and not a.target and a.delivered_at is not None)
    ]
