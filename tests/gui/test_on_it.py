""" "I'm on it" from a real notification server (dunst on a private session bus): the outage's
notification carries the button, choosing it from dunst's menu acknowledges the outage as the
person at this desktop, and the tray's tooltip and the dashboard say so; one someone else has
stays theirs; and a "down" message still on screen is replaced by the recovery."""

from __future__ import annotations

from datetime import timedelta

import pytest

from djamon_desktop.core.clock import utc_now
from djamon_desktop.store import incidents, queries

from ..conftest import payments
from .notification_server import NotificationServer, missing
from .screen import settled, tip_text

pytestmark = pytest.mark.skipif(
    bool(missing()), reason=f"no notification server here (missing {', '.join(missing())})"
)


@pytest.fixture
def notification_server(tmp_path_factory, monkeypatch):
    server = NotificationServer(tmp_path_factory.mktemp("dunst")).start()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", server.address)
    yield server
    server.close()


@pytest.fixture
def dbus_app(qtbot, db, held_timers, notification_server, monkeypatch):
    """``dbus_app(clock=utc_now)``: an App whose notifications go to dunst, for the person
    "alice" (DJAMON_USER), after its first round."""
    from djamon_desktop.gui.app import App

    monkeypatch.setenv("DJAMON_USER", "alice")
    made = []

    def make(clock=utc_now) -> App:
        app = App(db, use_dbus=True, clock=clock, new_timer=held_timers)
        made.append(app)
        with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
            app.start()
        settled(qtbot, app, 15000)
        return app

    yield make
    for app in made:
        app.poller.stop()
        app.notifier.close()
        app.dispose()


def round_now(qtbot, app) -> None:
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
        app.check_now()
    settled(qtbot, app, 15000)


def tooltip(app) -> str:
    return tip_text(app.tray.icon.toolTip())


def on_screen(qtbot, notifications, count: int) -> None:
    qtbot.waitUntil(lambda: notifications.displayed() == count, timeout=10000)


def test_i_m_on_it_from_the_notification_acknowledges_and_the_tray_says_so(
    qtbot, dbus_app, load, server, name, notification_server, held_timers, shot
):
    load(payments(server, name, blog=False, strikes=1))
    app = dbus_app()
    dashboard = app.windows.show_dashboard()
    server.switch[name] = 500
    round_now(qtbot, app)
    outage = queries.find_outage("current")
    assert outage is not None and outage.acknowledged_by is None
    on_screen(qtbot, notification_server, 1)
    notification_server.screenshot("notification-down-on-it")
    assert "nobody" not in tooltip(app) and " is on it" not in tooltip(app)

    menu = notification_server.action("I'm on it")  # the second click (the first opened it)
    assert f"#I'm on it (Payments is down — outage {outage.code})" in menu
    qtbot.waitUntil(
        lambda: queries.find_outage("current").acknowledged_by == "alice", timeout=10000
    )
    qtbot.waitUntil(lambda: " is on it" in tooltip(app), timeout=10000)
    assert tooltip(app).startswith("djamon-desktop: Payments down since ")
    assert f"— outage {outage.code} — retrying in " in tooltip(app)
    assert tooltip(app).endswith("; alice is on it · under a minute")
    assert dashboard.status_label.text().endswith("alice is on it · under a minute")
    on_screen(qtbot, notification_server, 0)  # the button did its job: the message went
    events = [e.event for e in incidents.timeline.events_of(outage.id)]
    assert "acknowledged" in events

    # the minutes count on between readings: the tray's timer, fired as time passes
    later = utc_now() + timedelta(minutes=4, seconds=5)
    app.clock = app.on_it._clock = lambda: later
    ticking = [t for t in held_timers.running() if t.interval() == 30_000]
    assert len(ticking) == 1
    ticking[0].fire()
    assert tooltip(app).endswith("; alice is on it · 4 minutes")
    assert dashboard.status_label.text().endswith("alice is on it · 4 minutes")
    shot(dashboard, "dashboard-on-it")

    server.switch[name] = 200
    round_now(qtbot, app)
    assert " is on it" not in tooltip(app)
    assert not [t for t in held_timers.running() if t.interval() == 30_000]  # stopped


def test_someone_else_s_outage_stays_theirs_and_a_notification_says_who(
    qtbot, dbus_app, load, server, name, notification_server
):
    load(payments(server, name, blog=False, strikes=1))
    app = dbus_app()
    server.switch[name] = 500
    round_now(qtbot, app)
    outage = queries.find_outage("current")
    on_screen(qtbot, notification_server, 1)
    incidents.acknowledge(outage.id, "bob", utc_now())  # bob, at another desktop, first

    notification_server.action("I'm on it")
    qtbot.waitUntil(lambda: "bob is on it · under a minute" in tooltip(app), timeout=10000)
    settled(qtbot, app)
    on_screen(qtbot, notification_server, 1)  # the answer, in place of the "down" message
    assert notification_server.history()[0]["summary"] == (
        f"Payments is down — outage {outage.code}"
    )
    assert notification_server.take_all() == [f"bob is on it already — outage {outage.code}"]
    assert queries.find_outage("current").acknowledged_by == "bob"
    assert app.windows.dashboard is None  # nothing opened: the tray and the message say it


def test_the_recovery_replaces_the_down_message_still_on_screen(
    qtbot, dbus_app, load, server, name, notification_server
):
    load(payments(server, name, blog=False, strikes=1))
    app = dbus_app()
    server.switch[name] = 500
    round_now(qtbot, app)
    code = queries.find_outage("current").code
    on_screen(qtbot, notification_server, 1)

    server.switch[name] = 200
    round_now(qtbot, app)
    qtbot.waitUntil(
        lambda: f"Payments is back — outage {code} is over" in notification_server.offered(),
        timeout=10000,
    )
    assert notification_server.displayed() == 1  # one, not two
    history = notification_server.history()
    assert [h["summary"] for h in history] == [f"Payments is down — outage {code}"]
