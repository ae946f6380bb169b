"""A team's desktops on the suite's PostgreSQL: "NAME is on it" that another desktop stores
(its own process and connection) shows in this desktop's tray tooltip and dashboard within 5 s,
and the tooltip says from how many of the live desktops the site is down."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from ..conftest import payments
from .screen import settled, tip_text

OTHER = {"DJAMON_VANTAGE": "laptop-2"}

#: another desktop's acknowledgement, in a process of its own (its own connection)
ACKNOWLEDGE = """
import sys
from djamon_desktop.core.clock import utc_now
from djamon_desktop.store import incidents, queries
from djamon_desktop.store.database import close_database, open_database
open_database(sys.argv[1])
incidents.acknowledge(queries.find_outage("current").id, sys.argv[2], utc_now())
close_database()
"""


@pytest.fixture
def db(team_db):
    """Every App here is on the test's own team database."""
    return team_db


def acknowledge_elsewhere(team_url: str, name: str) -> None:
    subprocess.run(
        [sys.executable, "-c", ACKNOWLEDGE, team_url, name],
        check=True,
        timeout=60,
        env={**os.environ, **OTHER},
    )


def tooltip(app) -> str:
    return tip_text(app.tray.icon.toolTip())


def test_another_desktop_s_acknowledgement_shows_within_5_seconds(
    qtbot, make_app, load, server, name, run_process, team_url, shot
):
    load(payments(server, name, blog=False, strikes=1, schedule=["0 3 1 1 *"]))
    app = make_app()  # this desktop's own round: up, from here
    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    qtbot.waitUntil(app.watch.settled, timeout=5000)

    server.switch[name] = 500
    assert run_process("check", env=OTHER).code == 1  # down, from the other desktop
    qtbot.waitUntil(lambda: "Payments down since " in tooltip(app), timeout=5000)
    # two live desktops, the other one sees it down (this one's last round saw it up)
    assert "(down from 1 of 2 desktops) — outage " in tooltip(app)
    assert " is on it" not in tooltip(app)
    title, body, _state = app.notifier.last  # the notification (here the balloon) says it too
    assert title.startswith("Payments is down — outage ")
    assert body.endswith("\nPayments: down from 1 of 2 desktops")

    acknowledge_elsewhere(team_url, "bob")
    start = time.monotonic()
    qtbot.waitUntil(lambda: "; bob is on it · under a minute" in tooltip(app), timeout=5000)
    took = time.monotonic() - start
    qtbot.waitUntil(
        lambda: dashboard.status_label.text().endswith("bob is on it · under a minute"),
        timeout=5000,
    )
    shot(dashboard, "dashboard-team-on-it")
    print(f"another desktop's acknowledgement shown {1000 * took:.0f} ms after it ended")
