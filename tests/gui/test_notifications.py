"""What each notification says and which state's icon it carries (Qt's balloon path; the
end-to-end tests click real ones over D-Bus)."""

from __future__ import annotations

from djamon_desktop.gui.icons import COLOURS

from ..conftest import document, group, site
from .conftest import near, pixel_colour


def round_now(qtbot, app):
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
        app.check_now()


def balloon_state(app) -> str:
    """Which state's colour the icon handed to the last balloon has."""
    colour = pixel_colour(app.notifier.last_icon)
    found = [s for s, c in COLOURS.items() if near(colour, c.getRgb()[:3])]
    assert len(found) == 1, colour
    return found[0]


def test_an_outage_opens_and_closes_naming_its_sites(qtbot, make_app, load, server, name):
    url = server.url(f"/switch/{name}").replace("http://", "http://ops:pa55word@")
    load(
        document(
            group(
                "G",
                site("Payments", url, priority="critical", down_message="Cards fail."),
                site("Blog", server.url("/status/200")),
            ),
            strikes=1,
        )
    )
    app = make_app()
    server.switch[name] = 500
    round_now(qtbot, app)
    title, body, state = app.notifier.last
    assert title.startswith("Payments is down — outage ")
    assert state == "down" and balloon_state(app) == "down"
    assert body.startswith("Cards fail.")
    assert "ops:***@127.0.0.1" in body and "pa55word" not in body

    server.switch[name] = 200
    round_now(qtbot, app)
    title, body, state = app.notifier.last
    assert title.startswith("Payments is back — outage ") and title.endswith(" is over")
    assert body.startswith("Payments is answering again. The outage lasted ")
    assert state == "up" and balloon_state(app) == "up"


def test_connectivity_lost_and_back_carry_grey_then_green(qtbot, make_app, load, server, name):
    server.switch[name] = 503
    load(
        document(
            group("G", site("A", server.url("/status/200"))),
            sandbox_urls=[server.url(f"/switch/{name}")],
        )
    )
    app = make_app()
    title, body, state = app.notifier.last
    assert title == "Connectivity lost"
    assert body.startswith(f"No answer from {server.url(f'/switch/{name}')}.")
    assert state == "idle" and balloon_state(app) == "idle"

    server.switch[name] = 200
    round_now(qtbot, app)
    assert app.notifier.last[0] == "Connectivity back"
    assert balloon_state(app) == "up"
