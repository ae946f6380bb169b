"""The incident settings travel with the others: ``escalate_after_minutes`` and
``quiet_hours`` are exported, and an import of bad values is refused naming each place, with
nothing changed. On SQLite and on a team's PostgreSQL."""

from __future__ import annotations

import json

import pytest

from ..conftest import document

pytestmark = pytest.mark.usefixtures("engine")

EVENINGS = [{"schedule": "0 18 * * 1-5", "minutes": 900}]


def test_export_holds_them_and_they_round_trip(run, load, tmp_path, monkeypatch):
    defaults = json.loads(run("export").out)["settings"]
    assert (defaults["escalate_after_minutes"], defaults["quiet_hours"]) == (0, [])
    load(document(escalate_after_minutes=15, quiet_hours=EVENINGS))
    first = run("export").out
    settings = json.loads(first)["settings"]
    assert (settings["escalate_after_minutes"], settings["quiet_hours"]) == (15, EVENINGS)
    path = tmp_path / "first.json"
    path.write_text(first)
    monkeypatch.setenv("DJAMON_DATA_DIR", str(tmp_path / "elsewhere"))
    assert run("import", str(path)).code == 0
    assert run("export").out == first


@pytest.mark.parametrize(
    ("settings", "problems"),
    [
        (
            {
                "escalate_after_minutes": 1441,
                "quiet_hours": [
                    {"schedule": "0 18 * * 1-5", "minutes": 0},
                    {"schedule": "0 18 * * 1-5", "minutes": 10081},
                ],
            },
            [
                "settings.escalate_after_minutes: 1441 is above 1440",
                "settings.quiet_hours[0].minutes: 0 is out of range",
                "settings.quiet_hours[1].minutes: 10081 is out of range",
            ],
        ),
        (
            {"escalate_after_minutes": -1, "quiet_hours": {"schedule": "0 18 * * *"}},
            [
                "settings.escalate_after_minutes: -1 is below 0",
                "settings.quiet_hours: must be a list of windows",
            ],
        ),
    ],
)
def test_bad_values_are_exit_2_naming_the_place_and_change_nothing(
    run, load, tmp_path, settings, problems
):
    load(document(escalate_after_minutes=15, quiet_hours=EVENINGS))
    before = run("export").out
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(document(**settings)))
    result = run("import", str(path))
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert f"{len(problems)} problems; nothing was imported" in lines[0]
    for problem, line in zip(problems, lines[1:], strict=True):
        assert line.startswith(f"{path}: {problem}") or line.startswith(f"bad.json: {problem}"), (
            line
        )
    assert "Traceback" not in result.err
    assert run("export").out == before
