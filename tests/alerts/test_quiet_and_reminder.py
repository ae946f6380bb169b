"""Quiet hours and the one reminder through the command line, to a real SMTP server (mails
counted and read) and the Apprise ``json://`` receiver, on both engines.

The minutes are not waited out here (tests/e2e/test_escalation.py does that once): time passing
is the stored outage's start moved back, or a held alert's window end moved to now, as the
clock would move them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.store import incidents
from djamon_desktop.store.models import Alert, Outage
from djamon_desktop.store.settings import save_settings

from ..conftest import document, group, opened, site
from .webhook import Webhooks


@pytest.fixture
def hooks():
    receiver = Webhooks().start()
    yield receiver
    receiver.stop()


def load_api(load, server, name, mail, priority="high", **settings):
    """One site on /switch/NAME ("Payments API", ``priority``), down at its first failure."""
    url = server.url(f"/switch/{name}")
    doc = document(
        group("Production", site("Payments API", url, priority=priority)),
        strikes=1,
        email=mail.settings(),
        **settings,
    )
    load(doc)


def subjects(mail) -> list[str]:
    return [str(m.message["Subject"]) for m in mail.inbox]


def started_earlier(data_dir, minutes: int) -> str:
    """Move the open outage's start back ``minutes`` (as that much time passing would); its code."""
    with opened(data_dir):
        outage = Outage.get(Outage.end_time.is_null())
        earlier = outage.start_time - timedelta(minutes=minutes)
        Outage.update(start_time=earlier).where(Outage.id == outage.id).execute()
        return outage.code


@pytest.mark.usefixtures("engine")
def test_the_reminder_mail_arrives_once_when_nobody_is_on_it(
    server, load, run, mail, name, data_dir
):
    server.switch[name] = 500
    load_api(load, server, name, mail, escalate_after_minutes=15)
    run("check")
    run("check")
    assert len(mail.inbox) == 1  # the opening; no reminder before its time
    code = started_earlier(data_dir, 15)
    run("check")
    run("check")
    assert len(mail.inbox) == 2
    assert subjects(mail)[1] == (
        f"[djamon] STILL DOWN: Payments API still down after 15 minutes; nobody is on it"
        f" (outage {code})"
    )
    assert f"djamon-desktop ack {code}" in mail.inbox[1].message.get_content()
    timeline = [(e["event"], e.get("channel")) for e in outage_timeline(data_dir, code)]
    assert timeline[-3:] == [
        ("escalated", None),
        ("alert_queued", "email"),
        ("alert_sent", "email"),
    ]


def outage_timeline(data_dir, code: str) -> list[dict]:
    from djamon_desktop.store.timeline import events_of

    with opened(data_dir):
        outage = Outage.get(Outage.code == code)
        return [{"event": e.event, **e.fields()} for e in events_of(outage.id)]


@pytest.mark.usefixtures("engine")
def test_no_reminder_for_an_acknowledged_outage(server, load, run, mail, name, data_dir):
    server.switch[name] = 500
    load_api(load, server, name, mail, escalate_after_minutes=15)
    run("check")
    started_earlier(data_dir, 60)
    with opened(data_dir):
        outage = Outage.get(Outage.end_time.is_null())
        incidents.acknowledge(outage.id, "alice", datetime.now(UTC))
    run("check")
    run("check")
    assert len(mail.inbox) == 1
    assert "STILL DOWN" not in subjects(mail)[0]


def window_covering_now() -> list[dict]:
    """Quiet hours that began two minutes ago (local time) and last an hour."""
    began = datetime.now().astimezone() - timedelta(minutes=2)
    return [{"schedule": f"{began.minute} {began.hour} * * *", "minutes": 60}]


def window_ends(data_dir) -> None:
    """The quiet hours' end, as the clock would bring it: each held alert is due now."""
    with opened(data_dir):
        Alert.update(held_until=datetime.now(UTC)).where(Alert.held_until.is_null(False)).execute()


@pytest.mark.usefixtures("engine")
def test_quiet_hours_hold_mail_and_apprise_and_send_one_digest_each(
    server, load, run, mail, name, data_dir, keyring, hooks
):
    keyring("apprise_urls", f"{hooks.url('/team')}\n{hooks.url('/ops')}\n")
    server.switch[name] = 500
    load_api(load, server, name, mail, quiet_hours=window_covering_now(), apprise={"enabled": True})
    run("check")
    code = run("outage", "current", "--json").json()["code"]
    server.switch[name] = 200
    run("check")  # closed in quiet hours: held too
    assert mail.inbox == [] and hooks.received == []
    assert "held by quiet hours until" in run("outage", code).out
    window_ends(data_dir)
    run("check")
    run("check")
    assert subjects(mail) == ["[djamon] QUIET HOURS: 1 outage while alerts were held"]
    body = mail.inbox[0].message.get_content()
    assert body.count(code) == 1 and ": Payments API" in body and "still down" not in body
    for path in ("/team", "/ops"):
        [got] = hooks.delivered(path)
        assert got["title"] == "[djamon] QUIET HOURS: 1 outage while alerts were held"
        assert code in got["message"]
    events = [(e["event"], e.get("channel")) for e in outage_timeline(data_dir, code)]
    assert events.count(("held", "email")) == 2 and ("released", "email") in events
    assert events.count(("released", "apprise")) == 1


@pytest.mark.usefixtures("engine")
def test_a_critical_outage_pages_at_once_in_quiet_hours(server, load, run, mail, name):
    server.switch[name] = 500
    load_api(load, server, name, mail, priority="critical", quiet_hours=window_covering_now())
    run("check")
    server.switch[name] = 200
    run("check")
    assert [s.split(":")[0] for s in subjects(mail)] == ["[djamon] DOWN", "[djamon] RECOVERED"]


@pytest.mark.usefixtures("engine")
def test_a_close_outside_quiet_hours_goes_at_once_the_held_opening_waits(
    server, load, run, mail, name, data_dir
):
    server.switch[name] = 500
    load_api(load, server, name, mail, quiet_hours=window_covering_now())
    run("check")
    with opened(data_dir):
        save_settings({"quiet_hours": []})  # the closing's moment is outside every window
    server.switch[name] = 200
    run("check")
    assert [s.split(":")[0] for s in subjects(mail)] == ["[djamon] RECOVERED"]
    window_ends(data_dir)
    run("check")
    assert [s.split(":")[0] for s in subjects(mail)] == [
        "[djamon] RECOVERED",
        "[djamon] QUIET HOURS",
    ]
