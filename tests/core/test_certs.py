"""Certificate expiry: read from the handshake a check makes anyway (real HTTPS servers on
loopback with certificates of chosen expiry, directly and through a proxy's tunnel), judged
against cert_warning_days, and the words of its alert and of the tray."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import UTC, datetime, timedelta

from djamon_desktop.alerts.messages import AlertPolicy, cert_email, cert_post, post_length
from djamon_desktop.core.certs import CertFacts, expiring, expiry_of, expiry_words, notice
from djamon_desktop.core.probe import Session, probe
from djamon_desktop.core.settings import default_settings, merge_settings
from djamon_desktop.core.settings_value import Settings
from djamon_desktop.core.status import OpenOutage, SiteAtGlance, overview

from ..certs import in_days, leaf_context, trust
from ..servers import ForwardProxy, MisbehavingServer

NOW = datetime(2026, 11, 17, 9, 30, tzinfo=UTC)


def check(url: str, timeout: float = 3.0):
    return asyncio.run(probe(Session(), url, timeout))


# -- reading and judging --------------------------------------------------------------------------


def test_not_after_is_read_as_utc():
    assert expiry_of({"notAfter": "Dec  1 00:00:00 2026 GMT"}) == datetime(2026, 12, 1, tzinfo=UTC)
    assert expiry_of({"notAfter": "Feb 29 23:59:59 2028 GMT"}) == datetime(
        2028, 2, 29, 23, 59, 59, tzinfo=UTC
    )
    assert expiry_of({}) is None
    assert expiry_of(None) is None
    assert expiry_of({"notAfter": "whenever"}) is None


def test_a_warning_is_due_within_the_days_and_never_when_off():
    assert expiring(NOW + timedelta(days=5), 14, NOW)
    assert expiring(NOW + timedelta(days=14), 14, NOW)
    assert not expiring(NOW + timedelta(days=14, seconds=1), 14, NOW)
    assert not expiring(NOW + timedelta(days=60), 14, NOW)
    assert expiring(NOW - timedelta(days=1), 14, NOW)  # expired: still worth saying
    assert not expiring(NOW + timedelta(days=5), 0, NOW)  # 0 turns it off
    assert not expiring(None, 14, NOW)


def test_notice_and_words():
    assert notice(datetime(2026, 12, 1, tzinfo=UTC)) == (
        "certificate expires 2026-12-01T00:00:00+00:00"
    )
    assert expiry_words(NOW + timedelta(days=5, hours=1), NOW) == "expires in 5 days"
    assert expiry_words(NOW + timedelta(days=4, hours=23), NOW) == "expires in 5 days"
    assert expiry_words(NOW + timedelta(days=1, hours=1), NOW) == "expires in 1 day"
    assert expiry_words(NOW + timedelta(hours=3), NOW) == "expires within a day"
    assert expiry_words(NOW - timedelta(hours=3), NOW) == "has expired"


# -- the check notes it ---------------------------------------------------------------------------


def test_an_https_check_notes_its_certificates_expiry(cert_site):
    soon, later = cert_site(5), cert_site(60)
    result = check(soon.url())
    assert (result.status_code, result.error) == (200, None)
    assert result.cert_expires_at == soon.not_after
    assert check(later.url("/status/503")).cert_expires_at == later.not_after
    # HEAD refused, then GET: the second handshake's certificate
    assert check(later.url("/nohead/200")).cert_expires_at == later.not_after


def test_one_connection_a_check(cert_site):
    site = cert_site(5)
    before = len(site.server.seen)
    check(site.url())
    assert len(site.server.seen) == before + 1  # the expiry cost no second connection


def test_http_and_failures_see_no_certificate(cert_site, server):
    site = cert_site(5)
    assert check(server.url("/status/200")).cert_expires_at is None
    hung = check(site.url("/hang"), timeout=0.5)
    assert (hung.error, hung.cert_expires_at) == ("timeout", None)


def test_through_a_proxys_tunnel_too(cert_site, monkeypatch):
    site = cert_site(5)
    proxy = ForwardProxy().start()
    try:
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        result = check(site.url())
        assert proxy.seen[-1].method == "CONNECT"
        assert result.status_code == 200 and result.cert_expires_at == site.not_after
    finally:
        proxy.stop()


def test_an_expired_certificate_fails_with_tls_as_before(ca, tmp_path, monkeypatch):
    trust(ca, tmp_path, monkeypatch)
    expired = MisbehavingServer(tls=leaf_context(ca, in_days(-2))).start()
    try:
        result = check(expired.url("/status/200"))
        assert (result.status_code, result.error, result.cert_expires_at) == (None, "tls", None)
        assert "expired" in result.detail
    finally:
        expired.stop()


# -- the alert's words ----------------------------------------------------------------------------


def facts(url="https://shop.example/health", days=5.0) -> CertFacts:
    return CertFacts(7, "Shop", "Production", url, NOW + timedelta(days=days), NOW)


def test_the_alert_names_the_site_its_url_without_password_and_the_date():
    subject, body = cert_email(facts("https://ops:hunter2@shop.example/health"))
    assert subject == "[djamon] CERTIFICATE: Shop expires in 5 days (2026-11-22)"
    assert "The TLS certificate of Shop (group Production) expires in 5 days" in body
    assert "https://ops:***@shop.example/health" in body and "hunter2" not in body
    assert "2026-11-22T09:30:00+00:00" in body
    post = cert_post(facts("https://ops:hunter2@shop.example/" + "x" * 300))
    assert post_length(post) <= 280 and post.endswith(" (2026-11-22).") and "hunter2" not in post


def test_one_text_a_channel_enabled():
    on = {"email": {"enabled": True}, "twitter": {"enabled": True}, "notify_recovery": False}
    settings = Settings.from_dict(merge_settings(default_settings(), on))
    texts = AlertPolicy.from_settings(settings).texts(facts())
    assert [t.channel for t in texts] == ["email", "twitter"]
    assert texts[0].subject.startswith("[djamon] CERTIFICATE: Shop")
    assert texts[1].subject == "" and "Shop" in texts[1].body
    off = dataclasses.replace(settings, email_enabled=False, twitter_enabled=False)
    assert AlertPolicy.from_settings(off).texts(facts()) == []


# -- the tray's words -----------------------------------------------------------------------------


def test_the_tray_says_which_certificate_expires_and_keeps_its_colour():
    local = (NOW + timedelta(days=5)).astimezone().strftime("%Y-%m-%d")
    shop = SiteAtGlance("Shop", True, "up", 0, NOW + timedelta(days=5))
    blog = SiteAtGlance("Blog", True, "up", 0)
    ov = overview([shop, blog], None, True)
    assert ov.state == "up"
    assert ov.text == f"All 2 sites up; certificate of Shop expires {local}"
    db = SiteAtGlance("DB", True, "up", 0, NOW + timedelta(days=2))
    more = overview([shop, blog, db], None, True).text
    assert more.endswith(
        "2 certificates expire soon (DB and Shop; the first "
        f"{(NOW + timedelta(days=2)).astimezone():%Y-%m-%d})"
    )
    outage = OpenOutage("K3X9QF2A", NOW, ["Blog"])
    down = overview([shop, SiteAtGlance("Blog", True, "down", 3)], outage, True)
    assert down.state == "down" and down.text.endswith(f"; certificate of Shop expires {local}")
    assert overview([blog], None, True).text == "Blog is up (the only active site)"
    inactive = SiteAtGlance("Shop", False, "up", 0, NOW + timedelta(days=5))
    assert "certificate" not in overview([inactive, blog], None, True).text
