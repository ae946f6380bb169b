"""`check`: rounds against real loopback servers, three strikes, outages, the guard."""

from __future__ import annotations

import time

import pytest

from djamon_desktop.store import queries, round_rules
from djamon_desktop.store.models import Check, Outage

from ..conftest import checks_at_once, document, group, opened, site
from ..servers import closed_port

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")


def states(run):
    return {s["title"]: (s["state"], s["down_count"]) for s in run("sites", "--json").json()}


def test_check_reports_each_site(server, load, run):
    load(
        document(
            group(
                "Production",
                site("Database", server.url("/status/200"), priority="critical"),
                site("Files", server.url("/status/503")),
                site("Shop", server.url("/hang"), priority="low"),
            ),
            timeout_seconds=1,
        )
    )
    result = run("check", "--json")
    assert result.code == 1
    report = result.json()
    assert report["connectivity"] is True
    assert report["outages_opened"] == [] and report["outages_closed"] == []
    assert report["started_at"].endswith("+00:00") and report["finished_at"].endswith("+00:00")
    by_title = {r["title"]: r for r in report["results"]}
    assert list(by_title) == ["Database", "Files", "Shop"]
    db = by_title["Database"]
    assert db["group"] == "Production" and db["priority"] == "critical"
    assert db["url"] == server.url("/status/200")
    assert (db["ok"], db["status_code"], db["error"], db["down_count"], db["state"]) == (
        True,
        200,
        None,
        0,
        "up",
    )
    assert (by_title["Files"]["status_code"], by_title["Files"]["error"]) == (503, None)
    assert by_title["Files"]["state"] == "warning"
    shop = by_title["Shop"]
    assert (shop["ok"], shop["status_code"], shop["error"]) == (False, None, "timeout")
    # cut at its 1 s deadline: the bound is the deadline plus slack for a loaded machine
    assert 990 <= shop["elapsed_ms"] < 2000
    assert isinstance(db["site_id"], int)


def test_all_good_exits_0(server, load, run):
    load(document(group("G", site("A", server.url("/status/200")), site("B", server.url("/")))))
    assert run("check").code == 0


def test_good_codes_setting_is_honoured(server, load, run):
    load(document(group("G", site("A", server.url("/status/404"))), good_codes=[200, 404]))
    assert run("check").code == 0


def test_three_strikes_open_then_recovery_closes(server, load, run, name):
    server.switch[name] = 500
    load(
        document(
            group(
                "G",
                site(
                    "Payments",
                    server.url(f"/switch/{name}"),
                    priority="high",
                    down_message="Payments are failing.",
                ),
            )
        )
    )
    first = run("check", "--json").json()["results"][0]
    assert (first["state"], first["down_count"]) == ("warning", 1)
    assert run("check", "--json").json()["results"][0]["state"] == "warning"
    assert run("outage", "current", "--json").out.strip() == "null"
    third = run("check", "--json").json()
    assert third["results"][0]["state"] == "down"
    [outage_id] = third["outages_opened"]

    current = run("outage", "current", "--json").json()
    assert current["id"] == outage_id
    assert len(current["code"]) == 8 and not current["code"].isdigit()
    assert current["end_time"] is None and current["seconds_down"] is None
    assert current["content"] == "Payments are failing."
    assert current["notification_sent"] is False
    assert [(s["title"], s["primary"]) for s in current["sites"]] == [("Payments", True)]
    assert current["sites"][0]["start_time"] == current["start_time"]

    fourth = run("check", "--json").json()  # still failing: stays in the same outage
    assert fourth["outages_opened"] == [] and fourth["results"][0]["down_count"] == 4

    server.switch[name] = 200
    fifth = run("check", "--json")
    assert fifth.code == 0
    assert fifth.json()["outages_closed"] == [outage_id]
    closed = run("outage", str(outage_id), "--json").json()
    assert closed["end_time"] is not None and closed["seconds_down"] >= 0
    assert run("outage", "current").out.strip() == "No outage is open."
    assert run("outage", closed["code"].lower(), "--json").json()["id"] == outage_id
    assert states(run)["Payments"] == ("up", 0)


def test_several_down_in_one_round_highest_priority_is_primary(server, load, run, name):
    server.switch[name] = 500
    url = server.url(f"/switch/{name}")
    load(
        document(
            group("One", site("Low", url, priority="low"), site("High A", url, priority="high")),
            group("Two", site("High B", url, priority="high"), site("Normal", url)),
            strikes=1,
        )
    )
    opened = run("check", "--json").json()["outages_opened"]
    outage = run("outage", str(opened[0]), "--json").json()
    # the primary first, then the others as they joined (all in this round)
    assert outage["sites"][0] == {**outage["sites"][0], "title": "High A", "primary": True}
    assert [s["primary"] for s in outage["sites"]] == [True, False, False, False]
    assert {s["title"] for s in outage["sites"]} == {"Low", "High A", "High B", "Normal"}


def test_site_joins_the_open_outage_and_it_closes_when_all_are_up(server, load, run, name):
    a, b = f"{name}a", f"{name}b"
    server.switch[a] = 500
    load(
        document(
            group(
                "G", site("A", server.url(f"/switch/{a}")), site("B", server.url(f"/switch/{b}"))
            ),
            strikes=2,
        )
    )
    run("check")
    [outage_id] = run("check", "--json").json()["outages_opened"]
    server.switch[b] = 500
    run("check")
    joined = run("check", "--json").json()
    assert joined["outages_opened"] == []
    sites = run("outage", "current", "--json").json()["sites"]
    assert [(s["title"], s["primary"]) for s in sites] == [("A", True), ("B", False)]
    server.switch[a] = 200
    assert run("check", "--json").json()["outages_closed"] == []  # B still down
    server.switch[b] = 200
    assert run("check", "--json").json()["outages_closed"] == [outage_id]
    assert len(run("outages", "--json").json()) == 1


def test_deactivated_site_counts_as_recovered(server, load, run, name):
    server.switch[name] = 500
    doc = document(group("G", site("A", server.url(f"/switch/{name}"))), strikes=1)
    load(doc)
    [outage_id] = run("check", "--json").json()["outages_opened"]
    doc["groups"][0]["sites"][0]["active"] = False
    load(doc)
    result = run("check", "--json")
    assert result.code == 0
    assert result.json()["results"] == []  # inactive sites are not checked nor listed
    assert result.json()["outages_closed"] == [outage_id]


def test_lost_connectivity_blames_no_site(server, load, run, name, data_dir):
    server.switch[name] = 500
    load(
        document(
            group("G", site("A", server.url(f"/switch/{name}"))),
            sandbox_urls=[server.url("/status/503"), f"http://127.0.0.1:{closed_port()}/"],
        )
    )
    result = run("check", "--json")
    assert result.code == 3
    report = result.json()
    assert report["connectivity"] is False and report["results"] == []
    assert states(run)["A"] == ("unknown", 0)
    with opened(data_dir):
        assert Check.select().count() == 0  # the site may have been asked; nothing was kept
    assert "Connectivity lost" in run("check").out


def test_a_slow_sandbox_and_the_sites_share_one_deadline(server, load, run, data_dir):
    # the sandbox answers 1 s before the deadline and a site hangs: one deadline, not two
    timeout = 4.0
    load(
        document(
            group("G", site("Up", server.url("/status/200")), site("Hung", server.url("/hang"))),
            sandbox_urls=[server.url(f"/slow/{int((timeout - 1) * 1000)}")],
            timeout_seconds=timeout,
        )
    )
    started = time.monotonic()
    report = run("check", "--json").json()
    took = time.monotonic() - started
    assert report["connectivity"] is True
    assert {r["title"]: r["error"] for r in report["results"]} == {"Up": None, "Hung": "timeout"}
    # the deadline plus slack for starting the command on a loaded machine, short of the 7 s
    # the sandbox's 3 s and then the sites' deadline would take
    assert timeout <= took < timeout + 2.0, took
    with opened(data_dir):
        assert Check.select().count() == 2


def test_lost_connectivity_ends_the_round_without_waiting_for_the_sites(server, load, run):
    load(
        document(
            group("G", site("Hung", server.url("/hang"))),
            sandbox_urls=[f"http://127.0.0.1:{closed_port()}/"],
            timeout_seconds=5,
        )
    )
    started = time.monotonic()
    assert run("check").code == 3
    # at once, not at the hung site's 5 s deadline: slack for starting the command under load
    assert time.monotonic() - started < 2.5
    assert states(run)["Hung"] == ("unknown", 0)


def test_a_sandbox_answering_late_still_counts_the_sites(server, load, run, name):
    # the sites' answers come first; they are kept until the guard has its answer
    server.switch[name] = 500
    load(
        document(
            group("G", site("A", server.url(f"/switch/{name}"))),
            sandbox_urls=[server.url("/slow/700")],
        )
    )
    result = run("check", "--json")
    assert result.code == 1
    assert result.json()["results"][0]["status_code"] == 500
    assert states(run)["A"] == ("warning", 1)


def test_one_good_sandbox_url_is_enough(server, load, run):
    load(
        document(
            group("G", site("A", server.url("/status/200"))),
            sandbox_urls=[server.url("/status/500"), server.url("/status/200")],
        )
    )
    assert run("check", "--json").json()["connectivity"] is True


def test_no_active_site_tries_nothing(server, load, run):
    load(
        document(
            group("G", site("A", server.url("/status/200"), active=False)),
            sandbox_urls=[server.url("/status/200")],
        )
    )
    before = len(server.seen)
    result = run("check", "--json")
    assert result.code == 0
    assert result.json()["results"] == []
    assert len(server.seen) == before
    assert run("check").out.strip() == "No active site to check."


def test_text_output_names_sites_and_outages(server, load, run):
    load(document(group("Production", site("Database", server.url("/status/500"))), strikes=1))
    result = run("check")
    assert result.code == 1
    assert "DOWN" in result.out and "Database" in result.out and "500" in result.out
    code = run("outage", "current", "--json").json()["code"]
    assert f"Outage {code}" in result.out and "opened" in result.out


def test_a_failed_store_leaves_nothing_half_written(server, load, run, monkeypatch, data_dir):
    load(document(group("G", site("A", server.url("/status/500"))), strikes=1))

    def boom(*args, **kwargs):
        raise RuntimeError("power cut")

    with monkeypatch.context() as patch:
        patch.setattr(round_rules, "apply_outage_rules", boom)
        result = run("check")
    assert result.code == 70 and "Traceback" not in result.err
    assert "power cut" in result.err
    assert run("sites", "--json").json()[0]["down_count"] == 0
    with opened(data_dir):
        assert Check.select().count() == 0
        assert Outage.select().count() == 0


def test_two_processes_checking_at_once_lose_no_strike(server, load, data_dir):
    load(document(group("G", site("A", server.url("/status/500"))), strikes=10))
    for code, err in checks_at_once(data_dir, 4):
        assert code == 1, err
    with opened(data_dir):
        [info] = queries.list_sites(10)
        assert info.down_count == 4


def test_check_process_exit_codes_and_json(server, run_process, tmp_path):
    path = tmp_path / "c.json"
    import json

    path.write_text(json.dumps(document(group("G", site("A", server.url("/status/500"))))))
    assert run_process("import", str(path)).code == 0
    result = run_process("check", "--json")
    assert result.code == 1, result.err
    assert json.loads(result.out)["results"][0]["status_code"] == 500
    assert result.err == ""
