"""What a newcomer met in the tray's words and the dashboard's status line: a failing site's
retry countdown beside the failing clause, Check now while monitoring is paused. Real loopback
servers behind every site."""

from __future__ import annotations

import re

from ..conftest import document, group, site
from .screen import menu_texts, open_menu


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
