"""The dashboard's Vantages column: per site, how each live vantage sees it ("1 up, 1 failing"),
each vantage's name, state, failures in a row and last check in its tooltip; hidden while only
one vantage is live, so a desktop on its own sees nothing new. Rounds are stored under several
vantage names in one database (SQLite and the suite's PostgreSQL), as their processes store them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from djamon_desktop.core.clock import utc_now
from djamon_desktop.gui.windows.site_table import COLUMNS, VANTAGES, site_items
from djamon_desktop.paths import database_path, ensure_data_dir
from djamon_desktop.store import vantages
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.models import db as store_db
from djamon_desktop.store.rounds import record_round

from ..store.helpers import BOTH, FAILING, UP, add_site, rows_of, rules
from .screen import dashboard_shown, site_rows, tip_text

STRIKES = 3  # the default setting


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request, data_dir):
    """The app's database: the data folder's SQLite file, or a team's PostgreSQL."""
    if request.param == "postgresql":
        yield request.getfixturevalue("team_db")
        return
    ensure_data_dir(data_dir)
    open_database(database_path(data_dir))
    yield data_dir
    close_database()


def round_as(vantage: str, minutes_ago: float, results: dict, confirmations: int = 1) -> None:
    """One round stored as the process named ``vantage`` stores it."""
    vantages.use(vantage)
    try:
        when = utc_now() - timedelta(minutes=minutes_ago)
        record_round(rows_of(when, results), rules(STRIKES, confirmations), BOTH.texts)
    finally:
        vantages.use(None)


def on_own_connection(work, *args) -> None:
    """``work(*args)`` on this thread's own connection to the database, closed after."""
    try:
        work(*args)
    finally:
        store_db.close()


def item_of(dashboard, title: str):
    return next(item for item in site_items(dashboard.tree) if item.text(0) == title)


def test_each_site_shows_how_each_vantage_sees_it(qtbot, make_app, shot):
    shop, blog = add_site("Shop"), add_site("Blog")
    for minutes_ago in (3, 2, 1):
        round_as("office", minutes_ago, {shop: FAILING, blog: UP})
    round_as("home", 1, {shop: UP, blog: UP})
    round_as("laptop", 0.5, {shop: FAILING, blog: UP})
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    assert not dashboard.tree.isColumnHidden(VANTAGES)
    rows = {row["Site"]: row for row in site_rows(dashboard)}
    assert rows["Shop"]["State"] == "down"  # confirmations 1: office's three failures
    assert rows["Shop"]["Vantages"] == "1 up, 1 failing, 1 down"
    assert rows["Blog"]["Vantages"] == "3 up"
    tip = tip_text(item_of(dashboard, "Shop").toolTip(VANTAGES)).splitlines()
    assert [line.split(", last check ")[0] for line in tip] == [
        "home: up",
        "laptop: failing (1st failure in a row)",
        "office: down (3rd failure in a row)",
    ]
    assert all(line.split(", last check ")[1].startswith("20") for line in tip)
    shot(dashboard, "dashboard-vantages")
    # a click on the column's header sorts by it: the site most vantages see failing first
    header = dashboard.tree.header()
    x = header.sectionViewportPosition(VANTAGES) + header.sectionSize(VANTAGES) // 2
    qtbot.mouseClick(header.viewport(), Qt.LeftButton, pos=QPoint(x, header.height() // 2))
    assert header.sortIndicatorSection() == COLUMNS.index("Vantages")
    assert [row["Site"] for row in site_rows(dashboard)] == ["Shop", "Blog"]


def test_one_live_vantage_hides_the_column_until_a_second_one_records(qtbot, make_app):
    shop = add_site("Shop")
    round_as("home", 20, {shop: FAILING})  # its last round is over 15 minutes old: not live
    round_as("office", 1, {shop: UP})
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    assert dashboard.tree.isColumnHidden(VANTAGES)
    assert [row["State"] for row in site_rows(dashboard)] == ["up"]
    # another vantage stores a round on a connection of its own, as its process would; the
    # open dashboard hears of it by itself
    elsewhere = threading.Thread(
        target=on_own_connection, args=(round_as, "home", 0, {shop: FAILING})
    )
    elsewhere.start()
    elsewhere.join()
    qtbot.waitUntil(lambda: not dashboard.tree.isColumnHidden(VANTAGES), timeout=5000)
    assert site_rows(dashboard)[0]["Vantages"] == "1 up, 1 failing"
    assert site_rows(dashboard)[0]["State"] == "warning"


def test_the_tooltip_and_the_site_window_name_each_vantages_count(qtbot, make_app, shot):
    """With confirmations 2, alice's 2 failures in a row and bob's 11 are each named: the team's
    count (the second highest, 2) alone would hide bob's eleven."""
    from djamon_desktop.store.settings import save_settings

    save_settings({"confirmations": 2})
    shop, blog = add_site("Shop"), add_site("Blog")
    for n in range(11):
        round_as("bob", 5 - n * 0.1, {shop: FAILING, blog: UP}, confirmations=2)
    for n in range(2):
        round_as("alice", 1 - n * 0.1, {shop: FAILING, blog: UP}, confirmations=2)
    app = make_app(start_round=False)
    tip = app.tray.icon.toolTip()
    assert "Shop failing: 2nd failure from alice, 11th from bob" in tip, tip
    dashboard = dashboard_shown(qtbot, app)
    dashboard.tree.setCurrentItem(item_of(dashboard, "Shop"))
    dashboard.tree.setFocus()
    qtbot.keyClick(dashboard.tree, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shop in app.windows.sites)
    window = app.windows.sites[shop]
    qtbot.waitUntil(lambda: "from bob" in window.labels["State"].text())
    assert window.labels["State"].text() == "warning, 2nd failure from alice, 11th from bob"
    shot(window, "site-vantage-counts")
