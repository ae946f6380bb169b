"""Certificate warnings through the outbox to a real SMTP server: one per certificate (site and
expiry) however many rounds see it, a renewed certificate warned of afresh, kept queued while
the mail server is away; none when cert_warning_days is 0 or the expiry is far off."""

from __future__ import annotations

import pytest

from djamon_desktop.store.models import Alert, Outage

from ..certs import in_days
from ..conftest import document, group, opened, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")


def setup(load, mail, *sites, **settings):
    load(document(group("Production", *sites), email=mail.settings(), **settings))


def subjects(mail) -> list[str]:
    return [str(got.message["Subject"]) for got in mail.inbox]


def test_one_mail_a_certificate_and_a_renewed_one_is_new(cert_site, load, run, mail, data_dir):
    shop = cert_site(5)
    setup(load, mail, site("Shop", shop.url("/status/200", user="ops:hunter2")))
    first = run("check")
    assert first.code == 0
    assert "Alert (email, certificate of Shop) sent" in first.out
    assert subjects(mail) == [
        f"[djamon] CERTIFICATE: Shop expires in 5 days ({shop.not_after:%Y-%m-%d})"
    ]
    body = mail.inbox[0].message.get_content()
    assert f"https://ops:***@127.0.0.1:{shop.server.port}/status/200" in body
    assert "hunter2" not in body
    assert shop.not_after.isoformat() in body
    assert "Certificate of Shop expires in 5 days" in first.out

    second = run("check")  # the same certificate: nothing more
    assert "Alert" not in second.out
    assert len(mail.inbox) == 1

    shop.renew(in_days(3))  # renewed (badly): another certificate, another warning
    run("check")
    run("check")
    assert len(mail.inbox) == 2
    assert f"({shop.not_after:%Y-%m-%d})" in subjects(mail)[1]
    with opened(data_dir):
        rows = list(Alert.select().where(Alert.kind == "cert"))
        assert [(r.event, r.outage_id, r.channel) for r in rows] == [("cert", None, "email")] * 2
        assert Outage.select().count() == 0  # not an outage


def test_no_mail_when_off_or_far_off(cert_site, load, run, mail):
    soon, later = cert_site(5), cert_site(60)
    setup(load, mail, site("Shop", soon.url()), site("Docs", later.url()), cert_warning_days=0)
    run("check")
    assert mail.inbox == []
    setup(load, mail, site("Shop", soon.url()), site("Docs", later.url()), cert_warning_days=14)
    run("check")
    run("check")
    assert [s.split(":")[1].split()[0] for s in subjects(mail)] == ["Shop"]


def test_kept_queued_while_the_mail_server_is_away(cert_site, load, run, mail):
    shop = cert_site(5)
    setup(load, mail, site("Shop", shop.url()))
    mail.stop()
    result = run("check")
    assert "Alert (email, certificate of Shop) kept queued" in result.out
    mail.start()
    assert "Alert (email, certificate of Shop) sent" in run("check").out
    run("check")
    assert len(mail.inbox) == 1


def test_a_site_going_down_with_an_expiring_certificate(cert_site, load, run, mail):
    """The certificate's warning and the outage's alert each go once, side by side."""
    shop = cert_site(5)
    setup(load, mail, site("Shop", shop.url("/status/200")), strikes=1)
    run("check")
    setup(load, mail, site("Shop", shop.url("/status/503")), strikes=1)
    result = run("check")
    assert result.code == 1
    assert [s.split(":")[0] for s in subjects(mail)] == [
        "[djamon] CERTIFICATE",
        "[djamon] DOWN",
    ]


def test_a_channel_turned_on_later_gets_the_warning_still_due(cert_site, load, run, mail):
    shop = cert_site(5)
    load(document(group("Production", site("Shop", shop.url()))))
    run("check")  # no channel: nothing queued
    setup(load, mail, site("Shop", shop.url()))
    assert "Alert (email, certificate of Shop) sent" in run("check").out
    run("check")
    assert len(mail.inbox) == 1
