"""A site's expect as the store keeps it (saved by the editor's way, read back by every reader)
and each check's detail as a round stores it: on SQLite and on a team's PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.core.expect import Expect, parse_expect
from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.core.problems import DocumentRefused
from djamon_desktop.store import editing, history, queries
from djamon_desktop.store.models import Check, Site, SiteVantage
from djamon_desktop.store.settings import save_settings

from .helpers import UP, add_site, site_named, store_round

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
REFUSED = ProbeResult(None, "connection", 1.5, "connection refused")
LACKS = ProbeResult(200, "content", 80.0, "body lacks 'OK' (1,204 bytes read)")


def test_a_saved_expect_is_what_every_reader_gets(store):
    value = {"text": "OK", "json": {"path": "db", "equals": "ok"}, "codes": [200]}
    shop = editing.save_site(
        "G", {"title": "Shop", "url": "https://shop.example/", "expect": value}
    )
    assert site_named("Shop").expect == parse_expect(value)
    # an Expect works as well as its JSON value, and replaces the whole of it
    editing.save_site("G", {"title": "Shop", "expect": Expect(max_ms=250)}, site_id=shop)
    assert site_named("Shop").expect == Expect(max_ms=250)
    # a change that does not name expect keeps it
    editing.save_site("G", {"title": "Shop", "url": "https://shop.example/x"}, site_id=shop)
    assert site_named("Shop").expect == Expect(max_ms=250)
    editing.save_site("G", {"title": "Shop", "expect": {}}, site_id=shop)
    assert site_named("Shop").expect == Expect()
    assert Site.get_by_id(shop).expect is None  # nothing expected: nothing stored
    add_site("Plain")
    assert site_named("Plain").expect == Expect() and site_named("Plain").last_detail is None


@pytest.mark.parametrize(
    "fields, problem",
    [
        ({"expect": {"max_ms": 6000}}, "expect.max_ms: 6000 is outside 1-5000"),
        ({"expect": {"json": {"path": "a..b", "equals": 1}}}, "expect.json.path: 'a..b' has"),
        ({"expect": {"size": 1}}, "expect.size: unknown key"),
        (
            {"url": "tcp://db.example:5432", "expect": {"max_ms": 10}},
            "expect: a tcp:// site can't have expect: nothing is read",
        ),
    ],
)
def test_a_bad_expect_is_refused_and_nothing_is_written(store, fields, problem):
    shop = editing.save_site("G", {"title": "Shop", "url": "https://shop.example/"})
    with pytest.raises(DocumentRefused) as refused:
        editing.save_site("G", {"title": "Shop", **fields}, site_id=shop)
    assert any(line.startswith(problem) for line in refused.value.problems), refused.value.problems
    assert Site.get_by_id(shop).expect is None
    assert Site.get_by_id(shop).url == "https://shop.example/"


def test_the_timeout_is_not_lowered_below_a_sites_max_ms(store):
    editing.save_site(
        "Ops", {"title": "API", "url": "https://api.example/", "expect": {"max_ms": 3000}}
    )
    with pytest.raises(DocumentRefused) as refused:
        save_settings({"timeout_seconds": 2})
    assert refused.value.problems == [
        "settings.timeout_seconds: 2 s is below the expect.max_ms of Ops / API (3000 ms);"
        " lower that first"
    ]
    assert save_settings({"timeout_seconds": 3}).timeout_seconds == 3  # still above: fine
    assert save_settings({"timeout_seconds": 10}).timeout_seconds == 10


def test_a_rounds_detail_is_stored_and_a_good_answer_clears_it(store):
    shop = add_site("Shop")
    blog = add_site("Blog")
    store_round(T0, {shop: REFUSED, blog: LACKS})
    assert site_named("Shop").last_detail == "connection refused"
    assert site_named("Blog").last_detail == "body lacks 'OK' (1,204 bytes read)"
    [vantage_row] = SiteVantage.select().where(SiteVantage.site == shop)
    assert vantage_row.last_detail == "connection refused"
    [check] = queries.recent_checks(shop)
    assert (check.error, check.detail) == ("connection", "connection refused")

    store_round(T0 + timedelta(minutes=1), {shop: UP, blog: LACKS})
    assert site_named("Shop").last_detail is None
    assert site_named("Blog").last_detail == "body lacks 'OK' (1,204 bytes read)"
    assert SiteVantage.get(SiteVantage.site == shop).last_detail is None
    latest, first = queries.recent_checks(shop)
    assert (latest.error, latest.detail) == (None, None)
    assert first.detail == "connection refused"
    # a good answer stores NULL, not an empty text
    assert Check.select().where(Check.detail.is_null()).count() == 1
    assert Check.select().where(Check.detail == "").count() == 0


def test_a_sites_own_codes_count_as_good(store):
    teapot = add_site("Teapot")
    store_round(T0, {teapot: ProbeResult(418, None, 3.0, codes=(418,))}, strikes=1)
    info = site_named("Teapot")
    assert (info.down_count, info.last_seen, info.state) == (0, T0, "up")
    assert history.hour_counts(T0, 1)[teapot] == history.HourCounts(good=1, checks=1)
    store_round(T0 + timedelta(minutes=1), {teapot: ProbeResult(200, None, 3.0, codes=(418,))})
    assert site_named("Teapot").down_count == 1
    assert history.hour_counts(T0 + timedelta(minutes=1), 1)[teapot] == history.HourCounts(1, 2)
