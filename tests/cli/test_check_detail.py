"""``check`` with a site's expect and a check's detail, against real loopback servers: the
site's own good codes decide, and a failure's detail is printed and stored."""

from __future__ import annotations

import pytest

from djamon_desktop.core.clock import utc_now
from djamon_desktop.rechecking import RecheckRound, run_recheck
from djamon_desktop.store import maintenance, queries, rechecks, vantages
from djamon_desktop.store.models import Check, SiteVantage

from ..conftest import document, group, opened, site
from ..servers import closed_port

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")


def test_a_sites_own_codes_and_a_failures_detail(server, load, run, data_dir):
    refused = f"http://127.0.0.1:{closed_port()}/"
    load(
        document(
            group(
                "G",
                site("Teapot", server.url("/status/418"), expect={"codes": [418]}),
                site("Strict", server.url("/status/200"), expect={"codes": [204]}),
                site("Gone", refused),
            )
        )
    )
    result = run("check", "--json")
    assert result.code == 1
    results = {r["title"]: r for r in result.json()["results"]}
    assert (results["Teapot"]["ok"], results["Teapot"]["status_code"]) == (True, 418)
    # a wrong code under codes fails as today: no error, the status in status_code
    strict = results["Strict"]
    assert (strict["ok"], strict["status_code"], strict["error"]) == (False, 200, None)
    assert strict["detail"] is None and results["Teapot"]["detail"] is None
    gone = results["Gone"]
    assert (gone["ok"], gone["error"], gone["detail"]) == (
        False,
        "connection",
        "connection refused",
    )
    keys = list(gone)
    assert keys.index("detail") == keys.index("elapsed_ms") + 1
    with opened(data_dir):
        by_title = {s.title: s for s in queries.list_sites(3)}
        assert by_title["Gone"].last_detail == "connection refused"
        assert by_title["Teapot"].last_detail is None
        [check] = queries.recent_checks(by_title["Gone"].site_id)
        assert check.detail == "connection refused"
        assert Check.select().where(Check.detail.is_null(False)).count() == 1
        row = SiteVantage.get(SiteVantage.site == by_title["Gone"].site_id)
        assert row.last_detail == "connection refused"

    text = run("check").out.splitlines()
    heading = next(line for line in text if line.startswith("STATE"))
    assert heading.split() == ["STATE", "GROUP", "SITE", "ANSWER", "TIME", "DOWN", "DETAIL"]
    gone_line = next(line for line in text if " Gone " in line)
    assert gone_line.endswith("connection refused")
    assert next(line for line in text if " Teapot " in line).split()[3] == "418"


def test_a_round_without_detail_prints_the_table_as_before(server, load, run):
    load(document(group("G", site("Up", server.url("/status/200")))))
    text = run("check").out.splitlines()
    heading = next(line for line in text if line.startswith("STATE"))
    assert heading.split() == ["STATE", "GROUP", "SITE", "ANSWER", "TIME", "DOWN"]


def test_a_paused_site_rechecked_apart_keeps_its_own_codes(server, load, data_dir):
    load(document(group("G", site("Teapot", server.url("/status/418"), expect={"codes": [418]}))))
    with opened(data_dir):
        [teapot] = [s.site_id for s in queries.list_sites(2)]
        me = vantages.current()
        vantages.app_seen(me, utc_now())
        maintenance.pause_site(teapot, None)
        asked = rechecks.ask(teapot, "carol", utc_now())
        report = run_recheck(utc_now, RecheckRound(((asked.recheck_id, teapot),)))
        assert report.outcomes == []  # paused: checked apart, not stored as a round
        [answer] = rechecks.find(asked.recheck_id).answers
        assert (answer.ok, answer.status_code, answer.error) == (True, 418, None)


def test_an_outage_of_a_page_that_lacks_its_text_says_what_it_lacked(
    server, load, run, mail, data_dir
):
    health = site("Health", server.url("/status/200"), expect={"text": "all systems go"})
    load(document(group("G", health), strikes=1, email=mail.settings()))
    [result] = run("check", "--json").json()["results"]
    assert (result["status_code"], result["error"]) == (200, "content")
    detail = result["detail"]
    assert detail.startswith("body lacks 'all systems go' (")
    assert len(mail.inbox) == 1
    body = mail.inbox[0].message.get_content().replace("\r\n", "\n")
    assert f"Last check: content: {detail}" in body
    with opened(data_dir):
        [failure] = queries.outage_failures(queries.find_outage("current").id)
    assert (failure.error, failure.status_code, failure.detail) == ("content", 200, detail)
    assert failure.failed_checks == 1


def test_a_site_s_own_codes_decide_which_checks_of_its_outage_failed(
    server, load, run, name, data_dir
):
    server.switch[name] = 500
    teapot = site("Teapot", server.url(f"/switch/{name}"), expect={"codes": [418]})
    load(document(group("G", teapot), strikes=1))
    run("check")
    server.switch[name] = 200  # a good code for other sites, not for this one
    run("check")
    assert run("outage", "current", "--json").json()["end_time"] is None
    with opened(data_dir):
        [failure] = queries.outage_failures(queries.find_outage("current").id)
    assert (failure.status_code, failure.failed_checks) == (200, 2)
