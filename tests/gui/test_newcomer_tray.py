"""What a newcomer met in the tray's words and the dashboard's status line: a failing site's
retry countdown beside the failing clause, Check now while monitoring is paused. Real loopback
servers behind every site."""

from __future__ import annotations

import re

from PySide6.QtCore import QPoint, Qt

from djamon_desktop.store import queries

from ..conftest import document, group, site
from .screen import click_menu, dashboard_shown, menu_texts, open_menu, press, settled


def test_the_retry_countdown_follows_the_failing_clause_not_the_certificate(
    qtbot, make_app, load, server, cert_site
):
    soon = cert_site(5)
    load(
        document(
            group(
                "Production",
                site("Payments", server.url("/status/500")),
                site("Shop", soon.url()),
            )
        )
    )
    app = make_app()
    day = soon.not_after.astimezone().strftime("%Y-%m-%d")
    tip = app.tray.icon.toolTip()
    said = re.fullmatch(
        r"djamon-desktop: Payments failing: 1st failure in a row — retrying in \d+ s"
        rf"; certificate of Shop expires {day}",
        tip,
    )
    assert said, tip
    menu = open_menu(qtbot, app.tray.menu)
    first = menu_texts(menu)[0]
    menu.hide()
    assert first.startswith("Payments failing: 1st failure in a row — retrying in ")
    assert first.endswith(f"; certificate of Shop expires {day}")


def test_check_now_while_paused_says_so_and_checks_nothing(qtbot, make_app, load, server, name):
    load(document(group("G", site("A", server.url(f"/switch/{name}")))))
    app = make_app()
    qtbot.mouseMove(app.tray.menu, QPoint(5, 5))  # a move the menu sees, wherever the mouse was
    click_menu(qtbot, app.tray.menu, "Pause monitoring", "For 1 hour")
    settled(qtbot, app)
    until = app.poller.pause_state().until.astimezone().strftime("%H:%M")
    words = f"Monitoring is paused until {until}: resume it to check"
    server.switch[name] = 500  # a round now would find it failing

    with qtbot.assertNotEmitted(app.poller.round_started, wait=500):
        click_menu(qtbot, app.tray.menu, "Check now")  # from the tray: a notification says so
    assert app.notifier.last == ("Monitoring is paused", words, "idle")

    dashboard = dashboard_shown(qtbot, app)
    with qtbot.assertNotEmitted(app.poller.round_started, wait=500):
        press(Qt.Key.Key_F5)  # Check now, on the dashboard: its status line says so
    assert dashboard.statusBar().currentMessage() == words
    assert [s.state for s in queries.list_sites(3)] == ["maintenance"]
