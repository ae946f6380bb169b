"""Alert events in an outage's timeline, quiet hours and the one reminder, on the store with an
injected clock: SQLite and a team's PostgreSQL (``engine``), each called the way the cycle does."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.alerts.messages import AlertPolicy
from djamon_desktop.core.maintenance import Window
from djamon_desktop.core.outages import AlertText
from djamon_desktop.store import escalation, incidents, outbox
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.engine import writing as engine_writing
from djamon_desktop.store.models import Alert, Outage, OutageSite
from djamon_desktop.store.timeline import events_of

from .helpers import BOTH, FAILING, UP, add_site, store_round

T0 = datetime(2026, 11, 27, 23, 0, tzinfo=UTC)  # in the night's quiet hours
NIGHT = Window("0 22 * * *", 480)  # 22:00 to 06:00 UTC
MORNING = datetime(2026, 11, 28, 6, 0, tzinfo=UTC)


def night_policy(now: datetime) -> AlertPolicy:
    return dataclasses.replace(BOTH, quiet_hours=(NIGHT,), now=now, zone=UTC)


def open_outage(when: datetime, policy=BOTH, priority: str = "normal") -> Outage:
    """An outage opened at ``when`` by a site failing twice (strikes 2), alerts as ``policy``."""
    site = add_site("Payments", priority)
    store_round(when - timedelta(minutes=1), {site: FAILING}, policy=policy)
    store_round(when, {site: FAILING}, policy=policy)
    return Outage.get(Outage.end_time.is_null())


#: the events this part writes (the outage rules write the others: opened, closed...)
ALERT_EVENTS = {"alert_queued", "alert_sent", "alert_failed", "held", "released", "escalated"}


def kinds(outage_id: int) -> list[tuple[str, str | None]]:
    return [(e.event, e.channel) for e in events_of(outage_id) if e.event in ALERT_EVENTS]


def remind(now: datetime, minutes: int = 15, policy=BOTH) -> tuple[str, ...]:
    policy = dataclasses.replace(policy, now=now)
    return escalation.remind_due(now, timedelta(minutes=minutes), policy.texts)


# -- alert events --------------------------------------------------------------------------


@pytest.mark.usefixtures("store")
def test_queued_sent_and_failed_alerts_are_events_of_the_outage(engine):
    outage = open_outage(T0)
    assert kinds(outage.id) == [("alert_queued", "email"), ("alert_queued", "twitter")]
    with engine_writing():  # the same alert again: kept as it was, and no second event
        outbox.queue(outage.id, "opened", T0, [AlertText("email", "again", "again")])
    assert kinds(outage.id) == [("alert_queued", "email"), ("alert_queued", "twitter")]
    email = outbox.claim_next(T0, [], ["email"])
    outbox.mark_failed(email.id, "SMTP refused (535)", T0 + timedelta(seconds=1))
    again = outbox.claim_next(T0 + timedelta(seconds=2), [], ["email"])
    outbox.mark_delivered(again.id, T0 + timedelta(seconds=3))
    tail = events_of(outage.id)[-2:]
    assert [(e.event, e.channel, e.reason) for e in tail] == [
        ("alert_failed", "email", "SMTP refused (535)"),
        ("alert_sent", "email", None),
    ]
    assert [e.at for e in tail] == [T0 + timedelta(seconds=1), T0 + timedelta(seconds=3)]


@pytest.mark.usefixtures("store")
def test_an_apprise_alert_says_sent_once_for_each_url_it_reached(engine):
    outage = open_outage(T0, AlertPolicy(("apprise",)))
    job = outbox.claim_next(T0, [], ["apprise"])
    outbox.fan_out(job.id, ["url-a", "url-b"], T0)
    assert ("alert_sent", "apprise") not in kinds(outage.id)  # handed on is not sent
    for _ in range(2):
        each = outbox.claim_next(T0, [job.id], ["apprise"])
        outbox.mark_delivered(each.id, T0)
    assert kinds(outage.id).count(("alert_sent", "apprise")) == 2


# -- quiet hours ---------------------------------------------------------------------------


@pytest.mark.usefixtures("store")
def test_quiet_hours_hold_a_normal_outage_until_the_window_ends(engine):
    outage = open_outage(T0, night_policy(T0))
    held = list(Alert.select().where(Alert.outage == outage.id))
    assert {a.held_until for a in held} == {MORNING}
    assert kinds(outage.id)[-2:] == [("held", "email"), ("held", "twitter")]
    assert outbox.claim_next(MORNING + timedelta(hours=1), [], ["email", "twitter"]) is None
    digest = night_policy(T0).digest
    assert escalation.release_held(MORNING - timedelta(seconds=1), digest) == ()
    assert escalation.release_held(MORNING, digest) == ("email", "twitter")
    assert escalation.release_held(MORNING, digest) == ()  # once
    mail = outbox.claim_next(MORNING, [], ["email"])
    assert mail.about == "quiet hours digest" and outage.code in mail.body
    assert "still down" in mail.body and "Payments" in mail.body
    start = f"{T0.astimezone():%Y-%m-%d %H:%M}"
    assert f"{outage.code}: {start} to still down: Payments" in mail.body
    assert kinds(outage.id)[-2:] == [("released", "email"), ("released", "twitter")]
    states = [a.state_text() for a in outbox.alerts_of(outage.id)]
    assert all(s.startswith("held by quiet hours, sent in the digest") for s in states), states


@pytest.mark.usefixtures("store")
def test_a_digest_lists_each_outage_once_with_its_end(engine):
    outage = open_outage(T0, night_policy(T0))
    ended = T0 + timedelta(hours=1)
    [link] = OutageSite.select().where(OutageSite.outage == outage.id)
    store_round(ended, {link.site_id: UP}, policy=night_policy(ended))
    assert Alert.select().where(Alert.held_until.is_null(False)).count() == 4
    escalation.release_held(MORNING, night_policy(MORNING).digest)
    [mail] = Alert.select().where(Alert.kind == "digest", Alert.channel == "email")
    [post] = Alert.select().where(Alert.kind == "digest", Alert.channel == "twitter")
    end = f"{ended.astimezone():%Y-%m-%d %H:%M}"
    assert mail.body.count(outage.code) == 1 and f"to {end}: Payments" in mail.body
    assert mail.subject == "[djamon] QUIET HOURS: 1 outage while alerts were held"
    assert post.subject == "" and outage.code in post.body and len(post.body) <= 280


@pytest.mark.usefixtures("store")
def test_a_critical_outage_pages_at_once_in_quiet_hours(engine):
    outage = open_outage(T0, night_policy(T0), priority="critical")
    assert Alert.select().where(Alert.held_until.is_null(False)).count() == 0
    assert kinds(outage.id)[-1] == ("alert_queued", "twitter")
    assert outbox.claim_next(T0, [], ["email"]) is not None
    assert escalation.release_held(MORNING, night_policy(MORNING).digest) == ()


@pytest.mark.usefixtures("store")
def test_outside_every_window_alerts_go_at_once(engine):
    noon = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    outage = open_outage(noon, night_policy(noon))
    assert ("alert_queued", "email") in kinds(outage.id)
    assert outbox.claim_next(noon, [], ["email"]).about == f"outage {outage.code} opened"


# -- the one reminder ----------------------------------------------------------------------


@pytest.mark.usefixtures("store")
def test_one_reminder_per_channel_once_the_time_is_up(engine):
    outage = open_outage(T0)
    assert remind(T0 + timedelta(minutes=14, seconds=59)) == ()
    assert remind(T0 + timedelta(minutes=15)) == (outage.code,)
    assert remind(T0 + timedelta(minutes=40)) == ()  # once per outage
    reminders = list(Alert.select().where(Alert.event == "reminder").order_by(Alert.channel))
    assert [a.channel for a in reminders] == ["email", "twitter"]
    post = reminders[1].body
    assert post == f"Payments still down after 15 minutes; nobody is on it (outage {outage.code})"
    assert "still down" in reminders[0].subject and "nobody" in reminders[0].subject
    assert f"djamon-desktop ack {outage.code}" in reminders[0].body
    assert kinds(outage.id)[-3:] == [
        ("escalated", None),
        ("alert_queued", "email"),
        ("alert_queued", "twitter"),
    ]
    assert Outage.get_by_id(outage.id).escalated_at == T0 + timedelta(minutes=15)


@pytest.mark.usefixtures("store")
def test_an_acknowledged_outage_sends_no_reminder(engine):
    outage = open_outage(T0)
    incidents.acknowledge(outage.id, "alice", T0 + timedelta(minutes=3))
    assert remind(T0 + timedelta(hours=2)) == ()
    assert Alert.select().where(Alert.event == "reminder").count() == 0
    assert "escalated" not in [e.event for e in events_of(outage.id)]


@pytest.mark.usefixtures("store")
def test_a_reminder_in_quiet_hours_waits_for_the_digest(engine):
    outage = open_outage(T0, night_policy(T0))
    later = T0 + timedelta(minutes=20)
    assert remind(later, policy=night_policy(later)) == (outage.code,)
    reminders = Alert.select().where(Alert.event == "reminder")
    assert {a.held_until for a in reminders} == {MORNING}
    escalation.release_held(MORNING, night_policy(MORNING).digest)
    [mail] = Alert.select().where(Alert.kind == "digest", Alert.channel == "email")
    assert mail.body.count(outage.code) == 1


def at_once(store, step) -> list:
    """``step()`` run by four vantages at the same moment, each on a connection of its own (as
    another desktop has); what each returned."""
    close_database()
    start = threading.Barrier(4)
    got: list = []

    def vantage() -> None:
        try:
            start.wait()
            got.append(step())
        finally:
            close_database()

    threads = [threading.Thread(target=vantage) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    open_database(store)
    return got


def test_two_vantages_at_once_queue_one_reminder_per_channel(store, engine):
    outage = open_outage(T0)
    got = at_once(store, lambda: remind(T0 + timedelta(minutes=16)))
    assert sorted(got) == [(), (), (), (outage.code,)]
    channels = [a.channel for a in Alert.select().where(Alert.event == "reminder")]
    assert sorted(channels) == ["email", "twitter"]
    assert [e.event for e in events_of(outage.id)].count("escalated") == 1


def test_vantages_at_once_queue_one_digest_per_channel(store, engine):
    outage = open_outage(T0, night_policy(T0))
    got = at_once(store, lambda: escalation.release_held(MORNING, night_policy(MORNING).digest))
    assert sorted(got) == [(), (), (), ("email", "twitter")]
    assert Alert.select().where(Alert.kind == "digest").count() == 2
    assert kinds(outage.id).count(("released", "email")) == 1
