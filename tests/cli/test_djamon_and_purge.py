"""Bringing Djamon's 2013 data over, and the purge of old history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from djamon_desktop.cycle import run_round
from djamon_desktop.store import history, purge, uptime

from ..conftest import document, group, opened, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def test_a_djamon_fixture_comes_over_whole(run):
    result = run("import", str(FIXTURES / "djamon_2013.json"))
    assert result.code == 0, result.err
    assert "added 2 groups, 3 sites, 6 checks, 2 outages, 3 outage sites" in result.out
    sites = {s["title"]: s for s in run("sites", "--json").json()}
    assert (
        sites["Database"]["priority"] == "critical" and sites["Database"]["group"] == "Production"
    )
    assert sites["Shop"]["priority"] == "high" and sites["Shop"]["down_count"] == 2
    assert sites["Shop"]["last_seen"] == "2013-06-03T10:14:00+00:00"
    assert sites["Shop"]["last_error"] == "connection"  # its last check got no answer
    assert sites["Printer"]["priority"] == "low" and sites["Printer"]["active"] is False
    outages = run("outages", "--json").json()
    assert [o["code"] for o in outages] == ["P7M2ZR4T", "K3X9QF2A"]
    old = outages[1]
    assert old["seconds_down"] == 3785 and old["end_time"] == "2013-06-01T09:03:05+00:00"
    assert old["extra_information"] == "Disk full on the web server."
    assert [(s["title"], s["primary"]) for s in old["sites"]] == [
        ("Shop", True),
        ("Database", False),
    ]
    assert run("outage", "current", "--json").json()["code"] == "P7M2ZR4T"
    text = run("outage", "K3X9QF2A").out
    assert "Duration: 1 hour, 3 minutes, 5 seconds" in text


def test_importing_the_same_fixture_again_changes_nothing(run, data_dir):
    assert run("import", str(FIXTURES / "djamon_2013.json")).code == 0
    before = (run("export").out, run("sites", "--json").out, run("outages", "--json").out)
    again = run("import", str(FIXTURES / "djamon_2013.json"))
    assert again.code == 0
    assert "added 0 groups, 0 sites, 0 checks, 0 outages, 0 outage sites" in again.out
    assert (run("export").out, run("sites", "--json").out, run("outages", "--json").out) == before
    with opened(data_dir):
        assert history.check_count() == 6


def test_an_imported_outage_gets_the_timeline_that_is_knowable(run, data_dir):
    """Djamon kept when an outage started and ended and which sites were in it: so each gets
    opened (its primary site), joined (the others, when they joined) and closed (when it
    ended); no failures or alerts, which Djamon did not keep. Importing again adds none."""
    from djamon_desktop.store import queries, timeline

    def events() -> dict[str, list[tuple]]:
        with opened(data_dir):
            ids = {s.title: s.site_id for s in queries.list_sites(3)}
            names = {site_id: title for title, site_id in ids.items()}
            return {
                code: [
                    (e.at.isoformat(), e.event, names.get(e.site_id))
                    for e in timeline.events_of(queries.find_outage(code).id)
                ]
                for code in ("K3X9QF2A", "P7M2ZR4T")
            }

    assert run("import", str(FIXTURES / "djamon_2013.json")).code == 0
    first = events()
    assert first == {
        "K3X9QF2A": [
            ("2013-06-01T08:00:00+00:00", "opened", "Shop"),
            ("2013-06-01T08:02:00+00:00", "joined", "Database"),
            ("2013-06-01T09:03:05+00:00", "closed", None),
        ],
        "P7M2ZR4T": [("2013-06-03T10:15:00+00:00", "opened", "Shop")],
    }
    assert run("import", str(FIXTURES / "djamon_2013.json")).code == 0
    assert events() == first


def test_checks_feed_the_hourly_summary(run, data_dir):
    assert run("import", str(FIXTURES / "djamon_2013.json")).code == 0
    with opened(data_dir):
        at = datetime(2013, 6, 3, 10, 30, tzinfo=UTC)
        up = history.hour_counts(at, 1)
        by_title = {1: "Database", 2: "Shop"}
        assert {by_title.get(k, k): (u.good, u.checks) for k, u in up.items()} == {
            "Database": (3, 3),
            "Shop": (1, 3),
        }
        # the uptime of the last hour: Shop down from 10:15, when it joined the open outage
        last_hour = uptime.uptimes(at, timedelta(hours=1), zone=UTC)
        assert (last_hour[2].text(), last_hour[1].text()) == ("75.00%", "100.00%")
        [point] = history.hourly(1, at, 24)
        assert point.average_ms == pytest.approx((120.5 + 98.0 + 101.2) / 3)
        assert point.max_ms == 120.5


def test_fixture_merges_into_existing_groups(run, load, server):
    load(document(group("Production", site("Database", server.url("/")))))
    result = run("import", str(FIXTURES / "djamon_2013.json"))
    assert "added 1 group, 2 sites" in result.out
    sites = run("sites", "--json").json()
    assert [s["title"] for s in sites if s["group"] == "Production"] == ["Database", "Shop"]
    assert sites[0]["url"] == server.url("/")  # what was there is kept as it was


def test_dangling_references_are_refused_whole(run):
    result = run("import", str(FIXTURES / "djamon_dangling.json"))
    assert result.code == 2
    err = result.err
    assert "monitor.site pk=2: its group 5 is not in the file" in err
    assert "monitor.siteview pk=6f8091a2-b3c4-4d5e-8f60-718293a4b5c6: its site 9 is not in" in err
    assert "monitor.outagesites pk=4: its outage 3 is not in the file" in err
    assert run("sites", "--json").json() == []


@pytest.mark.parametrize(
    "obj, message",
    [
        (
            {
                "model": "monitor.site",
                "pk": 3,
                "fields": {"group": 7, "title": "X" * 41, "url": "http://x/", "priority": 0},
            },
            "[2] monitor.site pk=3: fields.title: is 41 characters long",
        ),
        (
            {
                "model": "monitor.site",
                "pk": 3,
                "fields": {"group": 7, "title": "X", "url": "gopher://x/", "priority": 0},
            },
            "[2] monitor.site pk=3: fields.url: 'gopher://x/' is not an http or https URL",
        ),
        (
            {
                "model": "monitor.site",
                "pk": 3,
                "fields": {"group": 7, "title": "X", "url": "http://x/", "priority": 9},
            },
            "[2] monitor.site pk=3: fields.priority: 9 is not 0, 1, 2 or 3",
        ),
        (
            {
                "model": "monitor.siteview",
                "pk": "not-a-uuid",
                "fields": {"site": 11, "datetime": "2013-06-03T10:13:00Z", "status_code": 200},
            },
            "[2] monitor.siteview pk=not-a-uuid: pk: 'not-a-uuid' is not a UUID",
        ),
        (
            {
                "model": "monitor.siteview",
                "pk": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d",
                "fields": {"site": 11, "datetime": "yesterday", "status_code": 200},
            },
            "fields.datetime: 'yesterday' is not a date-time",
        ),
        (
            {"model": "monitor.outage", "pk": 5, "fields": {"code": "K3X9", "start_time": None}},
            "[2] monitor.outage pk=5: fields.start_time: is missing",
        ),
        (  # more than PostgreSQL's INTEGER holds: refused on every engine, with its place
            {
                "model": "monitor.site",
                "pk": 3,
                "fields": {"group": 7, "title": "X", "url": "http://x/", "down_count": 10**10},
            },
            "[2] monitor.site pk=3: fields.down_count: 10000000000 is out of range (0 to",
        ),
        (  # a team's PostgreSQL can't store a NUL: refused on every engine, with its place
            {
                "model": "monitor.outage",
                "pk": 5,
                "fields": {
                    "code": "K3X9QF2B",
                    "start_time": "2013-06-03T10:13:00Z",
                    "content": "a\u0000b",
                },
            },
            "[2] monitor.outage pk=5: fields.content: holds a NUL character (U+0000)",
        ),
        (  # a line break forges log lines; U+202E turns the window's words around
            {
                "model": "monitor.outage",
                "pk": 6,
                "fields": {
                    "code": "K3X9QF2C",
                    "start_time": "2013-06-03T10:13:00Z",
                    "extra_information": "fixed\nby ops",
                },
            },
            "[2] monitor.outage pk=6: fields.extra_information: holds a line break (U+000A)",
        ),
        (
            {
                "model": "monitor.group",
                "pk": 9,
                "fields": {"title": "\u202eevil"},
            },
            "[2] monitor.group pk=9: fields.title: holds a bidirectional control (U+202E)",
        ),
    ],
)
def test_bad_objects_name_model_and_pk(run, tmp_path, obj, message):
    fixture = json.loads((FIXTURES / "djamon_minimal.json").read_text()) + [obj]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(fixture))
    result = run("import", str(path))
    assert result.code == 2
    assert message in result.err, result.err
    assert run("sites", "--json").json() == []


def test_other_models_are_skipped_and_said(run, tmp_path):
    fixture = json.loads((FIXTURES / "djamon_minimal.json").read_text())
    fixture.append({"model": "auth.user", "pk": 1, "fields": {"username": "admin"}})
    path = tmp_path / "f.json"
    path.write_text(json.dumps(fixture))
    result = run("import", str(path))
    assert result.code == 0 and "skipped 1 auth.user" in result.out


# -- purge ----------------------------------------------------------------------------------------


def fill(server, load, data_dir, days_ago: list[int]) -> None:
    """One round at each of these many days ago (a real round, against the loopback server)."""
    load(document(group("G", site("A", server.url("/status/500"))), strikes=1))
    now = datetime.now(UTC)
    with opened(data_dir):
        for days in sorted(days_ago, reverse=True):
            run_round(clock=lambda d=days: now - timedelta(days=d))


def test_purge_removes_only_old_checks_and_never_outages(run, server, load, data_dir):
    fill(server, load, data_dir, [200, 120, 95, 40, 10, 1, 0])
    outages_before = run("outages", "--json").out
    result = run("purge", "--older-than", "30")
    assert (result.code, result.out.strip()) == (0, "Removed 4 checks older than 30 days.")
    assert run("outages", "--json").out == outages_before
    with opened(data_dir):
        assert history.check_count() == 3
        counts = history.hour_counts(datetime.now(UTC), 24 * 31)
        assert sum(u.checks for u in counts.values()) == 3


def test_purge_defaults_to_the_retention_setting(run, server, load, data_dir):
    fill(server, load, data_dir, [100, 95, 80, 5])
    assert run("purge").out.strip() == "Removed 2 checks older than 90 days."
    load(document(retention_days=7))
    assert run("purge").out.strip() == "Removed 1 check older than 7 days."


def test_hour_summaries_outlive_raw_checks_for_400_days(run, server, load, data_dir):
    """So a report can cover the same month a year before."""
    fill(server, load, data_dir, [410, 399, 20, 2])
    assert run("purge", "--older-than", "1").out.startswith("Removed 4 checks")
    with opened(data_dir):
        assert history.check_count() == 0
        counts = history.hour_counts(datetime.now(UTC), 24 * 420)
        assert sum(u.checks for u in counts.values()) == 3  # the one of 410 days ago went


def test_purge_runs_in_batches(run, server, load, data_dir, monkeypatch):
    monkeypatch.setattr(purge, "PURGE_BATCH", 2)
    fill(server, load, data_dir, [50, 49, 48, 47, 46, 1])
    seen = []
    with opened(data_dir):
        removed = purge.purge(30, datetime.now(UTC), progress=seen.append)
    assert removed == 5 and seen == [2, 4, 5]


@pytest.mark.parametrize("age", ["0", "-3", "x", "1.5"])
def test_bad_ages_are_refused(run_process, age):
    result = run_process("purge", "--older-than", age)
    assert result.code == 2 and len(result.err.splitlines()) == 1
    assert "--older-than" in result.err


def test_daily_purge_runs_once_a_day(server, load, data_dir):
    fill(server, load, data_dir, [100, 1])
    now = datetime.now(UTC)
    with opened(data_dir):
        assert purge.purge_if_due(90, now) == 1
        assert purge.purge_if_due(90, now + timedelta(hours=23)) is None
        assert purge.purge_if_due(90, now + timedelta(hours=25)) == 0
