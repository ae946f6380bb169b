"""A closed window is deleted and forgotten (a hidden one held its widgets, rows and charts for
as long as the app ran: tests/bench/memory.py measures what that cost), and opening it again
makes a new one, filled, at the size the closed one had."""

from __future__ import annotations

from djamon_desktop.cycle import run_round
from djamon_desktop.gui import memory
from djamon_desktop.store import queries

from ..conftest import document, group, site
from .screen import settled


def deleted(qtbot, window) -> list[bool]:
    """A list that gets an item once Qt has deleted ``window``."""
    gone: list[bool] = []
    window.destroyed.connect(lambda *_: gone.append(True))
    return gone


def closed(qtbot, window) -> None:
    """Close ``window`` the way Ctrl+W does and wait until Qt has deleted it."""
    gone = deleted(qtbot, window)
    assert window.close()
    qtbot.waitUntil(lambda: bool(gone), timeout=5000)


def test_closed_windows_are_deleted_and_open_again_filled(qtbot, make_app, load, server, name):
    load(document(group("G", site("A", server.url(f"/switch/{name}"))), strikes=1))
    server.switch[name] = 500
    run_round()
    outage = queries.find_outage("current")
    app = make_app(start_round=False)
    site_id = app.picture.sites[0].site_id
    w = app.windows
    opened = [
        w.show_site(site_id),
        w.show_outage(outage.id),
        w.show_outages(),
        w.show_settings(),
    ]
    settled(qtbot, app)
    opened[0].resize(611, 577)
    for window in opened:
        closed(qtbot, window)
    assert (w.sites, w.outage, w.outages, w.settings) == ({}, {}, None, None)
    wants = w.wants()  # the reads need nothing for them any more
    assert (wants.site_ids, wants.outage_ids, wants.outage_page) == (frozenset(), frozenset(), None)

    again = w.show_site(site_id)
    assert again is not opened[0] and w.sites == {site_id: again}
    assert (again.width(), again.height()) == (611, 577)
    settled(qtbot, app)
    assert again.windowTitle() == "A — djamon-desktop"
    assert again.labels["State"].text().startswith("down")
    outage_again = w.show_outage(outage.id)
    settled(qtbot, app)
    assert outage_again.windowTitle() == f"Outage {outage.code} — djamon-desktop"
    assert w.show_settings() is w.settings and w.show_outages() is w.outages


def test_a_window_closed_while_a_new_one_opens_forgets_only_itself(qtbot, make_app):
    """Reopened before the closed one's deletion came: the new window stays registered."""
    app = make_app(start_round=False)
    first = app.windows.show_settings()
    gone = deleted(qtbot, first)
    first.close()  # deleted on the next turn of the loop
    app.windows.settings = None  # (as Settings reopened from the tray at once would find it)
    second = app.windows.show_settings()
    qtbot.waitUntil(lambda: bool(gone), timeout=5000)
    assert app.windows.settings is second and second.isVisible()


def test_memory_is_given_back_after_a_window_is_deleted(qtbot, make_app, monkeypatch):
    trims: list[int] = []
    monkeypatch.setattr(memory, "_trim", trims.append)
    app = make_app(start_round=False)
    qtbot.wait(2 * memory._SETTLE_MS)  # (a trim an earlier test asked for is done)
    trims.clear()
    windows = [app.windows.show_outages(), app.windows.show_settings()]
    gone = [deleted(qtbot, window) for window in windows]
    for window in windows:  # closed together (as at a quit)
        window.close()
    qtbot.waitUntil(lambda: all(gone), timeout=3000)
    qtbot.waitUntil(lambda: trims == [0], timeout=3000)
    qtbot.wait(2 * memory._SETTLE_MS)
    assert trims == [0]  # one trim for the two
    closed(qtbot, app.windows.show_outages())
    qtbot.waitUntil(lambda: trims == [0, 0], timeout=3000)  # and again for a later one
