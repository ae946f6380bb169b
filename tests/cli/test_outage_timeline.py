"""What ``outage`` shows of an outage's timeline beyond acknowledgements and notes: the
post-mortem draft of ``--markdown`` (others' text never markup), what is knowable of an outage
from before the timeline, and ``outages --json``. Real rounds against a loopback server, on
SQLite and on a team's PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.cycle import run_round

from ..conftest import document, group, opened, site

pytestmark = pytest.mark.usefixtures("engine")

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("DJAMON_USER", "alice")


def two_site_outage(server, load, data_dir, first: str = "Payments API") -> int:
    """``first`` fails at START and opens an outage, "Blog" joins a minute later, both are back
    at +5 minutes: the outage's ID."""
    a, b = uuid.uuid4().hex[:8], uuid.uuid4().hex[:8]
    load(
        document(
            group(
                "G",
                site(first, server.url(f"/switch/{a}"), priority="critical"),
                site("Blog", server.url(f"/switch/{b}")),
            ),
            strikes=1,
        )
    )
    with opened(data_dir):
        server.switch[a] = 500
        [outage_id] = run_round(clock=lambda: START).outages_opened
        server.switch[b] = 503
        run_round(clock=lambda: START + timedelta(minutes=1))
        server.switch[a] = server.switch[b] = 200
        run_round(clock=lambda: START + timedelta(minutes=5))
    return outage_id


def forget_timeline(data_dir, outage_id: int) -> None:
    """As an outage stored before the timeline existed: no events at all."""
    from djamon_desktop.store.models import OutageEvent

    with opened(data_dir):
        OutageEvent.delete().where(OutageEvent.outage == outage_id).execute()


def test_an_outage_from_before_the_timeline_shows_what_is_knowable(server, load, data_dir, run):
    outage_id = two_site_outage(server, load, data_dir)
    forget_timeline(data_dir, outage_id)
    outage = run("outage", str(outage_id), "--json").json()
    ids = {s["title"]: s["site_id"] for s in outage["sites"]}
    assert outage["timeline"] == [
        {"at": "2026-11-02T09:00:00+00:00", "event": "opened", "site_id": ids["Payments API"]},
        {"at": "2026-11-02T09:01:00+00:00", "event": "joined", "site_id": ids["Blog"]},
        {"at": "2026-11-02T09:05:00+00:00", "event": "closed"},
    ]
    # a note added since comes after what is derived
    assert run("note", str(outage_id), "Found in the old logs").code == 0
    events = run("outage", str(outage_id), "--json").json()["timeline"]
    assert [e["event"] for e in events] == ["opened", "joined", "closed", "note"]
    text = run("outage", str(outage_id)).out.split("Timeline:\n", 1)[1].splitlines()
    assert text[:3] == [
        "  09:00:00  opened          Payments API",
        "  09:01:00  joined          Blog",
        "  09:05:00  closed",
    ]


def test_nothing_is_derived_for_an_outage_whose_opening_was_stored(server, load, data_dir, run):
    outage_id = two_site_outage(server, load, data_dir)
    forget_timeline(data_dir, outage_id)
    with opened(data_dir):
        from djamon_desktop.store import timeline

        timeline.add(outage_id, START + timedelta(seconds=1), "opened")
    events = run("outage", str(outage_id), "--json").json()["timeline"]
    assert events == [{"at": "2026-11-02T09:00:01+00:00", "event": "opened"}]


def test_markdown_is_a_post_mortem_draft_with_others_text_as_text(server, load, data_dir, run):
    outage_id = two_site_outage(server, load, data_dir, first="Pay *ments* <v2> & co")
    forget_timeline(data_dir, outage_id)
    assert (
        run("note", str(outage_id), "<b>x</b> *y* [link](http://e.example)", "--as", "_b_").code
        == 0
    )
    result = run("outage", str(outage_id), "--markdown")
    assert result.code == 0, result.err
    draft = result.out
    code = run("outage", str(outage_id), "--json").json()["code"]
    lines = draft.splitlines()
    assert lines[0] == f"# Outage {code}: Pay \\*ments\\* &lt;v2&gt; &amp; co"
    assert "- Started: 2026-11-02 09:00:00" in lines
    assert "- Ended: 2026-11-02 09:05:00" in lines
    assert "- Duration: 5 minutes" in lines
    assert "- Sites: Pay \\*ments\\* &lt;v2&gt; &amp; co (primary), Blog" in lines
    assert "- Acknowledged by: nobody" in lines
    note = "&lt;b&gt;x&lt;/b&gt; \\*y\\* \\[link\\](http://e.example)"
    assert "- 2026-11-02 09:05:00 **closed**" in lines
    assert any(line.endswith(f"**note** by \\_b\\_: {note}") for line in lines)
    assert any(line.endswith(f", \\_b\\_: {note}") for line in lines)
    for heading in ("## Summary", "## Timeline", "## Notes", "## Cause", "## What we did"):
        assert heading in lines
    assert lines[-3:] == ["## What we did", "", "## What we will change"]

    # a real Markdown renderer reads every one of those characters as text
    import markdown  # the test extra has it

    html = markdown.markdown(draft)
    assert "<b>" not in html and "<em>" not in html and "<a " not in html
    assert "&lt;b&gt;x&lt;/b&gt; *y* [link](http://e.example)" in html
    assert "Pay *ments* &lt;v2&gt; &amp; co" in html


def test_outages_json_says_who_is_on_each(server, load, data_dir, run):
    name = uuid.uuid4().hex[:8]
    load(document(group("G", site("A", server.url(f"/switch/{name}"))), strikes=1))
    with opened(data_dir):
        server.switch[name] = 500
        [outage_id] = run_round(clock=lambda: START).outages_opened
    assert run("ack", "current", "--as", "bob").code == 0
    [item] = run("outages", "--json").json()
    one = run("outage", str(outage_id), "--json").json()
    assert item["acknowledged_by"] == "bob" == one["acknowledged_by"]
    assert item["acknowledged_at"] == one["acknowledged_at"] is not None
    assert "timeline" not in item and "notes" not in item  # those are `outage --json`'s


def test_each_event_shows_its_fields_in_json_and_one_readable_line(server, load, data_dir, run):
    """Events as the rounds and the outbox store them: a vantage's failure with its answer, an
    alert's channel and reason, a removed site."""
    outage_id = two_site_outage(server, load, data_dir)
    forget_timeline(data_dir, outage_id)
    ids = {
        s["title"]: s["site_id"] for s in run("outage", str(outage_id), "--json").json()["sites"]
    }
    with opened(data_dir):
        from djamon_desktop.store import timeline

        at = START - timedelta(seconds=49)
        timeline.add(outage_id, at, "failed", site_id=ids["Blog"], vantage="alice", text="HTTP 500")
        timeline.add(outage_id, START, "opened", site_id=ids["Payments API"])
        timeline.add(outage_id, START, "alert_queued", channel="email")
        timeline.add(outage_id, START, "alert_failed", channel="email", reason="535 auth failed")
        timeline.add(outage_id, START + timedelta(days=1), "removed", site_id=9999)
    events = run("outage", str(outage_id), "--json").json()["timeline"]
    assert events == [
        {
            "at": "2026-11-02T08:59:11+00:00",
            "event": "failed",
            "site_id": ids["Blog"],
            "vantage": "alice",
            "text": "HTTP 500",
        },
        {"at": "2026-11-02T09:00:00+00:00", "event": "opened", "site_id": ids["Payments API"]},
        {"at": "2026-11-02T09:00:00+00:00", "event": "alert_queued", "channel": "email"},
        {
            "at": "2026-11-02T09:00:00+00:00",
            "event": "alert_failed",
            "channel": "email",
            "reason": "535 auth failed",
        },
        {"at": "2026-11-03T09:00:00+00:00", "event": "removed", "site_id": 9999},
    ]
    text = run("outage", str(outage_id)).out.split("Timeline:\n", 1)[1].splitlines()
    assert text == [
        "  08:59:11  failed          Blog (from alice): HTTP 500",
        "  09:00:00  opened          Payments API",
        "  09:00:00  alert_queued    email",
        "  09:00:00  alert_failed    email: 535 auth failed",
        "  2026-11-03 09:00:00  removed         site 9999",
    ]
