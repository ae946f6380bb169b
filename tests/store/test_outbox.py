"""The outbox, called directly: alerts queued as written, claimed by one sender at a time for a
lease, released on failure, never sent again once delivered."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from djamon_desktop.core.outages import AlertText
from djamon_desktop.store import engine, outbox
from djamon_desktop.store.database import close_database
from djamon_desktop.store.models import Alert, Outage

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def queued(count: int, event: str = "opened") -> list[int]:
    """``count`` outages, each with an e-mail and a post queued; the e-mails' alert ids."""
    ids = []
    with engine.writing():
        for n in range(count):
            outage = Outage.create(code=f"CODE{n:04d}", start_time=T0)
            outbox.queue(
                outage.id,
                event,
                T0,
                [AlertText("email", f"subject {n}", f"body {n}"), AlertText("twitter", "", "p")],
            )
            ids.append(Alert.get(Alert.outage == outage.id, Alert.channel == "email").id)
    return ids


def test_queue_keeps_the_written_text_and_ignores_a_second_copy(store):
    [alert_id] = queued(1)
    outage_id = Alert.get_by_id(alert_id).outage_id
    with engine.writing():
        outbox.queue(outage_id, "opened", T0, [AlertText("email", "other", "other")])
    [email] = Alert.select().where(Alert.channel == "email")
    assert (email.subject, email.body, email.attempts) == ("subject 0", "body 0", 0)


def test_four_senders_never_claim_the_same_alert(store, engine):
    """On SQLite as on a team's PostgreSQL (where a claim locks its row, SKIP LOCKED)."""
    queued(40)
    claimed: list[list[int]] = [[] for _ in range(4)]
    start = threading.Barrier(4)

    def sender(mine: list[int]) -> None:
        try:  # peewee gives each thread a connection of its own, as another process has
            start.wait()
            while (job := outbox.claim_next(T0, [], ["email", "twitter"])) is not None:
                mine.append(job.id)
        finally:
            close_database()

    threads = [threading.Thread(target=sender, args=(mine,)) for mine in claimed]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    every = [i for mine in claimed for i in mine]
    assert sorted(every) == sorted(a.id for a in Alert.select())  # all 80, each once
    assert len(set(every)) == len(every) == 80
    if engine == "postgresql":  # (on SQLite one sender may well take them all: a claim is µs)
        assert sum(1 for mine in claimed if mine) >= 2  # they did run side by side


def test_a_claim_is_held_for_the_lease_then_another_sender_may_retry(store):
    [alert_id] = queued(1)
    first = outbox.claim_next(T0, [], ["email"])
    assert (first.id, first.attempts, first.code) == (alert_id, 1, "CODE0000")
    assert outbox.claim_next(T0 + outbox.LEASE - timedelta(seconds=1), [], ["email"]) is None
    again = outbox.claim_next(T0 + outbox.LEASE + timedelta(seconds=1), [], ["email"])
    assert (again.id, again.attempts) == (alert_id, 2)


def test_a_failure_releases_the_alert_and_says_why(store):
    [alert_id] = queued(1)
    job = outbox.claim_next(T0, [], ["email"])
    outbox.mark_failed(job.id, "SMTP refused (535)")
    assert outbox.claim_next(T0, [job.id], ["email"]) is None  # skipped this time round
    retry = outbox.claim_next(T0 + timedelta(seconds=1), [], ["email"])
    assert retry.id == alert_id
    [email, _post] = outbox.alerts_of(job.outage_id)
    assert email.last_error == "SMTP refused (535)"
    assert email.state_text().startswith("queued after 2 attempts")


def test_delivered_alerts_are_never_claimed_again_and_mark_the_outage_notified(store):
    [alert_id] = queued(1)
    outage_id = Alert.get_by_id(alert_id).outage_id
    email = outbox.claim_next(T0, [], ["email"])
    outbox.mark_delivered(email.id, T0)
    assert not Outage.get_by_id(outage_id).notification_sent  # the post still waits
    post = outbox.claim_next(T0, [], ["email", "twitter"])
    assert post.channel == "twitter"
    outbox.mark_delivered(post.id, T0)
    assert Outage.get_by_id(outage_id).notification_sent
    later = T0 + timedelta(days=1)
    assert outbox.claim_next(later, [], ["email", "twitter"]) is None
    assert all(a.state_text().startswith("delivered") for a in outbox.alerts_of(outage_id))


def test_only_the_channels_asked_for_are_claimed(store):
    queued(1)
    assert outbox.claim_next(T0, [], ["twitter"]).channel == "twitter"
    assert outbox.claim_next(T0, [], ["twitter"]) is None
