"""Djamon fixtures whose fields carry other names than the known ones: recognised by name and
value, said in the import summary, and refused only when really ambiguous."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from djamon_desktop.store import history

from ..conftest import opened

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
VARIANT = str(FIXTURES / "djamon_variant.json")
AMBIGUOUS = str(FIXTURES / "djamon_ambiguous.json")

VARIANT_SUMMARY = """\
  monitor.group: title read from "name";
  monitor.site: URL read from "address";
  monitor.site: title read from "name";
  monitor.site: down message read from "down_msg";
  monitor.site: active flag read from "is_active";
  monitor.site: priority read from "importance";
  monitor.site: last seen read from "last_seen_at";
  monitor.site: down count read from "failures";
  monitor.site: "added" not read;
  monitor.siteview: time read from "attempt_time";
  monitor.siteview: status read from "http_status";
  monitor.siteview: response time read from "response_ms";
  monitor.siteview: "day" not read;
  monitor.outage: code read from "reference";
  monitor.outage: start time read from "started";
  monitor.outage: end time read from "resolved_at";
  monitor.outage: seconds down read from "downtime_seconds";
  monitor.outage: extra information read from "notes";
  monitor.outage: content read from "message";
  monitor.outage: notification sent read from "notified";
  monitor.outagesites: outage read from "outage_id";
  monitor.outagesites: site read from "site_id";
  monitor.outagesites: primary read from "is_primary";
  monitor.outagesites: start time read from "since".
"""


def test_other_field_names_are_read_as_what_they_hold(run, data_dir):
    result = run("import", VARIANT)
    assert result.code == 0, result.err
    sites = {s["title"]: s for s in run("sites", "--json").json()}
    assert sites["Database"]["url"] == "https://db.example.com/health"  # from "address"
    assert (sites["Database"]["group"], sites["Database"]["priority"]) == ("Production", "critical")
    assert sites["Shop"]["priority"] == "high" and sites["Shop"]["down_count"] == 2
    assert sites["Shop"]["last_seen"] == "2013-06-03T10:14:00+00:00"
    assert sites["Shop"]["last_error"] == "connection"  # its last http_status was null
    assert sites["Printer"]["active"] is False and sites["Printer"]["priority"] == "low"
    outages = run("outages", "--json").json()
    assert [o["code"] for o in outages] == ["P7M2ZR4T", "K3X9QF2A"]
    old = outages[1]
    assert old["seconds_down"] == 3785 and old["end_time"] == "2013-06-01T09:03:05+00:00"
    assert old["start_time"] == "2013-06-01T08:00:00+00:00"
    assert old["extra_information"] == "Disk full on the web server."
    assert old["content"] == "The shop is closed for a moment."
    assert [(s["title"], s["primary"]) for s in old["sites"]] == [
        ("Shop", True),
        ("Database", False),
    ]
    assert outages[0]["end_time"] is None
    with opened(data_dir):
        assert history.check_count() == 6
        at = datetime(2013, 6, 3, 10, 30, tzinfo=UTC)
        up = history.hour_counts(at, 1)
        assert {k: (u.good, u.checks) for k, u in up.items()} == {1: (3, 3), 2: (1, 3)}
        [point] = history.hourly(1, at, 24)
        assert point.average_ms == pytest.approx((120.5 + 98.0 + 101.2) / 3)


def test_stored_exactly_as_the_same_data_under_known_names(run, tmp_path):
    assert run("import", VARIANT).code == 0
    standard = ("--data-dir", str(tmp_path / "standard"))
    assert run(*standard, "import", str(FIXTURES / "djamon_2013.json")).code == 0
    for command in (("sites", "--json"), ("outages", "--json"), ("export",)):
        assert run(*command).out == run(*standard, *command).out, command


def test_the_summary_says_each_other_name_once(run):
    out = run("import", VARIANT).out
    first, rest = out.split("\n", 1)
    assert first == (
        f"Imported {VARIANT}: Djamon fixture: added 2 groups, 3 sites, 6 checks, 2 outages, "
        "3 outage sites; fields under other names:"
    )
    assert rest == VARIANT_SUMMARY  # six site views, one line for their time


def test_importing_the_variant_again_changes_nothing(run, data_dir):
    assert run("import", VARIANT).code == 0
    before = (run("export").out, run("sites", "--json").out, run("outages", "--json").out)
    again = run("import", VARIANT)
    assert again.code == 0
    assert "added 0 groups, 0 sites, 0 checks, 0 outages, 0 outage sites;" in again.out
    assert (run("export").out, run("sites", "--json").out, run("outages", "--json").out) == before
    with opened(data_dir):
        assert history.check_count() == 6


def test_an_ambiguous_fixture_is_refused_naming_model_pk_and_fields(run, data_dir):
    assert run("import", str(FIXTURES / "djamon_minimal.json")).code == 0
    before = (run("export").out, run("sites", "--json").out)
    result = run("import", AMBIGUOUS)
    assert result.code == 2
    assert "2 problems; nothing was imported" in result.err
    assert (
        "[1] monitor.site pk=1: fields.is_active, fields.enabled: each could be its active flag"
        in result.err
    )
    assert (
        "[4] monitor.siteview pk=1c8d3e7f-5d20-4e9b-8e4f-2a3b4c5d6e7f: "
        "fields.attempt_time, fields.finished_at: each could be its time (a date-time); "
        'rename the right one to "datetime"'
    ) in result.err
    assert "Traceback" not in result.err
    assert (run("export").out, run("sites", "--json").out) == before
    with opened(data_dir):
        assert history.check_count() == 0


def test_the_ambiguity_goes_once_a_field_is_renamed(run, tmp_path):
    fixture = json.loads(Path(AMBIGUOUS).read_text())
    for obj in fixture:
        fields = obj["fields"]
        if "attempt_time" in fields:
            fields["datetime"] = fields.pop("attempt_time")
        fields.pop("enabled", None)
    path = tmp_path / "renamed.json"
    path.write_text(json.dumps(fixture))
    result = run("import", str(path))
    assert result.code == 0, result.err
    assert 'monitor.site: active flag read from "is_active";' in result.out
    assert 'monitor.siteview: "finished_at" not read' in result.out  # "datetime" comes first
    assert "added 1 group, 2 sites, 3 checks, 0 outages, 0 outage sites" in result.out


def minimal_with(tmp_path, site_fields: dict, view_fields: dict | None = None) -> str:
    """djamon_minimal.json with these fields added to its site, and a site view if given."""
    fixture = json.loads((FIXTURES / "djamon_minimal.json").read_text())
    fixture[1]["fields"].update(site_fields)
    if view_fields is not None:
        view = {"model": "monitor.siteview", "pk": "7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d"}
        fixture.append({**view, "fields": {"site": 11, **view_fields}})
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture))
    return str(path)


def test_a_response_time_in_seconds_is_made_milliseconds(run, tmp_path, data_dir):
    view = {"checked": "2013-06-03T10:13:00Z", "status": 200, "duration_s": 0.25}
    result = run("import", minimal_with(tmp_path, {}, view))
    assert result.code == 0, result.err
    assert 'monitor.siteview: response time read from "duration_s", in seconds' in result.out
    assert 'monitor.siteview: time read from "checked"' in result.out
    with opened(data_dir):
        [point] = history.hourly(1, datetime(2013, 6, 3, 10, 30, tzinfo=UTC), 1)
        assert point.average_ms == pytest.approx(250.0)


def test_a_flag_that_says_the_opposite_is_negated(run, tmp_path):
    result = run("import", minimal_with(tmp_path, {"disabled": True}))
    assert result.code == 0, result.err
    assert 'monitor.site: active flag read from "disabled", negated' in result.out
    assert run("sites", "--json").json()[0]["active"] is False


def test_a_fitting_name_with_the_wrong_kind_of_value_is_not_read(run, tmp_path):
    fields = {"is_active": "yes", "down_msg": 42, "priority_text": "x"}
    result = run("import", minimal_with(tmp_path, fields))
    assert result.code == 0, result.err
    lines = result.out.splitlines()[1:]
    assert lines == [
        '  monitor.site: "is_active" not read;',
        '  monitor.site: "down_msg" not read;',
        '  monitor.site: "priority_text" not read.',
    ]
    [site] = run("export").json()["groups"][0]["sites"]
    assert (site["active"], site["down_message"]) == (True, "There is a problem with the website.")


def test_a_known_name_comes_before_a_fitting_one(run, tmp_path, data_dir):
    view = {"datetime": "2013-06-03T10:13:00Z", "finished_at": "2013-06-03T11:59:00Z"}
    result = run("import", minimal_with(tmp_path, {}, {**view, "status_code": 200}))
    assert result.code == 0, result.err
    assert "time read from" not in result.out
    assert 'monitor.siteview: "finished_at" not read' in result.out
    with opened(data_dir):
        assert history.hourly(1, datetime(2013, 6, 3, 10, 30, tzinfo=UTC), 1) != []


def test_a_site_view_without_any_time_says_what_would_have_fitted(run, tmp_path):
    view = {"tried": "yesterday", "status_code": 200}
    result = run("import", minimal_with(tmp_path, {}, view))
    assert result.code == 2
    assert (
        "[2] monitor.siteview pk=7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d: fields.datetime: "
        "is missing, and no other field fits (a date-time)"
    ) in result.err
    assert run("sites", "--json").json() == []


def test_a_dangling_reference_under_another_name_is_refused(run, tmp_path):
    fixture = json.loads(Path(VARIANT).read_text())
    fixture[-1]["fields"]["site_id"] = 9
    path = tmp_path / "dangling.json"
    path.write_text(json.dumps(fixture))
    result = run("import", str(path))
    assert result.code == 2
    assert "monitor.outagesites pk=3: its site 9 is not in the file" in result.err
    assert run("sites", "--json").json() == []
