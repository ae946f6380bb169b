"""Who is on the open outage, as the tray and the dashboard show it: the name is text from
another desktop (plain text, never markup), and the dashboard's status line, cut to fit a
narrow window, keeps those words whole."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt

from djamon_desktop.core.clock import utc_now
from djamon_desktop.store import incidents, queries

from ..conftest import payments
from .screen import settled

NAME = "<b>eve</b> & co"


def test_the_name_shows_as_the_characters_it_is(qtbot, make_app, load, server, name, shot):
    load(payments(server, name, blog=False, strikes=1))
    server.switch[name] = 500
    app = make_app()  # its round opens the outage
    outage = queries.find_outage("current")
    assert outage is not None
    incidents.acknowledge(outage.id, NAME, utc_now())
    dashboard = app.windows.show_dashboard()
    app.refresh()
    settled(qtbot, app)
    tip = app.tray.icon.toolTip()
    # offscreen, Qt's tray is a StatusNotifierItem: its ToolTip is plain text, as it is
    # (an XEmbed tray's Qt tooltip escapes it: tests/gui/test_plain_text.py)
    assert app.tray._dbus_tray
    assert f"; {NAME} is on it · under a minute" in tip
    label = dashboard.status_label
    assert label.textFormat() == Qt.TextFormat.PlainText
    assert label.text().endswith(f"; {NAME} is on it · under a minute")

    dashboard.resize(QSize(640, 300))
    qtbot.waitUntil(lambda: dashboard.width() <= 640)
    dashboard.status_line.fit()
    text = dashboard.status_label.text()
    assert text.startswith("Payments down") and "…" in text  # cut, before the name
    assert text.endswith(f"; {NAME} is on it · under a minute")
    dashboard.resize(QSize(300, 300))  # no room for more: an ellipsis, then who is on it
    qtbot.waitUntil(lambda: dashboard.width() <= 300)
    dashboard.status_line.fit()
    assert dashboard.status_label.text().endswith(f"; {NAME} is on it · under a minute")
    shot(dashboard, "dashboard-on-it-narrow")


def test_a_long_line_without_anyone_on_it_is_cut_at_its_end(qtbot, make_app):
    app = make_app(start_round=False)
    dashboard = app.windows.show_dashboard()
    dashboard.resize(QSize(420, 300))
    dashboard.show_overview("Shop failing: 2nd failure in a row; " * 20)
    text = dashboard.status_label.text()
    assert text.startswith("Shop failing") and text.endswith("…")


def test_i_m_on_it_for_an_outage_closed_meanwhile_says_why(qtbot, make_app, load, server, name):
    load(payments(server, name, blog=False, strikes=1))
    server.switch[name] = 500
    app = make_app()
    outage = queries.find_outage("current")
    server.switch[name] = 200
    with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
        app.check_now()
    settled(qtbot, app)
    assert queries.find_outage(str(outage.id)).end_time is not None

    app.notifier.on_it.emit(outage.id)  # the button of its message, pressed late
    qtbot.waitUntil(lambda: app.notifier.last[0] == "Not acknowledged", timeout=5000)
    assert app.notifier.last[1].startswith(f"outage {outage.code} is closed")
    assert queries.find_outage(str(outage.id)).acknowledged_by is None
