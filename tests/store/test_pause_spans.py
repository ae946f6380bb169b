"""The times a site, or all monitoring, was not monitored, kept as spans by every change that
pauses, resumes, deactivates or reactivates: through the functions the command line and the
windows call, the import and a Djamon fixture, on both engines; and what a report counts of
them."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from djamon_desktop.core import config
from djamon_desktop.core.report_model import days_span
from djamon_desktop.store import editing, maintenance, repo, reports
from djamon_desktop.store.models import PauseSpan, Site

from .helpers import add_site

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
UTC_ZONE = ZoneInfo("UTC")


def at(minutes: float):
    """A clock that reads ``minutes`` after T0."""
    return lambda: T0 + timedelta(minutes=minutes)


def spans(site_id: int | None) -> list[tuple[datetime, datetime | None, str]]:
    where = PauseSpan.site.is_null() if site_id is None else PauseSpan.site == site_id
    rows = PauseSpan.select().where(where).order_by(PauseSpan.start, PauseSpan.id)
    return [(row.start, row.until, row.why) for row in rows]


def m(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def test_a_pause_until_resumed_spans_to_the_resume(store):
    shop = add_site("Shop")
    maintenance.pause_site(shop, None, at(0))
    assert spans(shop) == [(m(0), None, "pause")]
    maintenance.resume_site(shop, at(25))
    assert spans(shop) == [(m(0), m(25), "pause")]
    maintenance.resume_site(shop, at(40))  # not paused: nothing changes
    assert spans(shop) == [(m(0), m(25), "pause")]


def test_a_timed_pause_ends_at_its_time_or_earlier_when_resumed(store):
    shop, blog = add_site("Shop"), add_site("Blog")
    maintenance.pause_site(shop, m(30), at(0))
    maintenance.pause_site(blog, m(30), at(0))
    maintenance.resume_site(shop, at(10))  # resumed early
    maintenance.resume_site(blog, at(45))  # after it ran out: it keeps its end
    assert spans(shop) == [(m(0), m(10), "pause")]
    assert spans(blog) == [(m(0), m(30), "pause")]


def test_pausing_again_replaces_the_pause_running(store):
    shop = add_site("Shop")
    maintenance.pause_site(shop, m(30), at(0))
    maintenance.pause_site(shop, None, at(20))
    assert spans(shop) == [(m(0), m(20), "pause"), (m(20), None, "pause")]
    assert spans(None) == []  # a site's pause is not all monitoring's


def test_pausing_everything_spans_all_monitoring(store):
    maintenance.pause_everything(m(60), at(0))
    assert spans(None) == [(m(0), m(60), "pause")]
    assert maintenance.resume_everything(at(15)) is True
    assert spans(None) == [(m(0), m(15), "pause")]
    maintenance.pause_everything(None, at(100))
    maintenance.pause_everything(m(200), at(110))  # a new pause replaces the running one
    assert maintenance.global_pause() == maintenance.Pause(m(200))
    maintenance.resume_everything(at(300))  # ran out: its end stays
    assert spans(None) == [
        (m(0), m(15), "pause"),
        (m(100), m(110), "pause"),
        (m(110), m(200), "pause"),
    ]


def test_deactivating_and_reactivating_in_the_editor(store):
    shop = add_site("Shop")
    editing.save_site("G", {"active": False}, shop, clock=at(5))
    editing.save_site("G", {"active": False, "title": "Shop 2"}, shop, clock=at(8))  # no 2nd
    assert spans(shop) == [(m(5), None, "inactive")]
    editing.set_active(shop, True, at(20))  # the undo's way
    editing.save_site("G", {"title": "Shop 3"}, shop, clock=at(25))  # active not given
    assert spans(shop) == [(m(5), m(20), "inactive")]
    editing.set_active(shop, False, at(30))
    editing.save_site("G", {"active": True}, shop, clock=at(50))
    assert spans(shop) == [(m(5), m(20), "inactive"), (m(30), m(50), "inactive")]
    assert Site.get_by_id(shop).active is True


def test_a_site_added_inactive_is_not_monitored_from_its_creation(store):
    editing.save_group("G")
    before = datetime.now(UTC)
    shop = editing.save_site(
        "G", {"title": "Shop", "url": "https://shop.example/", "active": False}
    )
    [(start, until, why)] = spans(shop)
    assert (until, why) == (None, "inactive")
    assert start == Site.get_by_id(shop).monitored_since and start >= before - timedelta(
        milliseconds=1
    )


def test_a_deleted_site_gets_no_span(store):
    shop = add_site("Shop")
    editing.delete_site(shop)
    editing.set_active(shop, False, at(0))  # an undo after the delete: left alone
    maintenance.pause_site(shop, None, at(0))
    assert PauseSpan.select().count() == 0


def document(active: bool | None, title: str = "Shop") -> bytes:
    site = {"title": title, "url": f"https://{title.lower()}.example/"}
    if active is not None:
        site["active"] = active
    doc = {
        "format": "djamon-desktop/1",
        "settings": {},
        "groups": [{"title": "G", "sites": [site]}],
    }
    return json.dumps(doc).encode()


def test_the_import_deactivates_and_reactivates_with_spans(store):
    shop = add_site("Shop")

    def apply(active: bool | None, minutes: float, title: str = "Shop") -> None:
        repo.apply_document(config.parse_document(json.loads(document(active, title))), at(minutes))

    apply(False, 10)
    apply(False, 12)  # still inactive: the same span
    apply(None, 14)  # active not said: unchanged
    assert spans(shop) == [(m(10), None, "inactive")]
    apply(True, 30)
    assert spans(shop) == [(m(10), m(30), "inactive")]
    repo.import_data(document(False, "Blog"))  # a new site, inactive
    blog = Site.get(Site.title == "Blog")
    assert spans(blog.id) == [(blog.monitored_since, None, "inactive")]


def test_a_djamon_site_that_came_inactive_is_not_monitored_after_its_last_check(store):
    def view(n: int) -> dict:  # Old's checks on the 1st and 3rd of March, Live's between
        fields = {"site": 1 + n % 2, "datetime": f"2025-03-0{1 + n}T10:00:00Z", "elapsed": 80.0}
        pk = f"00000000-0000-4000-8000-00000000000{n}"
        return {"model": "monitor.siteview", "pk": pk, "fields": {**fields, "status_code": 200}}

    old_site = {"group": 1, "title": "Old", "url": "http://old.example/", "active": False}
    fixture = [
        {"model": "monitor.group", "pk": 1, "fields": {"title": "Web"}},
        {"model": "monitor.site", "pk": 1, "fields": old_site},
        {"model": "monitor.site", "pk": 2, "fields": {**old_site, "title": "Live", "active": True}},
        *[view(n) for n in range(4)],
    ]
    repo.import_data(json.dumps(fixture).encode())
    old, live = Site.get(Site.title == "Old"), Site.get(Site.title == "Live")
    last = datetime(2025, 3, 3, 10, tzinfo=UTC)  # Old's checks: the 1st and the 3rd
    assert spans(old.id) == [(last, None, "inactive")]
    assert old.monitored_since == datetime(2025, 3, 1, 10, tzinfo=UTC)
    assert spans(live.id) == []
    repo.import_data(json.dumps(fixture).encode())  # again: nothing changes
    assert spans(old.id) == [(last, None, "inactive")]


def test_a_report_leaves_the_spans_out_of_the_monitored_time(store):
    """One day, UTC: Shop paused 2 hours and inactive 1 hour, all monitoring paused 30 minutes
    of which 15 overlap Shop's pause; Blog only the 30 minutes."""
    day_start = datetime(2026, 11, 2, tzinfo=UTC)
    shop = add_site("Shop")
    add_site("Blog")
    Site.update(monitored_since=day_start - timedelta(days=1)).execute()

    def clock(hours: float):
        return lambda: day_start + timedelta(hours=hours)

    maintenance.pause_site(shop, day_start + timedelta(hours=3), clock(1))
    maintenance.pause_everything(None, clock(2.75))
    maintenance.resume_everything(clock(3.25))
    editing.set_active(shop, False, clock(10))
    editing.set_active(shop, True, clock(11))
    span = days_span(day_start.date(), day_start.date(), UTC_ZONE)
    report = reports.report(span, day_start + timedelta(days=2), UTC_ZONE, "UTC")
    figures = {site.title: site.figures for _group, site in report.sites()}
    hour = 3_600_000
    assert figures["Shop"].excluded_ms == 2 * hour + hour // 4 + hour
    assert figures["Shop"].monitored_ms == 24 * hour - figures["Shop"].excluded_ms
    assert figures["Blog"].excluded_ms == hour // 2
