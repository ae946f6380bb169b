"""The words of an outage's closing, as every channel gets them: sites checked up again are back;
sites taken out of monitoring (deleted or deactivated) are removed, never back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.alerts.messages import POST_LIMIT, AlertPolicy, post_length
from djamon_desktop.core.outages import OutageFacts, SiteLine

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
ALL = AlertPolicy(("email", "twitter", "apprise"))


def line(title: str, left: str, primary: bool = False) -> SiteLine:
    return SiteLine(title, "G", "https://x.example/", "normal", "", "HTTP 500", primary, left)


def closed(*sites: SiteLine) -> dict[str, tuple[str, str]]:
    facts = OutageFacts("closed", "K3X9QF2A", START, START + timedelta(minutes=5), 300, sites)
    return {text.channel: (text.subject, text.body) for text in ALL.texts(facts)}


def test_every_site_checked_up_again_is_back():
    texts = closed(line("Shop", "recovered", True), line("Files", "recovered"))
    assert texts["email"][0] == "[djamon] RECOVERED: Shop after 5 minutes (outage K3X9QF2A)"
    assert texts["email"][1].startswith("Outage K3X9QF2A is over: every site is back.")
    assert texts["twitter"][1] == "Resolved: Shop is back after 5 minutes. (outage K3X9QF2A)"
    assert texts["apprise"] == texts["email"]


@pytest.mark.parametrize(
    ("titles", "subject", "post"),
    [
        (
            ["Hanging API"],
            "[djamon] CLOSED: Hanging API removed from monitoring (outage K3X9QF2A)",
            "Closed: Hanging API was removed from monitoring (outage K3X9QF2A)",
        ),
        (
            ["Hanging API", "Files"],
            "[djamon] CLOSED: Hanging API and 1 more removed from monitoring (outage K3X9QF2A)",
            "Closed: Hanging API, Files were removed from monitoring (outage K3X9QF2A)",
        ),
    ],
)
def test_sites_all_taken_out_of_monitoring_are_removed_not_back(titles, subject, post):
    texts = closed(*(line(t, "removed", n == 0) for n, t in enumerate(titles)))
    assert texts["email"][0] == subject and texts["twitter"][1] == post
    assert texts["apprise"] == texts["email"]
    body = texts["email"][1]
    assert "removed from monitoring; none was checked up again" in body
    for text in (*texts["email"], post):
        assert "back" not in text and "RECOVERED" not in text and "Resolved" not in text


def test_mixed_closings_list_the_recovered_and_the_removed_apart():
    texts = closed(line("Shop", "removed", True), line("Files", "recovered"))
    subject, body = texts["email"]
    assert subject == (
        "[djamon] CLOSED: Files recovered, Shop removed from monitoring (outage K3X9QF2A)"
    )
    assert "1 site recovered, 1 removed from monitoring" in body
    back, removed = body.split("Removed from monitoring:")
    assert "Recovered:\n- Files," in back and "Shop" not in back.split("Recovered:")[1]
    assert "- Shop (primary)" in removed
    assert texts["twitter"][1] == (
        "Closed after 5 minutes: Files is back; Shop was removed from monitoring. (outage K3X9QF2A)"
    )


def test_a_long_closing_post_is_cut_to_fit_and_keeps_its_code():
    sites = [line(f"Service number {n} of the shop", "removed") for n in range(20)]
    post = closed(line("Shop", "recovered", True), *sites)["twitter"][1]
    assert post_length(post) <= POST_LIMIT and post.endswith("… (outage K3X9QF2A)")
    assert post.startswith("Closed after 5 minutes: Shop is back; Service number 0")
