"""E-mail alerts through a real SMTP server (STARTTLS or implicit TLS, AUTH required)."""

from __future__ import annotations

import time

import pytest

from djamon_desktop.alerts import channels

from ..conftest import checks_at_once, document, group, payments, site
from ..mail import MailServer


def setup_sites(load, server, name, mail, strikes=2, **settings):
    message = "Les paiements échouent — 支払いに失敗"
    load(payments(server, name, message, strikes=strikes, email=mail.settings(), **settings))


@pytest.mark.usefixtures("engine")
def test_opening_mail_names_the_outage_and_arrives_once(server, load, run, mail, name):
    server.switch[name] = 503
    setup_sites(load, server, name, mail)
    run("check")
    assert mail.inbox == []
    result = run("check")
    outage = run("outage", "current", "--json").json()
    assert len(mail.inbox) == 1
    got = mail.inbox[0]
    assert sorted(got.rcpt_tos) == ["boss@example.com", "ops@example.com"]
    assert got.mail_from == "djamon@example.com"
    subject = str(got.message["Subject"])
    assert outage["code"] in subject and "Payments" in subject
    body = got.message.get_content()
    assert "Les paiements échouent — 支払いに失敗" in body
    assert "Payments (primary)" in body and "priority critical" in body
    assert "HTTP 503" in body and f"Outage {outage['code']} started" in body
    assert f"Alert (email, outage {outage['code']} opened) sent" in result.out
    assert outage["notification_sent"] is True
    run("check")
    run("check")
    assert len(mail.inbox) == 1


@pytest.mark.usefixtures("engine")
def test_mail_server_down_at_recovery_then_back_exactly_one_mail(server, load, run, mail, name):
    server.switch[name] = 500
    setup_sites(load, server, name, mail, strikes=1)
    run("check")
    code = run("outage", "current", "--json").json()["code"]
    assert len(mail.inbox) == 1
    mail.stop()
    server.switch[name] = 200
    result = run("check")
    assert result.code == 0
    assert "kept queued" in result.out and "refused the connection" in result.out
    text = run("outage", code).out
    assert "Alert email (closed): queued after 1 attempt" in text
    assert "refused the connection" in text
    run("check")  # still down: tried again, still kept
    assert "queued after 2 attempts" in run("outage", code).out
    mail.start()
    run("check")
    run("check")
    recoveries = [m for m in mail.inbox if "RECOVERED" in str(m.message["Subject"])]
    assert len(recoveries) == 1
    body = recoveries[0].message.get_content()
    assert "It lasted" in body and "Payments (primary)" in body
    assert "Alert email (closed): delivered" in run("outage", code).out


@pytest.mark.usefixtures("engine")
def test_no_recovery_mail_when_notify_recovery_is_off(server, load, run, mail, name):
    server.switch[name] = 500
    setup_sites(load, server, name, mail, strikes=1, notify_recovery=False)
    run("check")
    server.switch[name] = 200
    run("check")
    assert [("RECOVERED" in str(m.message["Subject"])) for m in mail.inbox] == [False]


@pytest.mark.usefixtures("engine")
def test_a_site_joining_sends_nothing_of_its_own(server, load, run, mail, name):
    other = name + "x"
    server.switch[name] = 500
    load(
        document(
            group(
                "G",
                site("A", server.url(f"/switch/{name}")),
                site("B", server.url(f"/switch/{other}")),
            ),
            strikes=1,
            email=mail.settings(),
        )
    )
    run("check")
    server.switch[other] = 500
    run("check")
    assert len(mail.inbox) == 1
    server.switch[name] = server.switch[other] = 200
    run("check")
    assert len(mail.inbox) == 2
    closing = mail.inbox[1].message.get_content()
    assert "- A (primary)" in closing and "- B," in closing


@pytest.mark.usefixtures("engine")
def test_wrong_password_is_kept_with_the_reason(server, load, run, mail, keyring, name):
    keyring("smtp_password", "not-the-password")
    server.switch[name] = 500
    setup_sites(load, server, name, mail, strikes=1)
    result = run("check")
    assert "refused the login for 'monitor@example.com'" in result.out
    assert "smtp_password" in result.out
    assert "not-the-password" not in result.out
    from ..mail import PASSWORD

    keyring("smtp_password", PASSWORD)
    run("check")
    assert len(mail.inbox) == 1


def test_certificate_that_does_not_verify(server, load, run, mail, monkeypatch, name, tmp_path):
    monkeypatch.delenv("SSL_CERT_FILE")
    empty = tmp_path / "empty-ca.pem"
    import trustme

    trustme.CA().cert_pem.write_to_path(str(empty))  # some other CA
    monkeypatch.setenv("SSL_CERT_FILE", str(empty))
    server.switch[name] = 500
    setup_sites(load, server, name, mail, strikes=1)
    result = run("check")
    assert "certificate did not verify" in result.out
    assert mail.inbox == []


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")
def test_implicit_tls(server, load, run, ca, ca_file, monkeypatch, keyring, name):
    from ..mail import PASSWORD

    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    keyring("smtp_password", PASSWORD)
    smtps = MailServer(ca, implicit_tls=True).start()
    try:
        server.switch[name] = 500
        setup_sites(load, server, name, smtps, strikes=1)
        run("check")
        assert len(smtps.inbox) == 1
    finally:
        smtps.stop()


def test_a_silent_server_does_not_hold_the_round(server, load, run, mail, monkeypatch, name):
    import socket

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(5)  # accepts, never greets
    try:
        monkeypatch.setattr(channels, "SEND_TIMEOUT_S", 1.0)
        server.switch[name] = 500
        setup_sites(load, server, name, mail, strikes=1)
        load(document(email={"host": "127.0.0.1", "port": silent.getsockname()[1]}))
        started = time.monotonic()
        result = run("check")
        # the 1 s send timeout, not the silent server, ends it: slack for a loaded machine
        assert time.monotonic() - started < 4
        assert "did not answer within 1 s" in result.out
    finally:
        silent.close()


def test_alert_test_email(run, load, mail):
    load(document(email=mail.settings(enabled=False)))
    result = run("alert-test", "email")
    assert result.code == 0
    assert result.out.strip().startswith("alert-test email: sent to ops@example.com, boss@")
    assert str(mail.inbox[0].message["Subject"]) == "[djamon] Test message"


def test_alert_test_email_names_the_missing_setting(run, load):
    load(document(email={"enabled": False, "to": []}))
    result = run("alert-test", "email")
    assert result.code == 2
    assert result.err.strip() == (
        "djamon-desktop: alert-test email: not sent: settings.email.to has no recipient"
    )


def test_missing_password_names_the_keyring_entry(run, load, mail):
    from djamon_desktop import secrets

    secrets.delete("smtp_password")
    load(document(email=mail.settings()))
    result = run("alert-test", "email")
    assert result.code == 2
    assert "keyring entry smtp_password is not set" in result.err


@pytest.mark.usefixtures("engine")
def test_two_senders_at_once_deliver_once(server, load, run, mail, name, data_dir):
    server.switch[name] = 500
    setup_sites(load, server, name, mail, strikes=1)
    mail.stop()
    run("check")  # opening alert queued, server away
    mail.start()
    checks_at_once(data_dir, 3)
    assert len(mail.inbox) == 1


def test_a_stored_line_break_in_a_title_neither_breaks_nor_forges_the_mail(
    server, load, run, mail, name, data_dir
):
    """Written by an older version or straight into the database, before such titles were
    refused: the alert still goes, its header one line, no header of the title's making."""
    import sqlite3

    server.switch[name] = 503
    setup_sites(load, server, name, mail, strikes=1)
    with sqlite3.connect(data_dir / "djamon.sqlite3") as db:
        db.execute("UPDATE site SET title = ? WHERE title = 'Payments'", ("Pay\r\nBcc: x@evil",))
    result = run("check")
    assert "Pay\ufffd\ufffdBcc: x@evil" in result.out  # the table keeps one line a site
    assert len(mail.inbox) == 1, result.out
    got = mail.inbox[0]
    assert got.message["Bcc"] is None
    assert "Pay\ufffd\ufffdBcc: x@evil" in str(got.message["Subject"])
    assert sorted(got.rcpt_tos) == ["boss@example.com", "ops@example.com"]
