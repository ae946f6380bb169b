"""The monthly report mailed on the 1st (setting ``monthly_report``), through `check` under an
injected clock (the command line's ``clock``), to a real SMTP server (aiosmtpd with TLS): the
first round from 00:00 local time on the 1st queues last month's report, once, as a PDF
attached to an e-mail (``pdftotext`` reads the month in it); the local 1st counts, not UTC's;
two vantages of a team queue it once; a mail server away gets it on a later round; nothing is
queued while e-mail is off, and the report is queued by the first round once it is on.

The rounds run at times after the sites were added (the wall clock), so the months reported
were monitored."""

from __future__ import annotations

import functools
import subprocess
import threading
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from djamon_desktop.cli import check
from djamon_desktop.core.clock import utc_now
from djamon_desktop.store import monthly
from djamon_desktop.store.models import Alert, db

from ..conftest import Clock, document, group, opened, site

#: a year after the wall clock's: the sites exist by then
YEAR = utc_now().year + 2
LONDON = "Europe/London"


@pytest.fixture
def clock(monkeypatch):
    """The clock `check` goes by (the command line's ``clock``); set ``clock.now``."""
    fake = Clock(datetime(YEAR, 1, 15, tzinfo=UTC))
    monkeypatch.setattr(check, "cmd_check", functools.partial(check.cmd_check, clock=fake))
    return fake


def local(zone: str, *when: int) -> datetime:
    return datetime(*when, tzinfo=ZoneInfo(zone))


def setup(load, server, mail, email=None, **settings):
    """One site, always up; e-mail to ``mail`` (``email``: settings over its own), the
    monthly report on unless ``settings`` say otherwise."""
    settings.setdefault("monthly_report", {"enabled": True})
    doc = document(
        group("Production", site("Shop", server.url("/status/200"))),
        email=mail.settings(**(email or {})),
        **settings,
    )
    load(doc)


def subjects(mail) -> list[str]:
    return [str(got.message["Subject"]) for got in mail.inbox]


def report_rows(data_dir) -> list[tuple]:
    with opened(data_dir):
        return [
            (a.kind, a.event, a.channel, a.outage_id, a.attachment_name, a.delivered_at is not None)
            for a in Alert.select().where(Alert.kind == "report").order_by(Alert.id)
        ]


def pdf_text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "attached.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return out.stdout


@pytest.mark.usefixtures("engine")
def test_the_first_round_from_midnight_on_the_1st_mails_last_month_once(
    server, load, run, mail, clock, monkeypatch, data_dir, tmp_path
):
    monkeypatch.setenv("TZ", LONDON)
    setup(load, server, mail, email={"to": ["ops@example.com"]})
    clock.now = local(LONDON, YEAR, 3, 1, 0, 0)  # February's, the first time
    assert f"Alert (email, monthly report (djamon-report-{YEAR}-02.pdf)) sent" in run("check").out
    assert subjects(mail) == [f"[djamon] UPTIME REPORT: February {YEAR}, 100.00% overall"]

    clock.now = local(LONDON, YEAR, 3, 31, 23, 59)  # still March: nothing
    assert "Alert" not in run("check").out
    assert len(mail.inbox) == 1

    clock.now = local(LONDON, YEAR, 4, 1, 0, 0)  # midnight on the 1st: March's
    run("check")
    assert len(mail.inbox) == 2
    got = mail.inbox[1]
    assert got.rcpt_tos == ["ops@example.com"]
    assert str(got.message["Subject"]) == f"[djamon] UPTIME REPORT: March {YEAR}, 100.00% overall"
    body = got.message.get_body(("plain",)).get_content()
    assert f"The uptime report of March {YEAR} ({LONDON} time) is attached:" in body
    assert f"djamon-report-{YEAR}-03.pdf" in body
    assert "Overall uptime: 100.00% over 1 site (no outage)." in body
    assert "- Production: 100.00%" in body
    [attached] = list(got.message.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == f"djamon-report-{YEAR}-03.pdf"
    assert f"March {YEAR}" in pdf_text(attached.get_content(), tmp_path)

    clock.now = local(LONDON, YEAR, 4, 1, 0, 5)  # not again
    run("check")
    clock.now = local(LONDON, YEAR, 4, 17, 12, 0)
    run("check")
    assert len(mail.inbox) == 2
    # in the outbox as a report, no outage; its PDF dropped once mailed
    assert report_rows(data_dir) == [
        ("report", "report", "email", None, f"djamon-report-{YEAR}-{m:02d}.pdf", True)
        for m in (2, 3)
    ]
    with opened(data_dir):
        assert [a.attachment for a in Alert.select()] == [None, None]


def test_the_mail_gives_the_months_figures_and_quiet_hours_do_not_hold_it(
    server, load, run, mail, clock, monkeypatch, name, tmp_path
):
    """Down 30 minutes of March's 743 hours (the clocks go forward on its last Sunday): 99.93%
    overall. Quiet hours from midnight to 10:00 hold outage alerts, not the report."""
    monkeypatch.setenv("TZ", LONDON)
    server.switch[name] = 200
    doc = document(
        group("Production", site("Shop", server.url(f"/switch/{name}"))),
        email=mail.settings(),
        monthly_report={"enabled": True},
        quiet_hours=[{"schedule": "0 0 * * *", "minutes": 600}],
        strikes=1,
    )
    load(doc)
    clock.now = local(LONDON, YEAR, 3, 1, 0, 0)
    run("check")  # February's, in quiet hours: at once
    server.switch[name] = 503
    clock.now = local(LONDON, YEAR, 3, 15, 12, 0)
    run("check")  # down
    server.switch[name] = 200
    clock.now = local(LONDON, YEAR, 3, 15, 12, 30)
    run("check")  # back
    clock.now = local(LONDON, YEAR, 4, 1, 0, 0)
    run("check")
    reports = [m for m in mail.inbox if "UPTIME REPORT" in str(m.message["Subject"])]
    assert [str(m.message["Subject"]) for m in reports] == [
        f"[djamon] UPTIME REPORT: February {YEAR}, 100.00% overall",
        f"[djamon] UPTIME REPORT: March {YEAR}, 99.93% overall",
    ]
    body = reports[1].message.get_body(("plain",)).get_content()
    assert "Overall uptime: 99.93% over 1 site (1 outage, 30 minutes down in all)." in body
    assert "- Production: 99.93%" in body
    [attached] = list(reports[1].message.iter_attachments())
    text = pdf_text(attached.get_content(), tmp_path)
    assert f"March {YEAR}" in text and "99.93" in text and "Production" in text


@pytest.mark.parametrize(
    ("zone", "before", "midnight"),
    [
        # UTC's 1st comes first: 03:00 UTC on 1 April is 20:00 on 31 March there
        ("America/Los_Angeles", (YEAR, 3, 31, 20, 0), (YEAR, 4, 1, 0, 0)),
        # the local 1st comes first: its midnight is 11:00 UTC on 31 March
        ("Pacific/Auckland", (YEAR, 3, 31, 23, 59), (YEAR, 4, 1, 0, 0)),
    ],
)
def test_the_local_1st_counts_not_utcs(
    server, load, run, mail, clock, monkeypatch, zone, before, midnight
):
    monkeypatch.setenv("TZ", zone)
    setup(load, server, mail)
    clock.now = local(zone, YEAR, 3, 1, 0, 0)
    run("check")  # February's
    assert len(mail.inbox) == 1

    clock.now = local(zone, *before)
    run("check")
    assert len(mail.inbox) == 1, clock.now.astimezone(UTC)

    clock.now = local(zone, *midnight)
    assert clock.now.astimezone(UTC).month == (4 if zone.startswith("America") else 3)
    run("check")
    assert subjects(mail)[1].startswith(f"[djamon] UPTIME REPORT: March {YEAR}, ")
    assert f"({zone} time)" in mail.inbox[1].message.get_body(("plain",)).get_content()


def test_two_vantages_of_a_team_mail_it_once(
    server, load, run, mail, clock, monkeypatch, team_url_at_latest, data_dir
):
    """On a team's PostgreSQL, the rounds of two desktops both pass midnight on the 1st: the
    first queues the report, the other finds the month taken."""
    monkeypatch.setenv("DJAMON_DATABASE_URL", team_url_at_latest)
    monkeypatch.setenv("TZ", LONDON)
    setup(load, server, mail)
    monkeypatch.setenv("DJAMON_VANTAGE", "laptop-1")
    clock.now = local(LONDON, YEAR, 4, 1, 0, 0, 10)
    run("check")
    monkeypatch.setenv("DJAMON_VANTAGE", "laptop-2")
    clock.now = local(LONDON, YEAR, 4, 1, 0, 0, 40)
    second = run("check")
    assert "Alert" not in second.out
    monkeypatch.setenv("DJAMON_VANTAGE", "laptop-1")
    clock.now = local(LONDON, YEAR, 4, 1, 0, 5)
    run("check")
    assert subjects(mail) == [f"[djamon] UPTIME REPORT: March {YEAR}, 100.00% overall"]
    assert len(report_rows(data_dir)) == 1


@pytest.mark.usefixtures("engine")
def test_two_desktops_at_the_claim_at_once_queue_one(data_dir, run, load, server, mail):
    """Both read the month as not yet queued and made the report; each then takes the
    writers' turn to queue it (on connections of their own, at the same moment): one does."""
    setup(load, server, mail)
    month, now = f"{YEAR}-03", datetime(YEAR, 4, 1, tzinfo=UTC)
    results: list[bool] = []
    ready = threading.Barrier(2)

    def desktop() -> None:
        try:
            ready.wait(10)
            results.append(monthly.queue_month(month, now, "s", "b", b"%PDF-1.4", "r.pdf"))
        finally:
            db.close()

    with opened(data_dir):
        threads = [threading.Thread(target=desktop) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
        assert sorted(results) == [False, True]
        assert monthly.last_queued() == month
        assert Alert.select().where(Alert.kind == "report").count() == 1


@pytest.mark.usefixtures("engine")
def test_kept_queued_while_the_mail_server_is_away(server, load, run, mail, clock, monkeypatch):
    monkeypatch.setenv("TZ", LONDON)
    setup(load, server, mail, email={"to": ["ops@example.com"]}, monthly_report={
        "enabled": True, "to": ["owner@example.com", "boss@example.com"]})  # fmt: skip
    mail.stop()
    clock.now = local(LONDON, YEAR, 4, 1, 0, 0)
    first = run("check")
    assert f"Alert (email, monthly report (djamon-report-{YEAR}-03.pdf)) kept queued" in first.out
    mail.start()
    clock.now = local(LONDON, YEAR, 4, 1, 0, 5)
    assert f"Alert (email, monthly report (djamon-report-{YEAR}-03.pdf)) sent" in run("check").out
    clock.now = local(LONDON, YEAR, 4, 1, 0, 10)
    run("check")
    [got] = mail.inbox
    assert got.rcpt_tos == ["owner@example.com", "boss@example.com"]  # its own recipients
    assert [a.get_filename() for a in got.message.iter_attachments()] == [
        f"djamon-report-{YEAR}-03.pdf"
    ]


@pytest.mark.usefixtures("engine")
def test_nothing_is_queued_while_e_mail_is_off(
    server, load, run, mail, clock, monkeypatch, data_dir
):
    """Taken with e-mail off (an import may bring the report before e-mail); it waits for
    e-mail, and the first round once e-mail is on queues last month's (the rule as written)."""
    monkeypatch.setenv("TZ", LONDON)
    setup(load, server, mail, email={"enabled": False})
    clock.now = local(LONDON, YEAR, 4, 1, 0, 0)
    run("check")
    clock.now = local(LONDON, YEAR, 4, 1, 0, 5)
    run("check")
    assert mail.inbox == [] and report_rows(data_dir) == []
    with opened(data_dir):
        assert monthly.last_queued() is None

    setup(load, server, mail)  # e-mail turned on mid-month
    clock.now = local(LONDON, YEAR, 4, 14, 9, 30)
    run("check")
    assert subjects(mail) == [f"[djamon] UPTIME REPORT: March {YEAR}, 100.00% overall"]


def test_off_by_default_and_never_on_other_channels(
    server, load, run, mail, clock, monkeypatch, keyring, data_dir, name
):
    """The report goes on e-mail only: Apprise gets the outage's alerts, never the report; the
    outage shows its own alerts only. With the setting off, no report at all."""
    from .webhook import Webhooks

    hooks = Webhooks().start()
    try:
        keyring("apprise_urls", f"{hooks.url('/team')}\n")
        monkeypatch.setenv("TZ", LONDON)
        server.switch[name] = 503
        doc = document(
            group("Production", site("Shop", server.url(f"/switch/{name}"))),
            email=mail.settings(),
            apprise={"enabled": True},
            strikes=1,
        )
        load(doc)
        clock.now = local(LONDON, YEAR, 4, 1, 0, 0)
        run("check")  # the outage opens; the report is off
        assert [s.split(":")[0] for s in subjects(mail)] == ["[djamon] DOWN"]

        doc["settings"]["monthly_report"] = {"enabled": True}
        load(doc)
        clock.now = local(LONDON, YEAR, 4, 1, 0, 5)
        run("check")
        assert [s.split(":")[0] for s in subjects(mail)] == [
            "[djamon] DOWN",
            "[djamon] UPTIME REPORT",
        ]
        assert len(hooks.received) == 1 and "DOWN" in hooks.received[0].message()["title"]
        code = subjects(mail)[0].rsplit("(outage ", 1)[1].rstrip(")")
        shown = run("outages").out + run("outage", code).out
        assert code in shown and "report" not in shown.lower()
    finally:
        hooks.stop()
