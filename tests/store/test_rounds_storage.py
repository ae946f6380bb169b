"""Storing a round, called directly: strikes, the outage opened, joined and closed with its
alerts, all in one transaction that builds on what another writer stored meanwhile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.alerts.messages import AlertPolicy
from djamon_desktop.core.probe import ProbeResult
from djamon_desktop.core.problems import DocumentRefused
from djamon_desktop.store import editing, history, queries
from djamon_desktop.store.models import Alert, Check, Outage, OutageSite
from djamon_desktop.store.rounds import record_round, settle_outages

from .helpers import (
    FAILING,
    HUNG,
    UP,
    add_site,
    another_writer,
    rows_of,
    rules,
    site_named,
    store_round,
)

T0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def test_strikes_count_failures_in_a_row_and_a_good_answer_clears_them(store):
    shop = add_site("Shop")
    store_round(minutes(0), {shop: FAILING}, strikes=5)
    store_round(minutes(1), {shop: HUNG}, strikes=5)
    info = site_named("Shop")
    assert (info.down_count, info.state, info.last_error, info.last_seen) == (
        2,
        "warning",
        "timeout",
        None,
    )
    record = store_round(minutes(2), {shop: UP}, strikes=5)
    info = site_named("Shop")
    assert record.down_counts == {shop: 0}
    assert (info.down_count, info.state, info.last_seen, info.last_status_code) == (
        0,
        "up",
        minutes(2),
        200,
    )
    assert Check.select().count() == 3
    assert [c.status_code for c in queries.recent_checks(shop)] == [200, None, 500]


def test_an_outage_opens_at_the_strike_with_the_most_urgent_site_first_and_its_alerts(store):
    low = add_site("Blog", priority="low")
    critical = add_site("Payments", priority="critical")
    store_round(minutes(0), {low: FAILING, critical: FAILING})
    assert Outage.select().count() == 0  # one strike of two
    record = store_round(minutes(1), {low: FAILING, critical: HUNG})
    [outage_id] = record.opened
    outage = queries.find_outage("current")
    assert outage.id == outage_id and outage.start_time == minutes(1)
    assert [(s.title, s.primary) for s in outage.sites] == [("Payments", True), ("Blog", False)]
    alerts = list(Alert.select().order_by(Alert.channel))
    assert [(a.event, a.channel) for a in alerts] == [("opened", "email"), ("opened", "twitter")]
    email, post = alerts
    assert email.subject == f"[djamon] DOWN: Payments and 1 more (outage {outage.code})"
    assert "Last check: timeout" in email.body and "Last check: HTTP 500" in email.body
    assert post.subject == "" and post.body.endswith(f"(outage {outage.code})")


def test_a_site_joins_the_open_outage_quietly_and_the_outage_closes_when_all_are_back(store):
    shop, files = add_site("Shop"), add_site("Files")
    store_round(minutes(0), {shop: FAILING, files: UP}, strikes=1)
    store_round(minutes(1), {shop: FAILING, files: FAILING}, strikes=1)
    outage = queries.find_outage("current")
    assert [s.title for s in outage.sites] == ["Shop", "Files"]
    assert Alert.select().count() == 2  # the opening alerts only: joining queues nothing
    store_round(minutes(2), {shop: UP, files: FAILING}, strikes=1)
    assert queries.find_outage("current") is not None  # Files is still down
    record = store_round(minutes(3), {shop: UP, files: UP}, strikes=1)
    assert record.closed == [outage.id]
    closed = queries.find_outage(str(outage.id))
    assert (closed.end_time, closed.seconds_down) == (minutes(3), 180)
    closing = Alert.select().where(Alert.event == "closed")
    assert sorted(a.channel for a in closing) == ["email", "twitter"]
    assert (
        "RECOVERED: Shop after 3 minutes" in closing.where(Alert.channel == "email").get().subject
    )


def test_no_recovery_alert_when_recoveries_are_not_announced(store):
    shop = add_site("Shop")
    quiet = AlertPolicy(("email",), notify_recovery=False)
    store_round(minutes(0), {shop: FAILING}, strikes=1, policy=quiet)
    store_round(minutes(1), {shop: UP}, strikes=1, policy=quiet)
    assert [(a.event, a.channel) for a in Alert.select()] == [("opened", "email")]


def test_a_round_that_fails_while_storing_leaves_nothing_behind(store):
    shop = add_site("Shop")

    def power_cut(facts):
        raise RuntimeError("power cut")  # after the checks and the outage are written

    with pytest.raises(RuntimeError):
        record_round(rows_of(minutes(0), {shop: FAILING}), rules(1), power_cut)
    assert Check.select().count() == 0
    assert Outage.select().count() == 0 and OutageSite.select().count() == 0
    assert site_named("Shop").down_count == 0
    assert history.hour_counts(minutes(0), 1) == {}


def test_counts_are_read_when_storing_so_a_round_stored_meanwhile_is_built_upon(store):
    shop = add_site("Shop")
    slow = rows_of(minutes(0), {shop: FAILING})  # built while its hung sites still waited
    store_round(minutes(0.5), {shop: FAILING}, strikes=9)  # another process stores meanwhile
    record = record_round(slow, rules(9), AlertPolicy().texts)
    assert record.down_counts == {shop: 2}
    assert site_named("Shop").down_count == 2


def test_a_site_deleted_while_the_round_ran_is_skipped(store):
    shop, gone = add_site("Shop"), add_site("Gone")
    rows = rows_of(minutes(0), {shop: UP, gone: FAILING})
    editing.delete_site(gone)
    record = record_round(rows, rules(1), AlertPolicy().texts)
    assert record.down_counts == {shop: 0} and record.opened == []
    assert [c.site_id for c in Check.select()] == [shop]
    assert set(history.hour_counts(minutes(0), 1)) == {shop}


def test_the_hour_summary_is_stored_with_the_checks(store):
    shop = add_site("Shop")
    store_round(minutes(0), {shop: UP}, strikes=5)
    store_round(minutes(10), {shop: ProbeResult(200, None, 60.0)}, strikes=5)
    store_round(minutes(20), {shop: FAILING}, strikes=5)
    [point] = history.hourly(shop, minutes(30), 1)
    assert (point.checks, point.good, point.average_ms, point.max_ms) == (3, 2, 50.0, 60.0)


def test_settling_closes_an_outage_whose_sites_went_inactive(store):
    shop = add_site("Shop")
    store_round(minutes(0), {shop: FAILING}, strikes=1)
    editing.save_site("G", {"active": False}, shop)
    closed = settle_outages(minutes(5), rules(1), AlertPolicy(("email",)).texts)
    assert closed and queries.find_outage("current") is None
    assert Alert.select().where(Alert.event == "closed").count() == 1


def test_a_writer_holding_the_file_makes_storing_wait_not_interleave(store):
    shop = add_site("Shop")
    rows = rows_of(minutes(0), {shop: FAILING})
    with another_writer(store), pytest.raises(Exception, match="lock"):
        record_round(rows, rules(1), AlertPolicy().texts)
    assert Check.select().count() == 0 and site_named("Shop").down_count == 0
    record_round(rows, rules(1), AlertPolicy().texts)  # the same prepared rows, stored once
    assert Check.select().count() == 1 and site_named("Shop").down_count == 1


@pytest.mark.parametrize("bad", ["Disk full\0", "Disk\nfull", "\u202eDisk full", "Disk\x9bfull"])
def test_extra_information_refuses_control_and_bidi_characters(store, bad):
    shop = add_site("Shop")
    store_round(minutes(0), {shop: FAILING}, strikes=1)
    outage = queries.find_outage("current")
    editing.set_extra_information(outage.id, "Disk full on the web server.")
    with pytest.raises(DocumentRefused) as refused:
        editing.set_extra_information(outage.id, bad)
    assert refused.value.problems[0].startswith("extra information: holds ")
    assert queries.find_outage("current").extra_information == "Disk full on the web server."
