"""End to end, a team working one incident: two desktops, each the app in a process of its own
on an X display of its own (Xvfb, xfce4-panel's StatusNotifierItem tray, dunst, a session bus),
share the suite's PostgreSQL as the vantages ``desk-a`` (alice) and ``desk-b`` (bob), with a
terminal beside them. A site on loopback fails; the outage opens; a minute on, exactly one
reminder mail says nobody is on it, although both apps keep checking; alice chooses "I'm on it"
on the outage's notification (two clicks: dunst's menu, then the button) and bob's tray says so
within 5 s of it being stored; a recheck from the terminal is answered by both desktops; the site
comes back and the outage closes on both. The trays are read as the tray host reads them, over
each desktop's session bus; the times are printed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ..conftest import document, group, site
from .desktop import Desktop
from .test_desktop import cli, needs, wait_for

pytestmark = needs("sni")

PEOPLE = {"desk-a": "alice", "desk-b": "bob"}
#: the fast lane's pace: the second failure (strikes 2) opens the outage this long after each
#: app's first round, after both apps first read the database (an outage already open at an
#: app's first reading is not news to it: no notification)
RETRY_S = 8
REMINDER_DEADLINE_S = 100  # due 60 s after the outage began, at a round of either app


@pytest.fixture
def desktops():
    made: list[Desktop] = []
    yield lambda: made.append(Desktop("sni").start()) or made[-1]
    for desktop in made:
        desktop.close()


def reminders(mail) -> list[str]:
    return [
        str(m.message["Subject"]) for m in mail.inbox if "STILL DOWN" in str(m.message["Subject"])
    ]


def shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DJAMON_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def test_a_team_works_one_incident_from_two_desktops_and_a_terminal(
    desktops, team_url, server, mail, name, tmp_path
):
    server.switch[name] = 500
    doc = document(
        group("Production", site("Payments", server.url(f"/switch/{name}"), priority="critical")),
        sandbox_urls=[server.url("/status/200")],
        schedule=["* * * * *"],
        strikes=2,
        retry_seconds=RETRY_S,
        escalate_after_minutes=1,
        email=mail.settings(),
    )
    (tmp_path / "team.json").write_text(json.dumps(doc))
    terminal_env = {**os.environ, "DJAMON_DATABASE_URL": team_url, "DJAMON_VANTAGE": "terminal"}

    def terminal(*args: str) -> subprocess.CompletedProcess:
        return cli(tmp_path / "terminal", *args, env=terminal_env)

    def current() -> dict | None:
        done = terminal("outage", "current", "--json")
        return json.loads(done.stdout) if done.returncode == 0 else None

    imported = terminal("import", str(tmp_path / "team.json"))
    assert imported.returncode == 0, imported.stderr

    screens = {vantage: desktops() for vantage in PEOPLE}
    apps: dict[str, subprocess.Popen] = {}
    for vantage, person in PEOPLE.items():
        desktop = screens[vantage]
        apps[vantage] = subprocess.Popen(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(tmp_path / vantage)],
            env={
                **desktop.env,
                "DJAMON_DATABASE_URL": team_url,
                "DJAMON_VANTAGE": vantage,
                "DJAMON_USER": person,
                # the keyring holding the mail password (the desktop has a data folder of its own)
                "XDG_DATA_HOME": os.environ["XDG_DATA_HOME"],
            },
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
    a, b = screens["desk-a"], screens["desk-b"]
    try:
        # 1. both apps open: their rounds open the outage, both trays and both screens show it
        outage = wait_for(current, 40, "the outage opening")
        code = outage["code"]
        assert outage["acknowledged_by"] is None
        for desktop in screens.values():
            wait_for(
                lambda d=desktop: f"outage {code}" in (d.tray_tooltip() or ""),
                15,
                f"the outage in the tray of {desktop.dir}",
            )
        for desktop in screens.values():
            wait_for(
                lambda d=desktop: "(down from 2 of 2 desktops)" in (d.tray_tooltip() or ""),
                20,
                f"both desktops' failures in the tray of {desktop.dir}",
            )
            # the outage's notification, with its "I'm on it", on each screen
            wait_for(lambda d=desktop: d.displayed() == 1, 10, f"the notification on {desktop.dir}")

        # 2. a minute on, one reminder for the team, whichever app's round saw it due
        wait_for(lambda: reminders(mail), REMINDER_DEADLINE_S, "the reminder mail")
        assert reminders(mail) == [
            f"[djamon] STILL DOWN: Payments still down after 1 minute; nobody is on it"
            f" (outage {code})"
        ]
        (reminder,) = [m for m in mail.inbox if "STILL DOWN" in str(m.message["Subject"])]
        assert f"djamon-desktop ack {code}" in reminder.message.get_body(("plain",)).get_content()
        timeline = [e["event"] for e in current()["timeline"]]
        assert timeline.count("escalated") == 1, timeline
        opened = timeline.index("opened")
        assert opened >= 1 and set(timeline[:opened]) == {"failed"}, timeline

        # 3. alice: "I'm on it" on the notification; bob's tray says so
        assert " is on it" not in b.tray_tooltip()
        menu = a.choose_from_menu("I'm on it")
        assert f"#I'm on it (Payments is down — outage {code})" in menu
        seen_b = wait_for(
            lambda: "alice is on it" in (b.tray_tooltip() or "") and datetime.now(UTC),
            10,
            "alice's acknowledgement in bob's tray",
        )
        acknowledged = wait_for(current, 10, "the outage")
        assert acknowledged["acknowledged_by"] == "alice"
        stored = datetime.fromisoformat(acknowledged["acknowledged_at"])
        lag = (seen_b - stored).total_seconds()
        print(f"alice's 'I'm on it' showed in bob's tray {1000 * lag:.0f} ms after it was stored")
        assert lag < 5, lag
        wait_for(lambda: "alice is on it" in (a.tray_tooltip() or ""), 5, "alice's own tray")
        tip = b.tray_tooltip()
        assert tip.startswith("djamon-desktop: Payments down since "), tip
        assert tip.endswith("; alice is on it · under a minute"), tip
        wait_for(lambda: a.displayed() == 0, 5, "alice's message going: its button did its job")
        # bob's screen: the pointer on the tray icon, its tooltip drawn by the panel
        b.xdotool("mousemove", "16", "16")
        time.sleep(1.5)
        b.screenshot(shots_folder(tmp_path) / "team-incident-bob-sees-alice-on-it.png")
        events = [e["event"] for e in acknowledged["timeline"]]
        assert events.count("acknowledged") == 1, events

        # 4. a recheck from the terminal: both desktops answer
        asked = time.monotonic()
        recheck = terminal("recheck", "Production/Payments", "--json")
        took = time.monotonic() - asked
        assert recheck.returncode == 1, recheck.stderr  # the site still answers 500
        answers = json.loads(recheck.stdout)
        assert answers["no_answer"] == []
        assert sorted(answers["results"]) == ["desk-a", "desk-b"]
        for answer in answers["results"].values():
            assert answer["ok"] is False and answer["status_code"] == 500, answers
        print(f"recheck answered by both desktops; the command took {took:.1f} s")
        assert took < 15

        # 5. the site is back: the outage closes, both trays leave it
        server.switch[name] = 200
        for desktop in screens.values():
            wait_for(
                lambda d=desktop: (tip := d.tray_tooltip()) and f"outage {code}" not in tip,
                30,
                f"the outage leaving the tray of {desktop.dir}",
            )
        assert " is on it" not in b.tray_tooltip()

        def closing_delivered() -> dict | None:
            shown = json.loads(terminal("outage", code, "--json").stdout)
            return shown if shown["timeline"][-1]["event"] == "alert_sent" else None

        closed = wait_for(closing_delivered, 20, "the recovery mail's delivery in the timeline")
        assert closed["end_time"] is not None
        events = [e["event"] for e in closed["timeline"]]
        print("timeline: " + ", ".join(events))
        # the outage's own events end with the site's recovery and the close; only the
        # delivery of the recovery mail (written as it closed) follows
        closing = events.index("closed")
        assert events[closing - 1 : closing + 1] == ["recovered", "closed"], events
        assert events[closing + 1 :] == ["alert_queued", "alert_sent"], events
        assert events.count("closed") == events.count("recovered") == 1, events
        # still one reminder: none after alice took it, none from the other desktop
        assert len(reminders(mail)) == 1, reminders(mail)
    finally:
        results = []
        for app in apps.values():
            app.send_signal(signal.SIGTERM)
        for app in apps.values():
            try:
                code_ = app.wait(10)
            except subprocess.TimeoutExpired:
                app.kill()
                raise
            results.append((code_, app.communicate()[1]))
    for code_, err in results:
        assert code_ == 0, err
        assert "Traceback" not in err
