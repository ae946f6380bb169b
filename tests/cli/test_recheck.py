"""``recheck SITE`` refusing what it can't do, on both engines: an unknown or inactive site, or
no desktop whose app runs, is one line on stderr, exit 2, and nothing stored. And the app's
side of an answer (``rechecking``) against a loopback server: a round stored and the answer,
a paused site checked apart (not stored), an inactive one answered "not checked".

The answers coming from running apps within 15 s are the GUI tests' (tests/gui/test_recheck*)."""

from __future__ import annotations

import pytest

from djamon_desktop.core.clock import utc_now
from djamon_desktop.rechecking import RecheckRound, run_recheck
from djamon_desktop.store import editing, maintenance, queries, rechecks, vantages
from djamon_desktop.store.models import Check, Recheck

from ..conftest import document, group, opened, site

pytestmark = pytest.mark.usefixtures("engine")


@pytest.fixture
def two_sites(server, name, load, data_dir):
    load(
        document(
            group(
                "Production",
                site("Payments", server.url(f"/switch/{name}")),
                site("Old", server.url("/status/200"), active=False),
            )
        )
    )
    with opened(data_dir):
        return {s.title: s.site_id for s in queries.list_sites(2)}


def asked_count(data_dir) -> int:
    with opened(data_dir):
        return Recheck.select().count()


def test_no_live_app_vantage_unknown_or_inactive_site_is_exit_2_and_nothing_stored(
    run, two_sites, data_dir
):
    got = run("recheck", "Production/Payments")
    assert got.code == 2 and got.out == ""
    assert got.err.strip().splitlines() == [
        "djamon-desktop: no live app vantage to recheck Production/Payments: no desktop's app"
        " has run in the last 15 minutes"
    ]
    with opened(data_dir):
        vantages.app_seen("alice", utc_now())
    for key, said in [
        ("999", "SITE '999': no site has this ID"),
        ("Production/Nope", "SITE 'Production/Nope': no site is called that (GROUP/TITLE)"),
        ("Production/Old", f"Production/Old (ID {two_sites['Old']}) is inactive; activate it"),
    ]:
        got = run("recheck", key, "--json")
        assert got.code == 2 and got.out == "", key
        assert len(got.err.strip().splitlines()) == 1 and said in got.err, got.err
    assert run("recheck").code == 2  # SITE is needed
    assert asked_count(data_dir) == 0


def test_the_app_s_answer_is_a_stored_round_a_paused_site_is_checked_apart(
    server, name, two_sites, data_dir
):
    pay, old = two_sites["Payments"], two_sites["Old"]
    server.switch[name] = 503
    with opened(data_dir):
        me = vantages.current()
        vantages.app_seen(me, utc_now())
        first = rechecks.ask(pay, "carol", utc_now())
        report = run_recheck(utc_now, RecheckRound(((first.recheck_id, pay),)))
        assert [o.site.site_id for o in report.outcomes] == [pay]  # stored as a round
        assert Check.select().where(Check.site == pay).count() == 1
        [answer] = rechecks.find(first.recheck_id).answers
        assert (answer.vantage, answer.ok, answer.status_code) == (me, False, 503)

        server.switch[name] = 200
        maintenance.pause_site(pay, None)
        second = rechecks.ask(pay, "carol", utc_now())
        editing.set_active(old, True)
        third = rechecks.ask(old, "carol", utc_now())
        editing.set_active(old, False)
        asks = ((second.recheck_id, pay), (third.recheck_id, old))
        report = run_recheck(utc_now, RecheckRound(asks))
        assert report.outcomes == []  # paused: no round stored for it
        assert Check.select().where(Check.site == pay).count() == 1
        [paused] = rechecks.find(second.recheck_id).answers
        assert (paused.ok, paused.status_code, paused.error) == (True, 200, None)
        [inactive] = rechecks.find(third.recheck_id).answers
        assert (inactive.ok, inactive.error) == (False, "not checked")


def test_a_vantage_that_never_answers_is_named_after_15_s_and_the_ask_is_signed(
    run, two_sites, data_dir
):
    """``alice`` said her app runs and then answers nothing (a laptop that went to sleep)."""
    with opened(data_dir):
        vantages.app_seen("alice", utc_now())
    got = run("--as", "carol", "recheck", "Production/Payments", "--json")
    assert got.code == 1, got.err
    assert got.json() == {"site_id": two_sites["Payments"], "results": {}, "no_answer": ["alice"]}
    got = run("recheck", str(two_sites["Payments"]), "--as", "dave")
    assert (got.code, got.out) == (1, "alice: no answer within 15 s\n")
    with opened(data_dir):
        assert [r.asked_by for r in Recheck.select().order_by(Recheck.id)] == ["carol", "dave"]
