"""The tray's words for an outage someone is on: "alice is on it · 4 minutes", said last, and
in a team from how many desktops its site is down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from djamon_desktop.core.status import (
    OpenOutage,
    SiteAtGlance,
    on_it_length,
    on_it_words,
    overview,
)

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
DOWN = SiteAtGlance("Payments", True, "down", 3, site_id=1)
BLOG = SiteAtGlance("Blog", True, "up", 0, site_id=2)


def test_the_minutes_are_whole_and_never_below_zero():
    assert on_it_length(START, START + timedelta(seconds=59)) == "under a minute"
    assert on_it_length(START, START + timedelta(seconds=60)) == "1 minute"
    assert on_it_length(START, START + timedelta(minutes=4, seconds=59)) == "4 minutes"
    assert on_it_length(START, START + timedelta(minutes=60)) == "1 hour"
    assert on_it_length(START, START + timedelta(minutes=125)) == "2 hours 5 minutes"
    assert on_it_length(START, START - timedelta(minutes=3)) == "under a minute"  # a clock behind
    assert on_it_words("alice", START, START + timedelta(minutes=4)) == "alice is on it · 4 minutes"


def test_the_open_outage_says_who_is_on_it_last():
    outage = OpenOutage("K3X9QF2A", START, ["Payments"], [1], "bob", START + timedelta(minutes=2))
    now = START + timedelta(minutes=6, seconds=30)
    ov = overview([DOWN, BLOG], outage, True, now=now)
    assert ov.state == "down"
    assert ov.text.startswith("Payments down since ")
    assert ov.text.endswith(" — outage K3X9QF2A; bob is on it · 4 minutes")
    # without a clock (or nobody on it) nothing is said of it
    assert "on it" not in overview([DOWN, BLOG], outage, True).text
    nobody = OpenOutage("K3X9QF2A", START, ["Payments"], [1])
    assert "on it" not in overview([DOWN, BLOG], nobody, True, now=now).text


def test_who_is_on_it_comes_after_a_certificate_warning():
    expiring = SiteAtGlance("Blog", True, "up", 0, START + timedelta(days=5), site_id=2)
    outage = OpenOutage("K3X9QF2A", START, ["Payments"], [1], "bob", START)
    text = overview([DOWN, expiring], outage, True, now=START + timedelta(minutes=1)).text
    assert "; certificate of Blog expires " in text
    assert text.endswith("; bob is on it · 1 minute")


def test_not_said_when_the_tray_is_not_red():
    outage = OpenOutage("K3X9QF2A", START, ["Payments"], [1], "bob", START)
    now = START + timedelta(minutes=1)
    paused = overview([DOWN], outage, True, paused_forever=True, now=now)
    assert paused.state == "idle" and "on it" not in paused.text


def test_a_team_says_from_how_many_desktops():
    outage = OpenOutage("K3X9QF2A", START, ["Payments"], [1], down_from="down from 2 of 3 desktops")
    text = overview([DOWN], outage, True).text
    assert "Payments down since" in text
    assert "(down from 2 of 3 desktops) — outage K3X9QF2A" in text
