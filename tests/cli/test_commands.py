"""`sites`, `outages`, `outage`, `schedule`, `--version`; every bad argument: exit 2, one line."""

from __future__ import annotations

import importlib.util
import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop import __version__
from djamon_desktop.cycle import run_round
from djamon_desktop.store.models import db

from ..conftest import document, group, opened, site


def test_version(run_process):
    result = run_process("--version")
    assert (result.code, result.out) == (0, f"djamon-desktop {__version__}\n")


@pytest.mark.usefixtures("engine")
def test_sites_lists_every_site(server, load, run, monkeypatch):
    monkeypatch.setenv("DJAMON_VANTAGE", "desk-1")
    load(
        document(
            group("Production", site("Database", server.url("/status/200"), priority="critical")),
            group("Shop", site("Front", server.url("/status/500"), priority="low", active=False)),
        )
    )
    before = run("sites", "--json").json()
    assert [s["state"] for s in before] == ["unknown", "unknown"]
    run("check")
    after = run("sites", "--json").json()
    assert after[0] == {
        "site_id": after[0]["site_id"],
        "group": "Production",
        "title": "Database",
        "url": server.url("/status/200"),
        "priority": "critical",
        "active": True,
        "state": "up",
        "down_count": 0,
        "last_seen": after[0]["last_seen"],
        "last_status_code": 200,
        "last_error": None,
        "cert_expires_at": None,  # http
        "notices": [],
        "vantages": {  # the live ones: here only this process
            "desk-1": {
                "state": "up",
                "down_count": 0,
                "last_seen": after[0]["last_seen"],
                "last_checked": after[0]["last_seen"],
            }
        },
    }
    assert datetime.fromisoformat(after[0]["last_seen"]).tzinfo is not None
    assert after[1]["active"] is False and after[1]["last_seen"] is None
    text = run("sites").out
    assert "Database" in text and "(inactive)" in text


def make_outages(server, load, count: int) -> list[int]:
    name = uuid.uuid4().hex[:8]
    load(document(group("G", site("A", server.url(f"/switch/{name}"))), strikes=1))
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    ids = []
    with opened_db():
        for n in range(count):
            server.switch[name] = 500
            ids += run_round(clock=lambda n=n: start + timedelta(minutes=10 * n)).outages_opened
            server.switch[name] = 200
            run_round(clock=lambda n=n: start + timedelta(minutes=10 * n + 5, seconds=7))
    return ids


def opened_db():
    from djamon_desktop.paths import resolve_data_dir

    return opened(resolve_data_dir())


@pytest.mark.usefixtures("engine")
def test_outages_are_paged_25_newest_first(server, load, run):
    ids = make_outages(server, load, 27)
    page1 = run("outages", "--json").json()
    assert [o["id"] for o in page1] == ids[::-1][:25]
    page2 = run("outages", "--json", "--page", "2").json()
    assert [o["id"] for o in page2] == ids[1::-1]
    assert page2[0]["seconds_down"] == 307
    result = run("outages", "--page", "3")
    assert result.code == 2
    assert result.err.strip() == (
        "djamon-desktop: --page 3 is past the last page (2; 27 outages, 25 a page)"
    )
    assert "Page 2 of 2 (27 outages)." in run("outages", "--page", "2").out


@pytest.mark.usefixtures("engine")
def test_outage_text_shows_duration_in_words(server, load, run):
    name = uuid.uuid4().hex[:8]
    load(
        document(
            group(
                "G",
                site("Payments", server.url(f"/switch/{name}"), down_message="Card payments fail."),
            ),
            strikes=1,
        )
    )
    start = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    with opened_db():
        server.switch[name] = 500
        [outage_id] = run_round(clock=lambda: start).outages_opened
        server.switch[name] = 200
        run_round(clock=lambda: start + timedelta(hours=1, minutes=3, seconds=5))
    text = run("outage", str(outage_id)).out
    assert "Duration: 1 hour, 3 minutes, 5 seconds" in text
    assert "Payments (primary)" in text and "Card payments fail." in text
    by_code = run("outage", run("outage", str(outage_id), "--json").json()["code"]).out
    assert by_code == text


@pytest.mark.usefixtures("engine")
def test_no_outages_yet(run):
    assert run("outages", "--json").json() == []
    assert run("outages").out.strip() == "No outages recorded."
    assert run("outage", "current", "--json").out.strip() == "null"


@pytest.mark.usefixtures("engine")
def test_schedule_command(run, load):
    result = run("schedule", "--from", "2026-11-27T16:58:00", "--count", "3", "--json")
    assert result.json() == ["2026-11-27T16:59:00", "2026-11-27T17:00:00", "2026-11-27T17:05:00"]
    load(document(schedule=["0 12 * * *"]))
    text = run("schedule", "--from", "2026-11-27T16:58", "--count", "2").out
    assert text.splitlines() == ["2026-11-28T12:00:00", "2026-11-29T12:00:00"]


def test_schedule_defaults_to_five_times_from_now(run):
    times = run("schedule", "--json").json()
    assert len(times) == 5
    assert datetime.fromisoformat(times[0]) > datetime.now() - timedelta(seconds=1)


def test_schedule_follows_tz(run_process):
    # in London 01:00-01:59 does not exist on 2026-03-29; in UTC it does
    args = ("schedule", "--from", "2026-03-29T00:58", "--count", "2", "--json")
    london = json.loads(run_process(*args, env={"TZ": "Europe/London"}).out)
    assert london == ["2026-03-29T02:00:00", "2026-03-29T02:05:00"]
    utc = json.loads(run_process(*args, env={"TZ": "UTC"}).out)
    assert utc == ["2026-03-29T01:00:00", "2026-03-29T01:05:00"]


def test_unknown_tz_is_one_clear_line(run_process):
    result = run_process("schedule", env={"TZ": "Nowhere/Land"})
    assert result.code == 2
    assert result.err == (
        "djamon-desktop: TZ: 'Nowhere/Land' is not a known time zone "
        "(use a name such as Europe/London)\n"
    )


BAD_ARGS = [
    (["outages", "--page", "0"], "--page: 0 is out of range"),
    (["outages", "--page", "x"], "--page: 'x' is not a whole number"),
    (["outage", "999"], "outage '999': no outage has this ID"),
    (["outage", "ZZZZ9999"], "outage 'ZZZZ9999': no outage has this code"),
    (["schedule", "--from", "next tuesday"], "--from: 'next tuesday' is not an ISO 8601"),
    (["schedule", "--count", "0"], "--count: 0 is out of range"),
    (["frobnicate"], "invalid choice: 'frobnicate'"),
    (["check", "--jsn"], "unrecognized arguments: --jsn"),
    (["outage"], "the following arguments are required"),
]


@pytest.mark.parametrize("args, message", BAD_ARGS, ids=[" ".join(a) for a, _ in BAD_ARGS])
def test_bad_arguments_are_one_line_and_exit_2(run_process, args, message):
    result = run_process(*args)
    assert result.code == 2
    assert result.out == ""
    assert len(result.err.splitlines()) == 1, result.err
    assert message in result.err


def test_data_dir_that_is_a_file(run_process, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run_process("--data-dir", str(blocker), "sites")
    assert result.code == 2
    assert result.err.strip() == f"djamon-desktop: data folder {blocker} is a file, not a folder"


def test_data_dir_option_after_the_command(run_process, tmp_path):
    target = tmp_path / "elsewhere"
    assert run_process("sites", "--data-dir", str(target)).code == 0
    assert (target / "djamon.sqlite3").exists()
    assert (target / "logs").is_dir()


@pytest.mark.usefixtures("engine")
def test_database_from_a_newer_version_is_refused(run_process, data_dir):
    assert run_process("sites").code == 0
    with opened(data_dir):
        db.execute_sql("UPDATE schema_version SET version = 99")
    result = run_process("sites")
    assert result.code == 2
    assert "written by a newer djamon-desktop (schema 99" in result.err
    assert len(result.err.splitlines()) == 1


def test_a_file_that_is_not_a_database(run_process, data_dir):
    data_dir.mkdir(parents=True)
    (data_dir / "djamon.sqlite3").write_bytes(b"this is not sqlite" * 100)
    result = run_process("sites")
    assert result.code == 2
    assert "can't be used" in result.err and "Traceback" not in result.err


HAS_QT = importlib.util.find_spec("PySide6") is not None


@pytest.mark.skipif(not HAS_QT, reason="the command line alone: no gui extra installed")
def test_no_display_is_one_clear_line(run_process, monkeypatch):
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(name, raising=False)
    result = run_process()
    assert result.code == 2
    assert result.err.startswith("djamon-desktop: no display to show the tray app on")
    assert len(result.err.splitlines()) == 1


@pytest.mark.skipif(HAS_QT, reason="the gui extra is installed (the Qt-free run tries this)")
def test_the_app_without_the_gui_extra_says_to_install_it(run_process, server, data_dir):
    """Installed without the gui extra: the command line works, the tray app says what to
    install (exit 2, one line), and a check runs with no Qt anywhere."""
    result = run_process()
    assert result.code == 2
    assert result.err == (
        "djamon-desktop: the tray app needs the gui extra (PySide6): "
        "pip install 'djamon-desktop[gui]'\n"
    )
    doc = data_dir.parent / "one.json"
    doc.write_text(json.dumps(document(group("G", site("A", server.url("/status/200"))))))
    assert run_process("import", str(doc)).code == 0
    assert run_process("check").code == 0
