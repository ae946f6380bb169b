"""Rechecks in the store, called directly on both engines: which vantages are live apps (their
app's start, its rounds' heartbeat, its quit), what an ask refuses with nothing stored, and
the answers each vantage owes and stores once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from djamon_desktop.core.rechecks import WAIT, vantage_line
from djamon_desktop.store import editing, rechecks, vantages
from djamon_desktop.store.models import Recheck, RecheckAnswer
from djamon_desktop.store.rounds import record_round

from .helpers import BOTH, UP, add_site, rows_of, rules

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def s(n: float) -> datetime:
    return T0 + timedelta(seconds=n)


@pytest.fixture(autouse=True)
def _default_vantage():
    yield
    vantages.use(None)


def app_round(name: str, when: datetime, results) -> None:
    """A round of ``name``'s app, as its round thread stores one."""
    vantages.use(name)
    try:
        with vantages.app_rounds():
            record_round(rows_of(when, results), rules(2), BOTH.texts)
    finally:
        vantages.use(None)


def nothing_asked() -> bool:
    return Recheck.select().count() == 0


def test_an_app_is_live_from_its_start_or_round_until_it_quits_or_15_minutes_pass(store):
    site = add_site("Api")
    assert rechecks.live_app_vantages(s(0)) == []
    vantages.app_seen("alice", s(0))  # her app started
    app_round("bob", s(10), {site: UP})  # his app's round: the heartbeat
    vantages.use("cron")
    record_round(rows_of(s(20), {site: UP}), rules(2), BOTH.texts)  # check from cron: no app
    assert rechecks.live_app_vantages(s(30)) == ["alice", "bob"]
    assert rechecks.live_app_vantages(s(0) + timedelta(minutes=15, seconds=5)) == ["bob"]
    vantages.app_seen("bob", None)  # his app quit
    assert rechecks.live_app_vantages(s(30)) == ["alice"]


def test_an_ask_of_an_unknown_or_inactive_site_or_with_no_live_app_is_refused(store):
    site = add_site("Api")
    with pytest.raises(rechecks.RecheckError, match="no live app vantage") as no_app:
        rechecks.ask(site, "carol", s(0))
    assert no_app.value.exit_code == 2
    vantages.app_seen("alice", s(0))
    with pytest.raises(rechecks.RecheckError, match="no site has this ID"):
        rechecks.ask(site + 99, "carol", s(1))
    editing.set_active(site, False)
    with pytest.raises(rechecks.RecheckError, match=r"G/Api \(ID \d+\) is inactive"):
        rechecks.ask(site, "carol", s(1))
    editing.set_active(site, True)
    with pytest.raises(rechecks.RecheckError, match="name"):
        rechecks.ask(site, "bad\u202ename", s(1))
    assert nothing_asked()


def test_each_vantage_asked_owes_one_answer_within_the_wait(store):
    site = add_site("Api")
    other = add_site("Web")
    vantages.app_seen("alice", s(0))
    vantages.app_seen("bob", s(0))
    asked = rechecks.ask(site, "carol", s(1))
    assert asked.vantages == ("alice", "bob") and asked.missing == ("alice", "bob")
    assert rechecks.due("alice", s(2)) == [(asked.recheck_id, site)]
    assert rechecks.due("dave", s(2)) == []  # not live when asked: not asked
    rechecks.answer("alice", [(asked.recheck_id, True, 200, None, 12.4)], s(3))
    rechecks.answer("alice", [(asked.recheck_id, False, 500, None, 9.0)], s(4))  # once only
    assert rechecks.due("alice", s(4)) == []
    assert rechecks.due("bob", s(1) + WAIT - timedelta(seconds=1)) == [(asked.recheck_id, site)]
    assert rechecks.due("bob", s(1) + WAIT) == []  # too late: the asker stopped waiting

    got = rechecks.find(asked.recheck_id)
    assert got.missing == ("bob",) and not got.good
    assert vantage_line(got, "alice", s(5)) == "alice: up, HTTP 200 in 12 ms"
    assert vantage_line(got, "bob", s(5)) == "bob: waiting for its answer"
    assert vantage_line(got, "bob", s(16)) == "bob: no answer within 15 s"
    rechecks.answer("bob", [(asked.recheck_id, False, None, "timeout", 5000.0)], s(6))
    got = rechecks.find(asked.recheck_id)
    assert not got.missing and not got.good
    assert vantage_line(got, "bob", s(6)) == "bob: down, timeout after 5000 ms"
    assert rechecks.latest(site) == got and rechecks.latest(other) is None


def test_an_answer_to_a_recheck_of_a_deleted_site_is_dropped(store):
    site = add_site("Api")
    vantages.app_seen("alice", s(0))
    asked = rechecks.ask(site, "carol", s(1))
    editing.delete_site(site)
    rechecks.answer("alice", [(asked.recheck_id, True, 200, None, 10.0)], s(2))
    assert rechecks.find(asked.recheck_id) is None
    assert RecheckAnswer.select().count() == 0


def test_rechecks_older_than_a_day_go_when_one_is_asked(store):
    site = add_site("Api")
    vantages.app_seen("alice", s(0))
    old = rechecks.ask(site, "carol", s(1))
    rechecks.answer("alice", [(old.recheck_id, True, 200, None, 10.0)], s(2))
    later = s(0) + timedelta(days=1, seconds=5)
    vantages.app_seen("alice", later)
    new = rechecks.ask(site, "carol", later)
    assert [r.asked_at for r in Recheck.select()] == [later]  # (SQLite may reuse old's ID)
    assert RecheckAnswer.select().count() == 0 and new.answers == ()
