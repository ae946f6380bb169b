"""Maintenance windows and pauses through the command line and real rounds against a loopback
server, with the round's clock injected (no sleeping)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.cycle import run_round
from djamon_desktop.store import queries
from djamon_desktop.store.models import Outage, Site

from ..conftest import document, group, opened, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

NIGHT = datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
BACKUP = [{"schedule": "0 2 * * *", "minutes": 60}]  # 02:00 to 03:00, UTC here


@pytest.fixture(autouse=True)
def _utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")


def at(minutes: float):
    return lambda: NIGHT + timedelta(minutes=minutes)


def requests_to(server, path: str) -> int:
    return sum(1 for seen in server.seen if seen.target.split("?")[0] == path)


def state(title: str):
    return next(s for s in queries.list_sites(2, now=NIGHT) if s.title == title)


def test_a_site_in_its_window_is_not_requested_keeps_its_strikes_and_its_outage_open(
    server, name, load, data_dir, run
):
    pay, shop = f"/switch/{name}-pay", f"/switch/{name}-shop"
    server.switch[f"{name}-pay"] = server.switch[f"{name}-shop"] = 500
    load(
        document(
            group(
                "Production",
                site("Payments", server.url(pay), priority="critical"),
                site("Shop", server.url(shop), maintenance=BACKUP),
            ),
            strikes=2,
        )
    )
    with opened(data_dir):
        run_round(at(0))
        report = run_round(at(1))  # 01:01: both down, one outage
        [outage_id] = report.outages_opened
        assert {s.title for s in queries.find_outage("current").sites} == {"Payments", "Shop"}

        server.switch[f"{name}-pay"] = 200
        shop_before = requests_to(server, shop)
        report = run_round(at(65))  # 02:05: Shop's window; Payments answers again
        assert requests_to(server, shop) == shop_before  # the server saw no request
        assert [o.site.title for o in report.outcomes] == ["Payments"]
        assert report.outages_closed == []  # Shop is in it and has not been seen up
        assert Site.get(Site.title == "Shop").down_count == 2
        assert Outage.get_by_id(outage_id).end_time is None

        report = run_round(at(119))  # 02:59, still in the window: nothing closes by itself
        assert report.outages_closed == [] and requests_to(server, shop) == shop_before

        server.switch[f"{name}-shop"] = 200
        report = run_round(at(121))  # 03:01: checked again, up: the outage closes
        assert requests_to(server, shop) == shop_before + 1
        assert report.outages_closed == [outage_id]
        assert Site.get(Site.title == "Shop").down_count == 0


def test_a_site_in_maintenance_opens_and_joins_no_outage(server, name, load, data_dir):
    server.switch[name] = 500
    load(
        document(
            group(
                "G",
                site("Failing", server.url(f"/switch/{name}")),
                site("Quiet", server.url("/status/500"), maintenance=BACKUP),
            ),
            strikes=2,
        )
    )
    with opened(data_dir):
        # Quiet went down before its window (stored as if so); in the window it stays out
        Site.update(down_count=5, last_checked=NIGHT).where(Site.title == "Quiet").execute()
        run_round(at(60))
        report = run_round(at(61))
        [outage_id] = report.outages_opened
        assert [s.title for s in queries.find_outage("current").sites] == ["Failing"]
        assert Site.get(Site.title == "Quiet").down_count == 5
        server.switch[name] = 200
        assert run_round(at(62)).outages_closed == [outage_id]
        report = run_round(at(63))  # Quiet alone is down (kept), in its window: no outage
        assert report.outages_opened == [] and queries.find_outage("current") is None


def test_with_every_site_in_maintenance_the_round_checks_nothing_not_even_the_sandbox(
    server, name, load, data_dir
):
    sandbox = f"/status/503?{name}"
    load(
        document(
            group("G", site("A", server.url(f"/status/200?{name}"), maintenance=BACKUP)),
            sandbox_urls=[server.url(sandbox)],
        )
    )
    with opened(data_dir):
        report = run_round(at(70))
        assert report.connectivity and report.outcomes == [] and report.exit_code == 0
        assert not any(name in seen.target for seen in server.seen)
        report = run_round(at(130))  # after the window: checked, and the sandbox tried
        assert not report.connectivity
        assert any(seen.target == sandbox for seen in server.seen)


def test_pause_and_resume_a_site_by_id_or_group_and_title(run, load, server):
    load(document(group("Production", site("Payments", server.url("/status/200")))))
    result = run("pause", "Production/Payments", "--minutes", "30")
    assert result.code == 0, result.err
    assert result.out.startswith("Paused Production/Payments (ID 1) until ")
    [info] = run("sites", "--json").json()
    assert (info["state"], info["down_count"]) == ("maintenance", 0)
    check = run("check", "--json")
    assert check.code == 0 and check.json()["results"] == []  # not checked

    assert run("resume", "1").out == "Resumed Production/Payments.\n"
    assert run("sites", "--json").json()[0]["state"] == "unknown"
    assert run("check", "--json").json()["results"][0]["title"] == "Payments"
    assert run("resume", "1").out == "Production/Payments was not paused; nothing changed.\n"

    assert run("pause", "1").out.startswith("Paused Production/Payments (ID 1) until you resume")
    assert run("sites", "--json").json()[0]["state"] == "maintenance"


def test_pause_and_resume_all_monitoring(run, load, server):
    load(document(group("G", site("A", server.url("/status/500")))))
    result = run("pause", "--minutes", "10")
    assert result.code == 0 and result.out.startswith("Paused all monitoring until ")
    assert run("sites", "--json").json()[0]["state"] == "maintenance"
    check = run("check")
    assert check.code == 0  # A would fail: it is not checked
    assert check.out == "No site checked: 1 active site in maintenance (see 'sites').\n"
    resumed = run("resume", "A/x")
    assert resumed.code == 2 and "SITE 'A/x': no site is called that" in resumed.err
    assert run("resume").out == "Resumed all monitoring.\n"
    assert run("check").code == 1
    assert run("resume").out == "All monitoring was not paused; nothing changed.\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("pause", "Nowhere/Nothing"), "SITE 'Nowhere/Nothing': no site is called that"),
        (("pause", "42"), "SITE '42': no site has this ID"),
        (("resume", "42"), "SITE '42': no site has this ID"),
        (("pause", "--minutes", "0"), "--minutes: 0 is out of range; use from 1 to 10080"),
        (("pause", "--minutes", "20000"), "--minutes: 20000 is out of range"),
        (("pause", "--minutes", "soon"), "--minutes: 'soon' is not a whole number"),
    ],
)
def test_an_unknown_site_or_bad_minutes_is_exit_2_and_nothing_stored(
    run, load, server, args, message
):
    load(document(group("G", site("A", server.url("/status/200")))))
    result = run(*args)
    assert result.code == 2 and message in result.err, result.err
    assert "Traceback" not in result.err
    assert run("sites", "--json").json()[0]["state"] == "unknown"


def test_windows_round_trip_through_export_and_import(run, load, server, tmp_path, monkeypatch):
    load(
        document(
            group(
                "Production",
                site("Payments", server.url("/status/200"), maintenance=BACKUP),
                site("Blog", server.url("/status/200")),
            )
            | {"maintenance": [{"schedule": "0 2 * * 0", "minutes": 60}]}
        )
    )
    first = run("export").out
    exported = json.loads(first)
    production = exported["groups"][0]
    assert production["maintenance"] == [{"schedule": "0 2 * * 0", "minutes": 60}]
    assert [s["maintenance"] for s in production["sites"]] == [BACKUP, []]
    path = tmp_path / "first.json"
    path.write_text(first)
    monkeypatch.setenv("DJAMON_DATA_DIR", str(tmp_path / "empty"))
    assert run("import", str(path)).code == 0
    assert run("export").out == first  # byte-identical


def test_an_import_without_maintenance_keeps_the_windows_and_an_empty_list_clears_them(
    run, load, server
):
    load(document(group("G", site("A", server.url("/status/200"), maintenance=BACKUP))))
    load(document(group("G", site("A", server.url("/status/200")))))
    assert json.loads(run("export").out)["groups"][0]["sites"][0]["maintenance"] == BACKUP
    load(document(group("G", site("A", server.url("/status/200"), maintenance=[]))))
    assert json.loads(run("export").out)["groups"][0]["sites"][0]["maintenance"] == []


def test_bad_windows_are_refused_with_their_place_and_nothing_stored(run, load, server, tmp_path):
    load(document(group("G", site("A", server.url("/status/200")))))
    before = run("export").out
    bad = document(
        group(
            "G",
            site("A", server.url("/status/200")),
            site(
                "B",
                server.url("/status/200"),
                maintenance=[
                    {"schedule": "0 2 * * 0", "minutes": 0},
                    {"schedule": "0 2 * * 0", "minutes": 20000},
                    {"schedule": "0 2 * *", "minutes": 5, "every": "week"},
                ],
            ),
        )
        | {"maintenance": {"schedule": "0 2 * * 0"}}
    )
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    result = run("import", str(path))
    assert result.code == 2
    err = result.err
    assert "groups[0].maintenance: must be a list of windows, not an object" in err
    assert "groups[0].sites[1].maintenance[0].minutes: 0 is out of range" in err
    assert "groups[0].sites[1].maintenance[1].minutes: 20000 is out of range" in err
    assert "groups[0].sites[1].maintenance[2].every: unknown key" in err
    assert "groups[0].sites[1].maintenance[2].schedule: '0 2 * *' has 4 fields" in err
    assert run("export").out == before
