"""Whether quiet hours hold an alert, and until when, as the alert policy decides it when the
alerts are written (an injected moment; windows read in a zone with a clock change)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from djamon_desktop.alerts.messages import AlertPolicy
from djamon_desktop.core.maintenance import Window
from djamon_desktop.core.outages import OutageFacts, SiteLine
from djamon_desktop.core.quiet_hours import HeldOutage
from djamon_desktop.core.settings_value import Settings

PARIS = ZoneInfo("Europe/Paris")
EVENINGS = (Window("0 18 * * 1-5", 900),)  # 18:00 on weekdays, for 15 hours


def facts(priority: str = "normal", event: str = "opened") -> OutageFacts:
    line = SiteLine("Payments API", "Prod", "https://pay.example/", priority, "", "HTTP 500", True)
    start = datetime(2026, 12, 7, 17, 0, tzinfo=UTC)
    end = start + timedelta(minutes=5) if event == "closed" else None
    return OutageFacts(event, "AB12CD34", start, end, 300 if end else None, (line,))


def policy(now: datetime, windows=EVENINGS) -> AlertPolicy:
    return AlertPolicy(("email", "twitter", "apprise"), True, windows, now, PARIS)


def held(now: datetime, **kwargs) -> set:
    return {text.held_until for text in policy(now).texts(facts(**kwargs))}


def test_held_until_the_window_ends_local_time():
    monday_night = datetime(2026, 12, 7, 22, 30, tzinfo=PARIS)
    assert held(monday_night) == {datetime(2026, 12, 8, 9, 0, tzinfo=PARIS)}
    assert held(monday_night, event="closed") == {datetime(2026, 12, 8, 9, 0, tzinfo=PARIS)}


def test_not_held_outside_the_windows_nor_for_a_critical_outage():
    assert held(datetime(2026, 12, 8, 9, 0, tzinfo=PARIS)) == {None}  # the window's end
    assert held(datetime(2026, 12, 8, 8, 59, tzinfo=PARIS)) != {None}
    assert held(datetime(2026, 12, 7, 22, 30, tzinfo=PARIS), priority="critical") == {None}
    # Friday 18:00 to Saturday 09:00, then nothing until Monday
    assert held(datetime(2026, 12, 12, 10, 0, tzinfo=PARIS)) == {None}


def test_windows_that_follow_on_hold_until_the_last_ends():
    chained = (Window("0 18 * * *", 60), Window("0 19 * * *", 120))
    at = datetime(2026, 12, 7, 18, 30, tzinfo=PARIS)
    got = {t.held_until for t in policy(at, chained).texts(facts())}
    assert got == {datetime(2026, 12, 7, 21, 0, tzinfo=PARIS)}


def test_without_a_moment_or_windows_nothing_is_held():
    no_moment = AlertPolicy(("email",), True, EVENINGS, None, PARIS)
    assert [t.held_until for t in no_moment.texts(facts())] == [None]
    settings = Settings.defaults()
    at = datetime(2026, 12, 7, 22, 30, tzinfo=PARIS)
    assert AlertPolicy.from_settings(settings, now=at).texts(facts()) == []  # no channel on


def test_the_reminder_says_still_down_and_nobody_with_the_minutes():
    at = facts().start_time + timedelta(minutes=15, seconds=40)
    texts = {t.channel: t for t in policy(at, ()).texts(facts(event="reminder"))}
    post = texts["twitter"].body
    assert post == "Payments API still down after 15 minutes; nobody is on it (outage AB12CD34)"
    assert texts["email"].subject == (
        "[djamon] STILL DOWN: Payments API still down after 15 minutes; nobody is on it"
        " (outage AB12CD34)"
    )
    assert "djamon-desktop ack AB12CD34" in texts["apprise"].body


def test_the_digest_lists_each_outage_with_local_minutes_and_sites():
    start = datetime(2026, 12, 7, 22, 5, tzinfo=PARIS)
    outages = [
        HeldOutage("AAAA1111", start, start + timedelta(minutes=42), ("Payments API", "Search")),
        HeldOutage("BBBB2222", start + timedelta(hours=3), None, ("Blog",)),
    ]
    p = policy(start)
    mail = p.digest("email", outages)
    local = {o.code: f"{o.start.astimezone():%Y-%m-%d %H:%M}" for o in outages}
    end = f"{outages[0].end.astimezone():%Y-%m-%d %H:%M}"
    assert f"- AAAA1111: {local['AAAA1111']} to {end}: Payments API, Search" in mail.body
    assert f"- BBBB2222: {local['BBBB2222']} to still down: Blog" in mail.body
    assert mail.subject == "[djamon] QUIET HOURS: 2 outages while alerts were held"
    post = p.digest("twitter", outages)
    assert post.subject == "" and "AAAA1111" in post.body and "still down" in post.body
    assert p.digest("apprise", outages) == mail.__class__("apprise", mail.subject, mail.body)
