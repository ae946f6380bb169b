"""`check --confirm` and the `retry_seconds` setting: after its round, `check` re-checks the
failing sites every retry_seconds until each is up or down. In-process tests give the command
line's `check` a fake clock and a sleep that moves it (its `clock` and `sleep` parameters), so
they wait for nothing; one test runs the real program with retry_seconds 1 against the loopback
server."""

from __future__ import annotations

import functools
import json
import time
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.cli import check
from djamon_desktop.store import queries
from djamon_desktop.store.models import Check, Outage

from ..conftest import document, group, opened, payments, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

T = datetime(2026, 11, 29, 3, 0, 7, tzinfo=UTC)


class FakeTime:
    """The clock `check` goes by; ``sleep`` moves it (and calls ``then`` with the count of
    sleeps so far, for a test to change the world between two retries)."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.slept: list[float] = []
        self.then = None

    def clock(self) -> datetime:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += timedelta(seconds=seconds)
        if self.then is not None:
            self.then(len(self.slept))


@pytest.fixture
def fake_time(monkeypatch):
    """The command line runs `check` with this clock and sleep (``run`` calls ``main``, which
    looks the command up as it runs)."""
    fake = FakeTime(T)
    with_fake = functools.partial(check.cmd_check, clock=fake.clock, sleep=fake.sleep)
    monkeypatch.setattr(check, "cmd_check", with_fake)
    return fake


@pytest.fixture
def failing(server, name, load):
    """Payments (/switch/NAME, failing now) and Blog (up); the sandbox is /switch/NAME-sb."""

    def make(**settings):
        settings.setdefault("sandbox_urls", [server.url(f"/switch/{name}-sb")])
        load(payments(server, name, **settings))
        server.switch[name] = 500

    return make


def by_title(report: dict) -> dict[str, tuple]:
    return {r["title"]: (r["ok"], r["status_code"], r["down_count"], r["state"]) for r in report}


def check_times(data_dir, title: str) -> list[datetime]:
    with opened(data_dir):
        site_id = next(s.site_id for s in queries.list_sites(3) if s.title == title)
        return sorted(c.time for c in Check.select().where(Check.site == site_id))


def test_confirm_opens_the_outage_40_s_after_the_first_failure(run, fake_time, failing, data_dir):
    failing()
    result = run("check", "--confirm", "--json")
    assert result.code == 1, result.err
    report = result.json()
    assert fake_time.slept == [20, 20]
    assert by_title(report["results"]) == {
        "Payments": (False, 500, 3, "down"),
        "Blog": (True, 200, 0, "up"),  # checked once, by the first round
    }
    assert report["connectivity"] is True
    assert report["started_at"] == "2026-11-29T03:00:07+00:00"
    [outage_id] = report["outages_opened"]
    assert report["outages_closed"] == []
    with opened(data_dir):
        assert Outage.get_by_id(outage_id).start_time == T + timedelta(seconds=40)
    assert check_times(data_dir, "Payments") == [T + timedelta(seconds=n) for n in (0, 20, 40)]
    assert check_times(data_dir, "Blog") == [T]


def test_the_json_has_the_shape_of_check_json(run, fake_time, failing):
    failing(strikes=2)
    plain = run("check", "--json").json()
    confirmed = run("check", "--confirm", "--json").json()
    assert list(confirmed) == list(plain)
    assert [list(r) for r in confirmed["results"]] == [list(r) for r in plain["results"]]


def test_a_one_check_blip_raises_nothing(run, fake_time, failing, server, name):
    failing()
    fake_time.then = lambda sleeps: server.switch.update({name: 200})  # back before the retry
    result = run("check", "--confirm", "--json")
    assert result.code == 0, result.err
    report = result.json()
    assert fake_time.slept == [20]
    assert by_title(report["results"])["Payments"] == (True, 200, 0, "up")
    assert report["outages_opened"] == []


def test_the_text_shows_each_sites_last_check(run, fake_time, failing):
    failing()
    result = run("check", "--confirm")
    assert result.code == 1
    lines = result.out.splitlines()
    assert lines[0].startswith("Round at 2026-11-29 ") and lines[0].endswith(
        ": 2 sites, 1 up, 1 failing"
    )
    payments_line = next(line for line in lines if " Payments " in line)
    assert payments_line.startswith("DOWN ") and payments_line.rstrip().endswith(" 3")
    assert "Confirmed with 2 retries of the failing sites." in lines
    assert any(line.startswith("Outage ") and line.endswith(" opened.") for line in lines)


def test_retry_seconds_0_makes_confirm_just_check(run, fake_time, failing):
    failing(retry_seconds=0)
    result = run("check", "--confirm", "--json")
    assert result.code == 1
    assert fake_time.slept == []
    assert by_title(result.json()["results"])["Payments"] == (False, 500, 1, "warning")


def test_a_site_already_down_or_up_is_not_rechecked(run, fake_time, failing, server, name):
    failing(strikes=2)
    assert run("check").code == 1
    assert run("check").code == 1  # Payments down, its outage open
    result = run("check", "--confirm", "--json")
    assert fake_time.slept == []
    assert by_title(result.json()["results"])["Payments"] == (False, 500, 3, "down")
    server.switch[name] = 200
    result = run("check", "--confirm", "--json")
    assert result.code == 0 and fake_time.slept == []
    assert len(result.json()["outages_closed"]) == 1


def test_connectivity_lost_during_confirm_exits_3(run, fake_time, failing, server, name):
    failing()
    fake_time.then = lambda sleeps: server.switch.update({f"{name}-sb": 503})
    result = run("check", "--confirm", "--json")
    assert result.code == 3, result.err
    report = result.json()
    assert report["connectivity"] is False and report["results"] == []
    assert fake_time.slept == [20]  # no more retries: nothing can be counted
    assert result.err == ""
    sites = {s["title"]: s["down_count"] for s in run("sites", "--json").json()}
    assert sites["Payments"] == 1  # the lost round counted nothing


def test_a_recovery_after_two_failures_reports_the_site_up(run, fake_time, failing, server, name):
    failing()
    fake_time.then = lambda sleeps: sleeps == 2 and server.switch.update({name: 200})
    report = run("check", "--confirm", "--json").json()
    assert fake_time.slept == [20, 20]
    assert by_title(report["results"])["Payments"] == (True, 200, 0, "up")
    assert report["outages_opened"] == []


def test_confirm_for_real_with_retry_seconds_1(run_process, load, server, name, data_dir):
    """The real program in its own process, real time: a site failing for good is down after
    three checks about a second apart, and its outage opens."""
    load(payments(server, name, retry_seconds=1, sandbox_urls=[server.url("/status/200")]))
    server.switch[name] = 503
    started = time.monotonic()
    result = run_process("check", "--confirm", "--json")
    took = time.monotonic() - started
    assert result.code == 1, result.err
    report = json.loads(result.out)
    assert by_title(report["results"])["Payments"] == (False, 503, 3, "down")
    assert len(report["outages_opened"]) == 1
    # two waits of 1 s did happen; the upper bound is slack for starting Python under load
    assert 2 <= took < 30
    times = check_times(data_dir, "Payments")
    gaps = [(b - a).total_seconds() for a, b in zip(times, times[1:], strict=False)]
    assert len(times) == 3 and all(0.99 <= gap < 2.5 for gap in gaps), gaps


# -- the setting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        (301, "settings.retry_seconds: 301 is above 300"),
        (-1, "settings.retry_seconds: -1 is below 0"),
        (2.5, "settings.retry_seconds: must be a whole number, not a number"),
        ("20", "settings.retry_seconds: must be a whole number, not a string"),
        (True, "settings.retry_seconds: must be a whole number, not a boolean"),
    ],
)
def test_import_refuses_a_bad_retry_seconds_naming_its_place(run, tmp_path, value, problem, server):
    path = tmp_path / "bad.json"
    path.write_text(
        json.dumps(document(group("G", site("A", server.url("/"))), retry_seconds=value))
    )
    result = run("import", str(path))
    assert result.code == 2
    assert problem in result.err
    assert "Traceback" not in result.err
    assert run("export").code == 0
    assert run("sites", "--json").json() == []  # nothing stored


def test_export_writes_retry_seconds_after_the_older_settings_and_import_takes_it(
    run, load, server
):
    load(document(group("G", site("A", server.url("/"))), retry_seconds=0))
    settings = json.loads(run("export").out)["settings"]
    keys = list(settings)  # the table's order: later settings follow it
    assert keys[keys.index("cert_warning_days") + 1] == "retry_seconds"
    assert settings["retry_seconds"] == 0
    load(document(retry_seconds=300))
    assert json.loads(run("export").out)["settings"]["retry_seconds"] == 300


def test_check_help_names_confirm(capsys):
    from djamon_desktop.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["check", "--help"])
    assert exited.value.code == 0
    assert "--confirm" in capsys.readouterr().out
