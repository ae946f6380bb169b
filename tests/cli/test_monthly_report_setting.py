"""The ``monthly_report`` setting through import and export: written by export (off, no
recipients, by default), read back unchanged (an export imported into an empty database exports
the same bytes), each problem refused with its place named and nothing stored, and taken with
e-mail off (settings come in any order; nothing is mailed until e-mail is on)."""

from __future__ import annotations

import json

import pytest

from ..conftest import document, group, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

SITES = group("Production", site("Shop", "https://shop.example.com/"))


@pytest.fixture
def write(tmp_path):
    def make(doc: dict, name: str = "in.json") -> str:
        path = tmp_path / name
        path.write_text(json.dumps(doc), encoding="utf-8")
        return str(path)

    return make


def exported_setting(run) -> dict:
    return json.loads(run("export").out)["settings"]["monthly_report"]


def test_exported_off_by_default(run):
    assert exported_setting(run) == {"enabled": False, "to": []}


def test_the_round_trip_is_byte_identical(run, write, tmp_path, monkeypatch):
    doc = document(
        SITES,
        email={"enabled": True, "host": "smtp.example.com", "to": ["ops@example.com"]},
        monthly_report={"enabled": True, "to": ["owner@example.com", "boss@example.org"]},
    )
    assert run("import", write(doc)).code == 0
    first = run("export").out
    assert json.loads(first)["settings"]["monthly_report"] == {
        "enabled": True,
        "to": ["owner@example.com", "boss@example.org"],
    }
    monkeypatch.setenv("DJAMON_DATA_DIR", str(tmp_path / "empty"))
    assert run("import", write(json.loads(first), "first.json")).code == 0
    assert run("export").out == first


def test_taken_with_e_mail_off_and_merged_key_by_key(run, write):
    assert run("import", write(document(SITES, monthly_report={"enabled": True}))).code == 0
    assert exported_setting(run) == {"enabled": True, "to": []}
    later = document(SITES, monthly_report={"to": ["owner@example.com"]})
    assert run("import", write(later, "later.json")).code == 0
    assert exported_setting(run) == {"enabled": True, "to": ["owner@example.com"]}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (
            {"enabled": True, "to": ["owner@example.com", "not an address"]},
            "settings.monthly_report.to[1]: ",
        ),
        ({"enabled": "yes"}, "settings.monthly_report.enabled: must be true or false"),
        ({"to": "owner@example.com"}, "settings.monthly_report.to: must be a list"),
        ({"cc": []}, "settings.monthly_report.cc: unknown key; known keys: enabled, to"),
        (True, "settings.monthly_report: must be an object, not a boolean"),
    ],
)
def test_each_problem_is_named_by_its_place_and_nothing_stored(run, write, value, expected):
    assert run("import", write(document(SITES), "good.json")).code == 0
    before = run("export").out
    result = run("import", write(document(SITES, monthly_report=value)))
    assert result.code == 2, result.err
    assert "Traceback" not in result.err
    problems = [line.split(": ", 1)[1] for line in result.err.splitlines()[1:]]
    assert len(problems) == 1 and problems[0].startswith(expected), result.err
    assert run("export").out == before
