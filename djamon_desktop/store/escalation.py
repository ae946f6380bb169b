"""The work that falls due between rounds: an outage's one reminder when nobody is on it
(``escalate_after_minutes``), and the digest of what quiet hours held once they end.

Both are once for the team: each looks first with one cheap read (most rounds find nothing and
take no writers' turn), then does it in a ``writing()`` transaction that reads again what it
changes, so two desktops at it at once queue one reminder, one digest. The words and whether
an alert is held come from the caller (``alerts.messages.AlertPolicy``): the store keeps no
alert policy."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..core.outages import AlertText
from ..core.quiet_hours import HeldOutage
from . import timeline
from .engine import writing
from .models import Alert, Outage, OutageSite
from .round_alerts import Render, queue_outage_alerts

#: writes a channel's digest of the outages held for it (``AlertPolicy.digest``)
WriteDigest = Callable[[str, Sequence[HeldOutage]], AlertText]


@dataclass(frozen=True)
class DueWork:
    """What :func:`remind_due` and :func:`release_held` did."""

    reminded: tuple[str, ...] = ()  # the codes of the outages reminded of
    released: tuple[str, ...] = ()  # the channels a digest was queued on

    @property
    def queued(self) -> bool:
        return bool(self.reminded or self.released)


def _due(now: datetime, after: timedelta):
    return Outage.select().where(
        Outage.end_time.is_null(),
        Outage.acknowledged_by.is_null(),
        Outage.escalated_at.is_null(),
        Outage.start_time <= now - after,
    )


def remind_due(now: datetime, after: timedelta, render: Render) -> tuple[str, ...]:
    """Queue the one reminder of each outage open and unacknowledged ``after`` its start, on
    every channel ``render`` writes for, with its ``escalated`` event; once for the team
    (``escalated_at``, read again in the writers' turn). The codes reminded of."""
    if not _due(now, after).exists():
        return ()
    reminded = []
    with writing():
        for outage in _due(now, after).order_by(Outage.id):
            Outage.update(escalated_at=now).where(Outage.id == outage.id).execute()
            timeline.add(outage.id, now, "escalated")
            queue_outage_alerts(outage, "reminder", now, render)
            reminded.append(outage.code)
    return tuple(reminded)


def _held(now: datetime):
    return Alert.select(Alert.id, Alert.outage, Alert.channel, Alert.event).where(
        Alert.held_until.is_null(False),
        Alert.held_until <= now,
        Alert.delivered_at.is_null(),
    )


def release_held(now: datetime, write: WriteDigest) -> tuple[str, ...]:
    """Fold every alert whose quiet hours ended by ``now`` into one digest per channel (a new
    alert, kind 'digest', that the sender delivers as any other), settle them as sent in it,
    and add ``released`` to each outage's timeline for each channel. The channels released."""
    if not _held(now).exists():
        return ()
    with writing():
        rows = list(_held(now).order_by(Alert.id))
        if not rows:
            return ()
        outages = {
            o.id: o for o in Outage.select().where(Outage.id.in_({r.outage_id for r in rows}))
        }
        by_channel: dict[str, list[int]] = {}
        for row in rows:
            held = by_channel.setdefault(row.channel, [])
            if row.outage_id not in held:
                held.append(row.outage_id)
        listed = {outage_id: _listed(outages[outage_id]) for outage_id in outages}
        events = []
        for channel, outage_ids in by_channel.items():
            text = write(channel, [listed[i] for i in outage_ids])
            Alert.insert(
                kind="digest",
                event="digest",
                channel=channel,
                subject=text.subject,
                body=text.body,
                created_at=now,
            ).execute()
            events += [(i, timeline.Event(now, "released", channel=channel)) for i in outage_ids]
        Alert.update(delivered_at=now, claimed_until=None).where(
            Alert.id.in_([r.id for r in rows])
        ).execute()
        opened = {r.outage_id for r in rows if r.event == "opened"}
        if opened:
            Outage.update(notification_sent=True).where(Outage.id.in_(opened)).execute()
        timeline.add_many(events)
    return tuple(by_channel)


def _listed(outage: Outage) -> HeldOutage:
    """An outage as a digest lists it: as it is now (ended, or still down)."""
    titles = (
        OutageSite.select(OutageSite.title)
        .where(OutageSite.outage == outage.id)
        .order_by(OutageSite.primary.desc(), OutageSite.start_time, OutageSite.id)
    )
    return HeldOutage(
        outage.code, outage.start_time, outage.end_time, tuple(t.title for t in titles)
    )


def run_due(
    now: datetime, escalate_after_minutes: int, render: Render, write: WriteDigest
) -> DueWork:
    """Both steps: the reminders due (when ``escalate_after_minutes`` is on), then the digests
    of quiet hours ended, so a reminder written in quiet hours waits for the next digest."""
    reminded: tuple[str, ...] = ()
    if escalate_after_minutes > 0:
        reminded = remind_due(now, timedelta(minutes=escalate_after_minutes), render)
    return DueWork(reminded, release_held(now, write))
