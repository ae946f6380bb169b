"""The end notification's words: a site taken out of monitoring during an outage is said to be
removed, never back (nobody checked it)."""

from datetime import UTC, datetime

from djamon_desktop.gui.announce import back_message
from djamon_desktop.store.queries import OutageInfo, OutageSiteInfo

START = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def ended(*sites: tuple[str, str]) -> OutageInfo:
    return OutageInfo(
        id=1,
        code="ABCD2345",
        start_time=START,
        end_time=START,
        seconds_down=125,
        content="",
        extra_information="",
        notification_sent=True,
        sites=[
            OutageSiteInfo(i, title, i == 1, START, left)
            for i, (title, left) in enumerate(sites, 1)
        ],
    )


def test_recovered_sites_are_back():
    title, body = back_message(ended(("Payments", "recovered"), ("Blog", "recovered")))
    assert title == "Payments and Blog are back — outage ABCD2345 is over"
    assert body == "Payments and Blog are answering again. The outage lasted 2 minutes, 5 seconds."


def test_a_removed_site_is_never_back():
    title, body = back_message(ended(("Hanging API", "removed")))
    assert "back" not in title and "answering" not in body
    assert title == "Outage ABCD2345 is closed — Hanging API removed from monitoring"
    assert body.startswith("Hanging API was taken out of monitoring")


def test_mixed_says_which_is_which():
    title, body = back_message(ended(("Payments", "recovered"), ("Hanging API", "removed")))
    assert title == "Payments is back — outage ABCD2345 is over"
    assert "Payments is answering again. Removed from monitoring: Hanging API." in body
