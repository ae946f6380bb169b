"""Certificate expiry on the command line: ``check --json`` results and ``sites --json`` carry
``cert_expires_at``, and a certificate due a warning is a notice; real HTTPS servers on loopback
with certificates expiring in 5 and 60 days."""

from __future__ import annotations

import pytest

from ..certs import iso
from ..conftest import document, group, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")


def by_title(items):
    return {item["title"]: item for item in items}


def test_check_and_sites_give_the_expiry_and_the_notice(cert_site, server, load, run):
    soon, later = cert_site(5), cert_site(60)
    load(
        document(
            group(
                "Production",
                site("Shop", soon.url()),
                site("Docs", later.url()),
                site("Blog", server.url("/status/200")),
            )
        )
    )
    result = run("check", "--json")
    assert result.code == 0, result.out
    checked = by_title(result.json()["results"])
    assert checked["Shop"]["cert_expires_at"] == iso(soon.not_after)
    assert checked["Docs"]["cert_expires_at"] == iso(later.not_after)
    assert checked["Blog"]["cert_expires_at"] is None  # http
    assert checked["Shop"]["ok"] is True and checked["Shop"]["state"] == "up"

    sites = by_title(run("sites", "--json").json())
    assert sites["Shop"]["cert_expires_at"] == iso(soon.not_after)
    assert sites["Shop"]["notices"] == [f"certificate expires {iso(soon.not_after)}"]
    assert sites["Docs"]["cert_expires_at"] == iso(later.not_after)
    assert sites["Docs"]["notices"] == []
    assert sites["Blog"]["cert_expires_at"] is None and sites["Blog"]["notices"] == []
    # a warning, not a failure: no strike
    assert (sites["Shop"]["state"], sites["Shop"]["down_count"]) == ("up", 0)

    text = run("sites").out
    assert "Production / Shop: certificate expires in 5 days" in text
    assert "Docs: certificate" not in text


def test_the_warning_days_decide_and_0_turns_it_off(cert_site, load, run):
    soon = cert_site(5)
    load(document(group("G", site("Shop", soon.url())), cert_warning_days=4))
    run("check")
    assert by_title(run("sites", "--json").json())["Shop"]["notices"] == []
    load(document(group("G", site("Shop", soon.url())), cert_warning_days=6))
    assert by_title(run("sites", "--json").json())["Shop"]["notices"] != []
    load(document(group("G", site("Shop", soon.url())), cert_warning_days=0))
    shop = by_title(run("sites", "--json").json())["Shop"]
    assert shop["notices"] == [] and shop["cert_expires_at"] == iso(soon.not_after)
    assert "certificate" not in run("check").out


def test_a_failed_check_keeps_the_last_certificate_seen(cert_site, load, run):
    """A check that got no answer saw no certificate (null in its result), but the site still
    has the one it had: the warning doesn't come and go with a site's bad minutes."""
    soon = cert_site(5)
    load(document(group("G", site("Shop", soon.url()))))
    run("check")
    load(document(group("G", site("Shop", soon.url("/hang"))), timeout_seconds=0.5))
    result = run("check", "--json")
    shop = result.json()["results"][0]
    assert (shop["error"], shop["cert_expires_at"]) == ("timeout", None)
    listed = by_title(run("sites", "--json").json())["Shop"]
    assert listed["cert_expires_at"] == iso(soon.not_after) and listed["notices"] != []


def test_a_site_moved_to_http_has_no_certificate(cert_site, server, load, run):
    soon = cert_site(5)
    load(document(group("G", site("Shop", soon.url()))))
    run("check")
    load(document(group("G", site("Shop", server.url("/status/200")))))
    shop = by_title(run("sites", "--json").json())["Shop"]
    assert shop["cert_expires_at"] is None and shop["notices"] == []  # before its next check
    run("check")
    assert by_title(run("sites", "--json").json())["Shop"]["cert_expires_at"] is None


def test_an_expired_certificate_fails_with_tls(ca, tmp_path, monkeypatch, load, run):
    from ..certs import CertSite, in_days, trust

    trust(ca, tmp_path, monkeypatch)
    expired = CertSite(ca, in_days(-1))
    try:
        load(document(group("G", site("Shop", expired.url())), strikes=2))
        result = run("check", "--json")
        assert result.code == 1
        shop = result.json()["results"][0]
        assert (shop["error"], shop["cert_expires_at"], shop["down_count"]) == ("tls", None, 1)
    finally:
        expired.stop()
