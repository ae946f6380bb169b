"""The timeline events the outage rules store in the round's transaction, on both engines: each
site's first failed check that led to the outage, opened / joined, a member recovering (and
failing again), a member taken out of monitoring (removed, once), closed; and what the closing
alerts and the "why" of an outage then say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.store import editing, engine, queries, timeline, vantages
from djamon_desktop.store.models import Alert, OutageSite
from djamon_desktop.store.rounds import record_round, settle_outages

from .helpers import BOTH, FAILING, HUNG, UP, add_site, rows_of, rules, store_round

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
#: the events the outage rules make (the alerts and people add others)
RULES = {"failed", "opened", "joined", "recovered", "removed", "closed"}


def m(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


@pytest.fixture(autouse=True)
def _default_vantage():
    yield
    vantages.use(None)


def events(outage_id: int) -> list[tuple]:
    """The rule events of the outage, as (minute, event, site_id, vantage)."""
    return [
        ((e.at - T0).total_seconds() / 60, e.event, e.site_id, e.vantage)
        for e in timeline.events_of(outage_id)
        if e.event in RULES
    ]


def me() -> str | None:
    """This vantage's name as a ``failed`` event gives it: named on a team's database (a team,
    even of one), not on a desktop's own file with one vantage."""
    return vantages.current() if engine.is_team() else None


def closing(channel: str) -> Alert:
    return Alert.get((Alert.event == "closed") & (Alert.channel == channel))


def test_an_outage_opened_after_three_strikes_starts_its_timeline_at_the_first_failure(store):
    shop, files = add_site("Shop"), add_site("Files")
    store_round(m(0), {shop: FAILING, files: UP}, strikes=3)
    store_round(m(1), {shop: HUNG, files: FAILING}, strikes=3)
    [outage_id] = store_round(m(2), {shop: FAILING, files: FAILING}, strikes=3).opened
    store_round(m(3), {shop: FAILING, files: FAILING}, strikes=3)  # Files' third: it joins
    assert events(outage_id) == [
        (0, "failed", shop, me()),
        (1, "failed", files, me()),
        (2, "opened", shop, None),
        (3, "joined", files, None),
    ]
    # the "why" counts every failed check that led here, not only those since it joined
    why = {f.title: f.failed_checks for f in queries.outage_failures(outage_id, [200])}
    assert why == {"Shop": 4, "Files": 3}


def test_each_vantage_whose_own_count_led_to_it_has_its_first_failure(store):
    shop = add_site("Shop")

    def round_as(name: str, minute: float, result) -> list[int]:
        vantages.use(name)
        try:
            rows = rows_of(m(minute), {shop: result})
            return record_round(rows, rules(2, confirmations=2), BOTH.texts).opened
        finally:
            vantages.use(None)

    round_as("office", 0, FAILING)
    round_as("home", 0.5, UP)
    round_as("office", 1, FAILING)  # one vantage only: a warning
    round_as("home", 1.5, FAILING)
    [outage_id] = round_as("home", 2, FAILING)  # home's second: confirmed
    assert events(outage_id) == [
        (0, "failed", shop, "office"),
        (1.5, "failed", shop, "home"),
        (2, "opened", shop, None),
    ]
    assert queries.outage_failures(outage_id, [200])[0].failed_checks == 4


def test_a_site_checked_up_again_is_marked_recovered_each_time_and_the_close_comes_last(store):
    shop, files = add_site("Shop", priority="high"), add_site("Files")
    [outage_id] = store_round(m(0), {shop: FAILING, files: FAILING}, strikes=1).opened
    store_round(m(1), {shop: UP, files: FAILING}, strikes=1)
    marked = {link.title: link.recovered_at for link in OutageSite.select()}
    assert marked == {"Shop": m(1), "Files": None}
    store_round(m(2), {shop: FAILING, files: FAILING}, strikes=1)  # fails again
    assert OutageSite.get(OutageSite.title == "Shop").recovered_at is None
    store_round(m(3), {shop: UP, files: FAILING}, strikes=1)
    store_round(m(3.5), {shop: UP, files: FAILING}, strikes=1)  # nothing new
    assert store_round(m(4), {shop: UP, files: UP}, strikes=1).closed == [outage_id]
    assert events(outage_id) == [
        (0, "failed", shop, me()),
        (0, "failed", files, me()),
        (0, "opened", shop, None),
        (0, "joined", files, None),
        (1, "recovered", shop, None),
        (2, "failed", shop, me()),
        (3, "recovered", shop, None),
        (4, "recovered", files, None),
        (4, "closed", None, None),
    ]
    assert closing("email").subject.startswith("[djamon] RECOVERED: Shop after 4 minutes")
    assert "every site is back" in closing("email").body


def test_a_deactivated_site_is_removed_once_and_the_closing_alerts_say_so(store):
    shop, files = add_site("Shop", priority="high"), add_site("Files")
    [outage_id] = store_round(m(0), {shop: FAILING, files: FAILING}, strikes=1).opened
    editing.set_active(files, False)
    store_round(m(1), {shop: FAILING}, strikes=1)
    store_round(m(2), {shop: FAILING}, strikes=1)  # already removed: no second event
    assert OutageSite.get(OutageSite.title == "Files").removed_at == m(1)
    store_round(m(3), {shop: UP}, strikes=1)
    assert [e[:3] for e in events(outage_id)[4:]] == [
        (1, "removed", files),
        (3, "recovered", shop),
        (3, "closed", None),
    ]
    ended = queries.find_outage(str(outage_id))
    assert [(s.title, s.left) for s in ended.sites] == [("Shop", "recovered"), ("Files", "removed")]
    code = ended.code
    email = closing("email")
    assert email.subject == (
        f"[djamon] CLOSED: Shop recovered, Files removed from monitoring (outage {code})"
    )
    assert "every site is back" not in email.body and "RECOVERED" not in email.body
    recovered, removed = email.body.split("Removed from monitoring:")
    assert "Recovered:\n- Shop (primary)" in recovered and "Files" not in recovered
    assert "Last check: HTTP 500, then taken out of monitoring" in removed
    assert closing("twitter").body == (
        f"Closed after 3 minutes: Shop is back; Files was removed from monitoring. (outage {code})"
    )


def test_a_deleted_site_leaves_as_removed_with_its_id_and_is_never_called_back(store):
    fields = {"title": "Hanging API", "url": "https://api.example/", "priority": "critical"}
    hanging, shop = editing.save_site("G", fields), add_site("Shop")
    store_round(m(0), {hanging: FAILING, shop: UP}, strikes=3)
    store_round(m(1), {hanging: FAILING, shop: UP}, strikes=3)
    [outage_id] = store_round(m(2), {hanging: FAILING, shop: UP}, strikes=3).opened
    editing.delete_site(hanging)
    assert store_round(m(3), {shop: UP}, strikes=3).closed == [outage_id]
    assert [e[:3] for e in events(outage_id)] == [
        (0, "failed", hanging),
        (2, "opened", hanging),
        (3, "removed", hanging),
        (3, "closed", None),
    ]
    code = queries.find_outage(str(outage_id)).code
    email, post = closing("email"), closing("twitter")
    assert email.subject == f"[djamon] CLOSED: Hanging API removed from monitoring (outage {code})"
    assert post.body == f"Closed: Hanging API was removed from monitoring (outage {code})"
    for text in (email.subject, email.body, post.body):
        assert "back" not in text and "RECOVERED" not in text and "answering" not in text
    assert "Last check: unknown: the site was deleted" in email.body


def test_settling_without_checks_removes_an_inactive_member_and_closes(store):
    shop = add_site("Shop")
    [outage_id] = store_round(m(0), {shop: FAILING}, strikes=1).opened
    editing.set_active(shop, False)
    assert settle_outages(m(5), rules(1), BOTH.texts) == [outage_id]
    assert [e[:3] for e in events(outage_id)[2:]] == [(5, "removed", shop), (5, "closed", None)]
    assert closing("email").subject.startswith("[djamon] CLOSED: Shop removed from monitoring")
