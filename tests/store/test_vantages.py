"""Vantage points in one database, called directly on both engines: each vantage's own strikes,
the team's summary on the site row (the `confirmations` rule, live vantages only), the outage
it opens once, and a database from before vantages keeping its strikes."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.store import database, editing, engine, purge, queries, vantages
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.models import Alert, Check, Outage, Site, SiteVantage, Vantage, db
from djamon_desktop.store.rounds import record_round

from .helpers import BOTH, FAILING, UP, add_site, rows_of, rules

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def m(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture(autouse=True)
def _default_vantage():
    yield
    vantages.use(None)


def round_as(vantage, when, results, strikes=2, confirmations=1):
    """One round stored by the vantage named ``vantage``, as its process would store it."""
    vantages.use(vantage)
    try:
        return record_round(rows_of(when, results), rules(strikes, confirmations), BOTH.texts)
    finally:
        vantages.use(None)


def site_state(title: str, strikes: int = 2) -> tuple[str, int]:
    info = next(s for s in queries.list_sites(strikes) if s.title == title)
    return info.state, info.down_count


def seen(site_id: int, now: datetime, strikes: int = 2) -> dict[str, tuple[str, int]]:
    states = queries.vantage_states(queries.list_sites(strikes), strikes, now)[site_id]
    return {name: (view.state, view.down_count) for name, view in states.items()}


def outages() -> list[tuple[datetime, datetime | None]]:
    return [(o.start_time, o.end_time) for o in Outage.select().order_by(Outage.id)]


def test_each_vantage_keeps_its_own_strikes_and_its_checks_are_marked(store):
    shop = add_site("Shop")
    round_as("office", m(0), {shop: FAILING}, strikes=3)
    record = round_as("office", m(1), {shop: FAILING}, strikes=3)
    assert record.own_counts == {shop: 2} and record.down_counts == {shop: 2}
    record = round_as("home", m(1.5), {shop: UP}, strikes=3)
    assert record.own_counts == {shop: 0}
    assert record.down_counts == {shop: 2}  # office still sees it failing: the team's count
    assert seen(shop, m(2), strikes=3) == {"home": ("up", 0), "office": ("warning", 2)}
    assert site_state("Shop", strikes=3) == ("warning", 2)
    ids = dict(Vantage.select(Vantage.name, Vantage.id).tuples())
    marks = sorted(c.vantage_id for c in Check.select())
    assert marks == sorted([ids["office"], ids["office"], ids["home"]])
    assert {v.name: v.last_round_at for v in Vantage.select()} == {"office": m(1), "home": m(1.5)}


def test_with_confirmations_1_one_vantage_seeing_it_down_opens_the_outage(store):
    shop = add_site("Shop")
    round_as("office", m(0), {shop: FAILING})
    round_as("home", m(0.5), {shop: UP})
    record = round_as("office", m(1), {shop: FAILING})
    assert len(record.opened) == 1
    assert site_state("Shop") == ("down", 2)
    assert seen(shop, m(1)) == {"home": ("up", 0), "office": ("down", 2)}


def test_with_confirmations_2_one_vantage_is_a_warning_and_two_open_one_outage(store):
    shop = add_site("Shop")
    for minute in (0, 1, 2):
        record = round_as("office", m(minute), {shop: FAILING}, confirmations=2)
        round_as("home", m(minute + 0.5), {shop: UP}, confirmations=2)
    assert record.own_counts == {shop: 3}
    assert site_state("Shop") == ("warning", 1)  # failing from one vantage: not down
    assert outages() == [] and Alert.select().count() == 0

    round_as("home", m(3), {shop: FAILING}, confirmations=2)
    assert site_state("Shop") == ("warning", 1) and outages() == []
    record = round_as("home", m(4), {shop: FAILING}, confirmations=2)  # home's 2nd: confirmed
    assert len(record.opened) == 1 and record.down_counts == {shop: 2}
    assert site_state("Shop") == ("down", 2)
    round_as("office", m(4.5), {shop: FAILING}, confirmations=2)
    assert len(outages()) == 1
    assert sorted((a.event, a.channel) for a in Alert.select()) == [
        ("opened", "email"),
        ("opened", "twitter"),
    ]

    # one vantage sees it back: still failing for the other, so the outage stays open
    round_as("office", m(5), {shop: UP}, confirmations=2)
    assert site_state("Shop") == ("warning", 1)
    assert outages() == [(m(4), None)]
    record = round_as("home", m(6), {shop: UP}, confirmations=2)
    assert len(record.closed) == 1 and outages() == [(m(4), m(6))]
    assert site_state("Shop") == ("up", 0)
    assert Alert.select().where(Alert.event == "closed").count() == 2


def test_a_large_round_reads_every_live_vantage_as_a_small_one_does(store, monkeypatch):
    monkeypatch.setattr(vantages, "FEW", 1)  # 2 sites: a large round
    shop, blog = add_site("Shop"), add_site("Blog")
    for minute in (0, 1):
        round_as("office", m(minute), {shop: FAILING, blog: UP}, confirmations=2)
    round_as("laptop", m(1), {shop: FAILING, blog: FAILING}, confirmations=2)
    record = round_as("home", m(2), {shop: FAILING, blog: UP}, confirmations=2)
    assert record.own_counts == {shop: 1, blog: 0}
    assert record.down_counts == {shop: 1, blog: 1}  # office 2, laptop 1, home 1: a warning
    record = round_as("home", m(3), {shop: FAILING, blog: UP}, confirmations=2)
    assert record.down_counts == {shop: 2, blog: 1} and len(record.opened) == 1


def test_a_round_whose_sites_were_all_deleted_stores_nothing(store):
    shop = add_site("Shop")
    rows = rows_of(m(0), {shop: FAILING})
    editing.delete_site(shop)
    vantages.use("office")
    record = record_round(rows, rules(2), BOTH.texts)
    assert record.down_counts == {} and record.own_counts == {}
    assert Check.select().count() == 0 and SiteVantage.select().count() == 0


def test_a_vantage_silent_for_15_minutes_no_longer_counts(store):
    shop = add_site("Shop")
    round_as("office", m(0), {shop: FAILING})
    round_as("office", m(1), {shop: FAILING})  # office's last round: down from there
    assert len(outages()) == 1
    round_as("home", m(15.9), {shop: UP})  # office's round is 14.9 minutes old: it counts
    assert site_state("Shop") == ("down", 2) and outages()[0][1] is None
    assert set(seen(shop, m(15.9))) == {"home", "office"}
    record = round_as("home", m(16), {shop: UP})  # 15 minutes old: not live any more
    assert record.down_counts == {shop: 0} and len(record.closed) == 1
    assert site_state("Shop") == ("up", 0)
    assert seen(shop, m(16)) == {"home": ("up", 0)}
    assert seen(shop, m(40)) == {}  # nobody's round is recent


def test_a_stale_vantage_confirms_nothing(store):
    shop = add_site("Shop")
    for minute in (0, 1):
        round_as("office", m(minute), {shop: FAILING}, confirmations=2)
        round_as("home", m(minute), {shop: FAILING}, confirmations=2)
    assert len(outages()) == 1
    round_as("office", m(2), {shop: UP}, confirmations=2)
    round_as("home", m(2), {shop: UP}, confirmations=2)
    assert outages()[0][1] == m(2)
    round_as("office", m(30), {shop: FAILING}, confirmations=2)
    round_as("office", m(31), {shop: FAILING}, confirmations=2)  # home's last round: m(2)
    assert site_state("Shop") == ("warning", 1) and len(outages()) == 1


def test_with_one_strike_and_2_confirmations_one_vantage_failing_is_still_a_warning(store):
    shop = add_site("Shop")
    round_as("office", m(0), {shop: FAILING}, strikes=1, confirmations=2)
    round_as("home", m(0), {shop: UP}, strikes=1, confirmations=2)
    assert site_state("Shop", strikes=1) == ("warning", 0) and outages() == []
    round_as("home", m(1), {shop: FAILING}, strikes=1, confirmations=2)
    assert site_state("Shop", strikes=1) == ("down", 1) and len(outages()) == 1
    round_as("home", m(2), {shop: UP}, strikes=1, confirmations=2)
    assert site_state("Shop", strikes=1) == ("warning", 0)
    assert outages()[0][1] is None  # office still sees it failing
    round_as("office", m(3), {shop: UP}, strikes=1, confirmations=2)
    assert site_state("Shop", strikes=1) == ("up", 0) and outages()[0][1] == m(3)


def test_the_fast_lane_sees_what_fails_from_its_own_vantage(store):
    shop, blog = add_site("Shop"), add_site("Blog")
    add_site("New")
    round_as("office", m(0), {shop: FAILING, blog: UP})
    round_as("home", m(0.5), {shop: UP, blog: FAILING})
    sites = queries.list_sites(3)
    for name, failing in (("office", {"Shop"}), ("home", {"Blog"})):
        own = {s.title: s for s in vantages.own_view(sites, name)}
        assert {title for title, s in own.items() if s.down_count} == failing
        assert own["Shop"].last_checked == (m(0) if name == "office" else m(0.5))
        assert own["New"] == next(s for s in sites if s.title == "New")  # nobody counted it
    stranger = {s.title: s.down_count for s in vantages.own_view(sites, "laptop")}
    assert stranger == {"Shop": 0, "Blog": 0, "New": 0}


def test_deleting_a_site_deletes_its_vantage_rows_and_purge_keeps_working(store):
    shop, blog = add_site("Shop"), add_site("Blog")
    round_as("office", m(0), {shop: FAILING, blog: UP})
    round_as("home", m(1), {shop: UP, blog: UP})
    assert SiteVantage.select().count() == 4
    editing.delete_site(shop)
    assert [row.site_id for row in SiteVantage.select()] == [blog, blog]
    assert purge.purge(1, m(60 * 24 * 2)) == 2  # blog's two checks, one per vantage
    assert Check.select().count() == 0 and SiteVantage.select().count() == 2


def test_a_process_records_under_the_name_it_was_given_else_the_host_name(store):
    shop = add_site("Shop")
    assert vantages.current() == vantages.default_name()
    record_round(rows_of(m(0), {shop: UP}), rules(2), BOTH.texts)
    vantages.use("office")
    assert vantages.current() == "office"
    record_round(rows_of(m(1), {shop: UP}), rules(2), BOTH.texts)
    assert sorted(Vantage.select(Vantage.name).tuples()) == sorted(
        [(vantages.default_name(),), ("office",)]
    )


def _site_at_schema_5(down_count: int, last_seen: datetime) -> int:
    """A group, a site with ``down_count`` failures in a row and a check, as schema 5 stored
    them (plain SQL: the models describe the latest schema)."""
    with engine.writing():
        marks = engine.marks
        db.execute_sql(f"INSERT INTO site_group (title, position) VALUES ({marks(2)})", ("G", 0))
        group_id = db.execute_sql("SELECT id FROM site_group").fetchone()[0]
        db.execute_sql(
            "INSERT INTO site (group_id, title, url, active, down_message, priority, position,"
            f" down_count, last_seen, last_checked) VALUES ({marks(10)})",
            (group_id, "Shop", "https://shop.example/", True, "", 2, 0, down_count,
             round(last_seen.timestamp() * 1000), round(last_seen.timestamp() * 1000)),
        )  # fmt: skip
        site_id = db.execute_sql("SELECT id FROM site").fetchone()[0]
        db.execute_sql(
            'INSERT INTO "check" (site_id, time, id, status_code, error, elapsed_ms)'
            f" VALUES ({marks(6)})",
            (site_id, round(last_seen.timestamp() * 1000), uuid.uuid4().bytes, 500, None, 9.0),
        )
    return site_id


@pytest.fixture(params=["sqlite", "postgresql"])
def empty(request, tmp_path):
    """A database with no table yet: a new SQLite file, or a new team database (``team_url``)."""
    if request.param == "postgresql":
        yield request.getfixturevalue("team_url")
    else:
        yield tmp_path / "djamon.sqlite3"
    close_database()


def test_a_desktop_upgraded_to_vantages_keeps_its_strikes(empty, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(database, "STEPS", database.STEPS[:5])
        patch.setattr(database, "LATEST", 5)
        open_database(empty)
        shop = _site_at_schema_5(2, m(-30))
        close_database()
    open_database(empty)
    try:
        assert Site.get_by_id(shop).down_count == 2 and not Site.get_by_id(shop).failing
        assert [c.vantage_id for c in Check.select()] == [None]  # checked before vantages
        record = round_as("office", m(0), {shop: FAILING}, strikes=3)
        assert record.own_counts == {shop: 3} and len(record.opened) == 1  # 2 + 1: down
        row = SiteVantage.get()
        assert (row.down_count, row.last_seen) == (3, m(-30))
        # another vantage counts from its own first check: the strikes were office's
        record = round_as("home", m(1), {shop: FAILING}, strikes=3)
        assert record.own_counts == {shop: 1} and record.down_counts == {shop: 3}
    finally:
        close_database()
