"""What the tray says: state and words, from sites, the open outage and the guard."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from djamon_desktop.core.status import (
    OpenOutage,
    SiteAtGlance,
    answer_text,
    listed,
    ordinal,
    overview,
)


@pytest.mark.parametrize(
    "n, text",
    [
        (1, "1st"),
        (2, "2nd"),
        (3, "3rd"),
        (4, "4th"),
        (11, "11th"),
        (12, "12th"),
        (13, "13th"),
        (21, "21st"),
        (22, "22nd"),
        (23, "23rd"),
        (101, "101st"),
        (111, "111th"),
        (0, "0th"),
    ],
)
def test_ordinals(n, text):
    assert ordinal(n) == text


UP = SiteAtGlance("Shop", True, "up", 0)
FAILING = SiteAtGlance("Files", True, "warning", 2)
START = datetime(2026, 11, 27, 10, 42, tzinfo=UTC)


def test_all_up_is_green():
    assert overview([UP, SiteAtGlance("DB", True, "up", 0)], None, True).state == "up"


def test_failing_without_outage_is_amber_with_the_ordinal():
    ov = overview([UP, FAILING], None, True)
    assert (ov.state, ov.text) == ("warning", "Files failing: 2nd failure in a row")


def test_failing_for_too_few_vantages_with_one_strike_says_so():
    # strikes 1, confirmations 2: one vantage sees it fail, the team count stays 0
    ov = overview([UP, SiteAtGlance("Files", True, "warning", 0)], None, True)
    assert (ov.state, ov.text) == ("warning", "Files failing: not confirmed yet")


def test_open_outage_is_red_and_says_since_when(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    import time

    time.tzset()
    outage = OpenOutage("K3X9QF2A", START, ["Payments", "Files"])
    ov = overview([UP, FAILING], outage, True)
    assert ov.state == "down"
    assert ov.text == "Payments and 1 more down since 10:42 — outage K3X9QF2A"


def test_grey_cases():
    assert overview([UP], None, False).state == "idle"
    assert overview([UP], None, True, paused_forever=True).text.startswith("Monitoring paused")
    assert overview([UP], None, True, paused_until=START).state == "idle"
    assert overview([SiteAtGlance("Off", False, "down", 9)], None, True).state == "idle"
    assert overview([], None, True).text.startswith("No site to monitor")
    assert overview([SiteAtGlance("New", True, "unknown", 0)], None, True).state == "idle"


def test_connectivity_lost_names_the_sandbox_urls_without_passwords():
    ov = overview([UP], None, False, sandbox_urls=["https://a.example/", "https://u:pw@b.example/"])
    assert ov.state == "idle"
    assert ov.text == (
        "Connectivity lost (no answer from https://a.example/ and https://u:***@b.example/): "
        "no site is blamed until it is back"
    )
    many = overview([UP], None, False, sandbox_urls=[f"https://{n}.example/" for n in "abcd"])
    assert "no answer from https://a.example/, https://b.example/ and 2 more" in many.text
    assert "no sandbox URL answered" in overview([UP], None, False).text


@pytest.mark.parametrize(
    "items, text",
    [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and 1 more")],
)
def test_listed(items, text):
    assert listed(items) == text


def test_one_site_up_is_not_all_1_sites():
    assert overview([UP], None, True).text == "Shop is up (the only active site)"
    assert overview([UP, UP], None, True).text == "All 2 sites up"


def test_sites_a_round_could_not_start_are_said_and_change_no_colour():
    """``busy``: the machine was too busy to start them; not failing, so the state stays, and
    who is on an open outage still comes last."""
    ov = overview([UP, SiteAtGlance("DB", True, "up", 0)], None, True, busy=3)
    assert ov.state == "up"
    assert ov.text == "All 2 sites up; 3 sites not checked (this machine was too busy)"
    one = overview([FAILING], None, True, busy=1)
    assert one.state == "warning" and one.text.endswith(
        "; 1 site not checked (this machine was too busy)"
    )
    outage = OpenOutage("A1", START, ["Files"], acknowledged_by="alice", acknowledged_at=START)
    down = overview([FAILING], outage, True, now=START, busy=2)
    assert down.text.endswith(
        "; 2 sites not checked (this machine was too busy); alice is on it · under a minute"
    )
    assert "not checked" not in overview([UP], None, False, busy=2).text  # nothing counted then


def test_an_answer_is_its_code_its_error_or_a_connection_that_opened():
    assert answer_text(200, None) == "200"
    assert answer_text(None, "timeout") == "timeout"
    assert answer_text(503, "content") == "content"
    assert answer_text(None, None) == "connected"  # a tcp:// site whose port opened


NEW = SiteAtGlance("New", True, "unknown", 0)


def test_sites_never_checked_keep_the_tray_from_green_and_are_counted():
    """Just added or imported: grey and counted, never "All N sites up" beside them."""
    one = overview([UP, NEW], None, True)
    assert (one.state, one.text, one.waiting) == ("idle", "1 site waiting for its first check", 1)
    many = overview(
        [UP, *[SiteAtGlance(f"N{i}", True, "unknown", 0) for i in range(200)]], None, True
    )
    assert (many.state, many.text) == ("idle", "200 sites waiting for their first check")
    only_new = overview([NEW, NEW], None, True)
    assert (only_new.state, only_new.text) == ("idle", "2 sites waiting for their first check")
    # an inactive site never checked waits for nothing
    assert overview([UP, SiteAtGlance("Off", False, "unknown", 0)], None, True).state == "up"


def test_failing_or_down_wins_over_waiting_which_follows():
    ov = overview([FAILING, NEW, NEW], None, True)
    assert ov.state == "warning"
    assert ov.text == "Files failing: 2nd failure in a row; 2 sites waiting for their first check"
    assert ov.waiting == 2
    outage = OpenOutage("A1", START, ["Files"], acknowledged_by="alice", acknowledged_at=START)
    down = overview([FAILING, NEW], outage, True, now=START)
    assert down.state == "down"
    assert down.text.endswith(
        "; 1 site waiting for its first check; alice is on it · under a minute"
    )


def test_waiting_is_not_said_while_paused_or_without_connectivity():
    assert overview([NEW], None, False).text.startswith("Connectivity lost")
    assert overview([NEW], None, False).waiting == 0
    assert overview([UP], None, True).waiting == 0
    assert overview([NEW], None, True, paused_forever=True).text.startswith("Monitoring paused")


def test_waiting_beside_maintenance_says_both():
    quiet = SiteAtGlance("Payments", True, "maintenance", 0, quiet_until=START)
    ov = overview([UP, NEW, quiet], None, True)
    assert ov.state == "idle"
    assert ov.text.startswith("1 site waiting for its first check; maintenance: Payments until ")
