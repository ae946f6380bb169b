"""Report… on a team's PostgreSQL, reached through a relay on loopback: the known history's
numbers as on SQLite; a report asked while the database hangs never holds up the UI, and once
it answers, what was cancelled or replaced meanwhile is thrown away (only the choice standing
shows); a database gone is said in the window in one line, its password hidden."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from djamon_desktop.store.database import close_database, open_database

from ..conftest import Clock
from ..postgres import PASSWORD
from ..relay import Relay
from .screen import UI_STALL_S, UiTicks, press
from .test_report_window import (
    NOW,
    djamon_history,
    open_report,
    page_text,
    settle,
    type_date,
)


@pytest.fixture
def db(team_db):
    """Every App here is on the test's own team database."""
    return team_db


@pytest.fixture
def relayed(run, tmp_path, server, db, team_url, monkeypatch):
    """The known history imported into the team database, which this process then reaches
    through a relay (the command line's own connection is let go first)."""
    monkeypatch.setenv("TZ", "UTC")
    path = tmp_path / "djamon.json"
    djamon_history(path, server)
    result = run("import", str(path))
    assert result.code == 0, result.err
    port = int(team_url.rsplit(":", 1)[1].split("/", 1)[0])
    with Relay(port) as relay:
        close_database()
        open_database(relay.url(team_url))
        yield relay
        close_database()


def test_what_a_hung_database_leaves_cancelled_or_replaced_never_shows(
    qtbot, make_app, relayed, monkeypatch
):
    app = make_app(start_round=False, clock=Clock(NOW))
    window = open_report(qtbot, app)
    assert "99.87" in page_text(window)  # Payments, as on SQLite
    pages: list[str] = []
    show_page = window.preview.show_page
    monkeypatch.setattr(
        window.preview, "show_page", lambda page: (pages.append(page.html), show_page(page))
    )
    ticks = UiTicks()
    ticks.start()
    relayed.hold()
    # the 10th alone, then Cancel while it waits on the database
    type_date(Qt.Key.Key_F, "2026-03-10")
    type_date(Qt.Key.Key_T, "2026-03-10")
    qtbot.waitUntil(window.cancel.isVisible, timeout=5000)
    qtbot.mouseClick(window.cancel, Qt.MouseButton.LeftButton)
    assert window.status.text() == "Cancelled."
    assert page_text(window) == "Cancelled: Refresh (F5) builds the report again."
    assert not window.bar.isVisible() and not window.cancel.isVisible()
    # the 10th and 11th asked (waiting behind the first), then the month instead
    press(Qt.Key.Key_T, Qt.KeyboardModifier.AltModifier)
    press(Qt.Key.Key_Up)
    qtbot.waitUntil(window.cancel.isVisible, timeout=5000)
    press(Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)  # the months: this one, then March
    press(Qt.Key.Key_Home)
    press(Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: window.status.text() == "Reading March 2026 from the database…")
    assert pages == []
    relayed.release()
    settle(qtbot, window)
    ticks.stop()
    assert [("March 2026" in page, "10 March 2026" in page) for page in pages] == [(True, False)]
    assert window.status.text().startswith("March 2026: 3 sites")
    assert ticks.longest() < UI_STALL_S, f"the UI thread stalled for {ticks.longest():.2f} s"


def test_a_database_gone_is_said_in_one_line_without_its_password(qtbot, make_app, relayed):
    app = make_app(start_round=False, clock=Clock(NOW))
    window = open_report(qtbot, app)
    relayed.stop()  # refuses new connections, ends those it carried
    press(Qt.Key.Key_F5)  # Refresh
    qtbot.waitUntil(lambda: "can't be reached" in window.status.text(), timeout=30000)
    settle(qtbot, window)
    line = window.status.text()
    assert "can't be reached" in line and "\n" not in line, line
    assert PASSWORD not in line and ":***@" in line
    assert page_text(window).startswith("No report: database ")
    assert window.save_buttons["pdf"].isEnabled()  # (a save tries again)
