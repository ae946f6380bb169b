"""Vantage points on the command line, on both engines: the name `check` records under
(--vantage, DJAMON_VANTAGE, the host name), `check --json`'s `vantage`, and `sites --json`'s
`vantages` with what each live vantage sees."""

from __future__ import annotations

import socket
from datetime import datetime

import pytest

from ..conftest import payments

pytestmark = pytest.mark.usefixtures("engine")


def checked_as(run, *args: str) -> dict:
    result = run(*args, "check", "--json")
    assert result.code in (0, 1), result.err
    return result.json()


def test_check_says_which_vantage_it_checked_from(run, load, server, name, monkeypatch):
    load(payments(server, name, blog=False))
    server.switch[name] = 200
    assert checked_as(run)["vantage"] == socket.gethostname()
    monkeypatch.setenv("DJAMON_VANTAGE", "office")
    assert checked_as(run)["vantage"] == "office"
    assert checked_as(run, "--vantage", "  home ")["vantage"] == "home"  # the option first
    result = run("check", "--json", "--vantage", "laptop")  # after the command too
    assert result.code == 0 and result.json()["vantage"] == "laptop"
    listed = run("sites", "--json").json()[0]["vantages"]
    assert sorted(listed) == sorted(["home", "laptop", "office", socket.gethostname()])


@pytest.mark.parametrize("bad", ["x" * 41, "two\nlines", "ali\u202ece", "bob\tx", "c1\x9b"])
def test_a_bad_vantage_name_is_refused_and_nothing_is_checked(run, load, server, name, bad):
    load(payments(server, name, blog=False))
    result = run("--vantage", bad, "check")
    assert result.code == 2
    assert result.err.count("\n") == 1 and "vantage name" in result.err, result.err
    assert "Traceback" not in result.err
    assert run("sites", "--json").json()[0]["vantages"] == {}


def test_sites_shows_what_each_live_vantage_sees(run, load, server, name):
    load(payments(server, name, strikes=2))
    server.switch[name] = 500
    office = checked_as(run, "--vantage", "office")
    checked_as(run, "--vantage", "office")
    server.switch[name] = 200
    checked_as(run, "--vantage", "home")
    assert office["results"][0]["state"] == "warning"

    payments_site, blog = run("sites", "--json").json()
    assert (payments_site["state"], payments_site["down_count"]) == ("down", 2)
    seen = payments_site["vantages"]
    assert list(seen) == ["home", "office"]  # by name
    assert {k: v["state"] for k, v in seen.items()} == {"home": "up", "office": "down"}
    assert {k: v["down_count"] for k, v in seen.items()} == {"home": 0, "office": 2}
    assert seen["office"]["last_seen"] is None
    home_seen = datetime.fromisoformat(seen["home"]["last_seen"])
    assert home_seen == datetime.fromisoformat(seen["home"]["last_checked"])
    assert home_seen >= datetime.fromisoformat(seen["office"]["last_checked"])
    assert set(seen["office"]) == {"state", "down_count", "last_seen", "last_checked"}
    assert {k: v["state"] for k, v in blog["vantages"].items()} == {"home": "up", "office": "up"}


def test_with_2_confirmations_one_vantage_failing_is_a_warning(run, load, server, name):
    load(payments(server, name, blog=False, strikes=2, confirmations=2))
    server.switch[name] = 500
    checked_as(run, "--vantage", "office")
    report = checked_as(run, "--vantage", "office")
    assert report["outages_opened"] == []
    assert (report["results"][0]["state"], report["results"][0]["down_count"]) == ("warning", 1)
    checked_as(run, "--vantage", "home")
    report = checked_as(run, "--vantage", "home")
    assert len(report["outages_opened"]) == 1
    assert (report["results"][0]["state"], report["results"][0]["down_count"]) == ("down", 2)
    [shown] = run("sites", "--json").json()
    assert {k: v["state"] for k, v in shown["vantages"].items()} == {
        "home": "down",
        "office": "down",
    }


def test_a_site_in_maintenance_is_in_maintenance_for_every_vantage(run, load, server, name):
    load(payments(server, name, blog=False))
    server.switch[name] = 500
    checked_as(run, "--vantage", "office")
    assert run("pause", "Production/Payments").code == 0
    [shown] = run("sites", "--json").json()
    assert shown["state"] == "maintenance"
    assert shown["vantages"]["office"] == {**shown["vantages"]["office"], "state": "maintenance"}
    assert shown["vantages"]["office"]["down_count"] == 1


def test_check_json_gives_this_vantages_own_count_beside_the_teams(run, load, server, name):
    """Two vantages, 2 confirmations, 3 strikes: office has seen 6 failures in a row, home 1.
    The team's count stays a warning's (2: not confirmed by a second vantage) while each
    vantage's own count is its own."""
    load(payments(server, name, blog=False, strikes=3, confirmations=2))
    server.switch[name] = 500
    for _ in range(6):
        report = checked_as(run, "--vantage", "office")
    [office] = report["results"]
    assert (office["vantage_down_count"], office["down_count"], office["state"]) == (
        6,
        2,
        "warning",
    )
    [home] = checked_as(run, "--vantage", "home")["results"]
    assert (home["vantage_down_count"], home["down_count"], home["state"]) == (1, 2, "warning")
    [office] = checked_as(run, "--vantage", "office")["results"]
    assert (office["vantage_down_count"], office["down_count"]) == (7, 2)
    [shown] = run("sites", "--json").json()
    assert shown["down_count"] == office["down_count"]
    assert {k: v["down_count"] for k, v in shown["vantages"].items()} == {"home": 1, "office": 7}
    server.switch[name] = 200
    [home] = checked_as(run, "--vantage", "home")["results"]
    assert (home["vantage_down_count"], home["down_count"], home["state"]) == (0, 2, "warning")
