"""End to end: three desktops' ``check`` processes, each its own vantage (``DJAMON_VANTAGE``),
run at the same moment against one team PostgreSQL (the suite's real server). A site is made to
fail for one vantage only by giving that process its own HTTP proxy on loopback, one that
answers 503 for the site; with ``confirmations`` 2 that opens nothing. A site failing for all
three opens exactly one outage, queues one alert per channel and sends one e-mail (a real SMTP
server), and closes once."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from djamon_desktop.store.models import Alert, Outage

from ..conftest import document, group, opened, site
from ..servers import MisbehavingServer

VANTAGES = ("desk-a", "desk-b", "desk-c")


@pytest.fixture
def own_proxy(name):
    """A loopback HTTP proxy that answers 503 for the site /switch/NAME (it reads the path of
    the absolute-form request, as a proxy does, and answers from its own switch)."""
    proxy = MisbehavingServer().start()
    proxy.switch[name] = 503
    yield proxy
    proxy.stop()


@pytest.fixture
def team(team_url, tmp_path, monkeypatch):
    """The team database for every process of the test; the data folder is each's own."""
    monkeypatch.setenv("DJAMON_DATABASE_URL", team_url)
    return team_url


def sites_doc(server, name, **settings) -> dict:
    """Payments on 127.0.0.1 (what the proxied vantage can't reach) and Blog on ``localhost``
    (exempt from the proxy by NO_PROXY: that vantage reaches it)."""
    blog = server.url("/status/200").replace("127.0.0.1", "localhost")
    return document(
        group(
            "Production",
            site("Payments", server.url(f"/switch/{name}"), priority="critical"),
            site("Blog", blog, priority="low"),
        ),
        **settings,
    )


def cli(tmp_path: Path, vantage: str, *args: str, env: dict | None = None):
    return subprocess.run(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(tmp_path / vantage), *args],
        capture_output=True,
        text=True,
        env={**os.environ, "DJAMON_VANTAGE": vantage, **(env or {})},
        timeout=60,
    )


def checks_together(tmp_path: Path, proxied: dict[str, str]) -> dict[str, dict]:
    """One ``check --json`` of each vantage, all started at once; each one's report (a
    vantage in ``proxied`` goes through that HTTP proxy, localhost exempt)."""
    procs = {}
    for vantage in VANTAGES:
        env = {**os.environ, "DJAMON_VANTAGE": vantage}
        if vantage in proxied:
            env.update(http_proxy=proxied[vantage], no_proxy="localhost")
        procs[vantage] = subprocess.Popen(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(tmp_path / vantage),
             "check", "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
    reports = {}
    for vantage, proc in procs.items():
        out, err = proc.communicate(timeout=90)
        assert proc.returncode in (0, 1), f"{vantage}: exit {proc.returncode}: {err}"
        reports[vantage] = json.loads(out)
        assert reports[vantage]["vantage"] == vantage
    return reports


def results(report: dict) -> dict[str, tuple[bool, int | None, str]]:
    return {r["title"]: (r["ok"], r["status_code"], r["state"]) for r in report["results"]}


def listed(tmp_path: Path) -> dict[str, dict]:
    done = cli(tmp_path, "desk-a", "sites", "--json")
    assert done.returncode == 0, done.stderr
    return {s["title"]: s for s in json.loads(done.stdout)}


def load(tmp_path: Path, doc: dict) -> None:
    path = tmp_path / "sites.json"
    path.write_text(json.dumps(doc))
    done = cli(tmp_path, "desk-a", "import", str(path))
    assert done.returncode == 0, done.stderr


def test_one_vantage_that_cannot_reach_a_site_raises_nothing_with_2_confirmations(
    team, server, name, own_proxy, tmp_path
):
    server.switch[name] = 200
    load(tmp_path, sites_doc(server, name, strikes=2, confirmations=2))
    for _round in range(3):
        reports = checks_together(tmp_path, {"desk-c": own_proxy.base})
        assert results(reports["desk-a"])["Payments"][:2] == (True, 200)
        assert results(reports["desk-b"])["Payments"][:2] == (True, 200)
        assert results(reports["desk-c"])["Payments"][:2] == (False, 503)  # its proxy's answer
        assert results(reports["desk-c"])["Blog"][:2] == (True, 200)  # NO_PROXY: reached
        assert all(not r["outages_opened"] for r in reports.values())
    assert any(  # desk-c's check went through its proxy
        seen.method == "HEAD" and seen.target.startswith(server.url(f"/switch/{name}?"))
        for seen in own_proxy.seen
    )

    payments = listed(tmp_path)["Payments"]
    assert payments["state"] == "warning"  # failing from one vantage: a warning, not down
    assert {k: (v["state"], v["down_count"]) for k, v in payments["vantages"].items()} == {
        "desk-a": ("up", 0),
        "desk-b": ("up", 0),
        "desk-c": ("down", 3),
    }
    with opened(tmp_path / "desk-a"):
        assert Outage.select().count() == 0 and Alert.select().count() == 0


def test_a_site_down_for_every_vantage_opens_one_outage_and_sends_one_email(
    team, server, name, mail, tmp_path
):
    server.switch[name] = 500
    load(tmp_path, sites_doc(server, name, strikes=2, confirmations=2, email=mail.settings()))
    first = checks_together(tmp_path, {})
    assert all(results(r)["Payments"][0] is False for r in first.values())
    assert all(not r["outages_opened"] for r in first.values())
    second = checks_together(tmp_path, {})
    opened_by = [v for v, r in second.items() if r["outages_opened"]]
    assert len(opened_by) == 1, second  # whoever stored first with two vantages down
    # the first to store this round saw only itself at 2: confirmed by the next one to store
    assert "down" in {results(r)["Payments"][2] for r in second.values()}
    assert listed(tmp_path)["Payments"]["state"] == "down"
    checks_together(tmp_path, {})  # still down: nothing new
    with opened(tmp_path / "desk-a"):
        assert Outage.select().count() == 1
        queued = [(a.event, a.channel) for a in Alert.select()]
        assert queued == [("opened", "email")]
    assert len(mail.inbox) == 1
    assert "Payments" in str(mail.inbox[0].message["Subject"])

    server.switch[name] = 200
    back = checks_together(tmp_path, {})
    assert sum(len(r["outages_closed"]) for r in back.values()) == 1
    checks_together(tmp_path, {})
    with opened(tmp_path / "desk-a"):
        [outage] = Outage.select()
        assert outage.end_time is not None
        assert sorted((a.event, a.channel) for a in Alert.select()) == [
            ("closed", "email"),
            ("opened", "email"),
        ]
        assert all(a.delivered_at is not None for a in Alert.select())
    assert len(mail.inbox) == 2
