"""Apprise alerts through the real apprise library to webhook receivers on loopback (``json://``
and ``form://``): every URL gets each alert once, a URL that fails is retried at later rounds
while the others are not held back, and no URL (nor a part of one) is written anywhere."""

from __future__ import annotations

import pytest

from djamon_desktop import secrets
from djamon_desktop.core.apprise_urls import fingerprint

from ..certs import cert_sites
from ..conftest import checks_at_once, document, group, opened, payments, site
from .webhook import Webhooks

TOKEN = "Tk9sEcReT4x7Qz"  # a path part of the URLs: a token, as Slack's or Discord's are
PASSWORD = "pw-Hunter2-zz"


@pytest.fixture
def hooks():
    receiver = Webhooks().start()
    yield receiver
    receiver.stop()


def setup(load, server, name, strikes=1, **settings):
    load(payments(server, name, strikes=strikes, apprise={"enabled": True}, **settings))


def current_code(run) -> str:
    return run("outage", "current", "--json").json()["code"]


def test_each_url_gets_the_outage_with_the_emails_title_and_body(
    server, load, run, keyring, hooks, name
):
    keyring("apprise_urls", f"{hooks.url('/team')}\n\n{hooks.url('/ops', scheme='form')}\n")
    server.switch[name] = 503
    setup(load, server, name)
    result = run("check")
    code = current_code(run)
    [team] = hooks.delivered("/team")
    [ops] = hooks.delivered("/ops")
    for got in (team, ops):
        assert got["title"] == f"[djamon] DOWN: Payments (outage {code})"
        assert f"Outage {code} started at" in got["message"]
        assert "- Payments (primary), group Production, priority critical" in got["message"]
        assert "Last check: HTTP 503" in got["message"]
        assert got["type"] == "failure"
    port = hooks.port
    assert f"Alert (apprise, outage {code} opened) sent: sent to json://127.0.0.1:{port}/…" in (
        result.out
    )
    assert f"sent to form://127.0.0.1:{port}/…" in result.out
    assert run("outage", code, "--json").json()["notification_sent"] is True

    server.switch[name] = 200
    run("check")
    [_, closing] = hooks.delivered("/team")
    assert closing["title"].startswith("[djamon] RECOVERED: Payments after ")
    assert f"Outage {code} is over: every site is back." in closing["message"]
    assert closing["type"] == "success"
    run("check")
    assert len(hooks.delivered("/team")) == 2 and len(hooks.delivered("/ops")) == 2


def test_markup_in_a_down_message_arrives_as_the_characters_written(
    server, load, run, keyring, hooks, name
):
    """Apprise is handed plain text: a receiver gets the down message as written, neither
    escaped nor taken as markup."""
    message = '<b>down</b> & <a href="file:///etc/passwd">x</a> *bold* _it_'
    keyring("apprise_urls", f"{hooks.url('/team')}\n{hooks.url('/ops', scheme='form')}\n")
    server.switch[name] = 503
    load(payments(server, name, message, strikes=1, apprise={"enabled": True}))
    run("check")
    for got in (*hooks.delivered("/team"), *hooks.delivered("/ops")):
        assert f"  Message: {message}" in got["message"]


@pytest.mark.usefixtures("engine")
def test_a_failing_url_is_retried_at_later_rounds_and_holds_no_other_back(
    server, load, run, keyring, hooks, name
):
    keyring("apprise_urls", f"{hooks.url('/down')}\n{hooks.url('/up')}")
    hooks.status["/down"] = 503
    server.switch[name] = 500
    setup(load, server, name, strikes=1)
    first = run("check")
    code = current_code(run)
    assert len(hooks.delivered("/up")) == 1  # at the first try, beside the failing one
    assert len(hooks.at("/down")) == 1 and hooks.delivered("/down") == []
    port = hooks.port
    assert f"Alert (apprise, outage {code} opened) kept queued: json://127.0.0.1:{port}/…" in (
        first.out
    )
    assert "error=503" in first.out
    text = run("outage", code).out
    assert "Alert apprise (opened): queued after 1 attempt" in text
    assert "Alert apprise (opened): delivered" in text

    run("check")  # still 503: tried again, still kept; the other one is not sent again
    assert len(hooks.at("/down")) == 2 and len(hooks.at("/up")) == 1
    assert "queued after 2 attempts" in run("outage", code).out

    hooks.status["/down"] = 200
    run("check")
    run("check")
    [down] = hooks.delivered("/down")
    assert down["title"] == f"[djamon] DOWN: Payments (outage {code})"
    assert len(hooks.at("/down")) == 3 and len(hooks.delivered("/up")) == 1
    assert run("outage", code, "--json").json()["notification_sent"] is True


@pytest.mark.usefixtures("engine")
def test_each_url_is_its_own_row_named_by_its_fingerprint(
    server, load, run, keyring, hooks, name, data_dir
):
    from djamon_desktop.store.models import Alert

    urls = [hooks.url("/a"), hooks.url("/b")]
    keyring("apprise_urls", "\n".join(urls))
    server.switch[name] = 500
    setup(load, server, name)
    run("check")
    with opened(data_dir):
        rows = list(Alert.select().where(Alert.channel == "apprise").order_by(Alert.id))
    assert [(r.target, r.delivered_at is not None) for r in rows] == [
        ("", True),  # the alert as queued in the round, handed on to ...
        (fingerprint(urls[0]), True),  # ... one delivery per URL
        (fingerprint(urls[1]), True),
    ]


@pytest.mark.usefixtures("engine")
def test_two_senders_at_once_deliver_each_url_once(
    server, load, run, keyring, hooks, name, data_dir
):
    keyring("apprise_urls", f"{hooks.url('/one')}\n{hooks.url('/two', scheme='form')}")
    hooks.status["/one"] = hooks.status["/two"] = 503
    server.switch[name] = 500
    setup(load, server, name)
    run("check")  # the opening alert queued, both receivers away
    hooks.status["/one"] = hooks.status["/two"] = 200
    checks_at_once(data_dir, 3)
    assert len(hooks.delivered("/one")) == 1
    assert len(hooks.delivered("/two")) == 1


def test_no_url_and_no_part_of_one_is_written_anywhere(
    server, load, run, keyring, hooks, name, data_dir, tmp_path
):
    secret_url = hooks.url(f"/hook/{TOKEN}", userinfo=f"bot:{PASSWORD}")
    keyring("apprise_urls", f"{secret_url}\n{hooks.url('/plain')}")
    hooks.status[f"/hook/{TOKEN}"] = 503
    server.switch[name] = 500
    setup(load, server, name)
    outputs = [run("check"), run("check"), run("alert-test", "apprise"), run("secret", "list")]
    outputs.append(run("export", str(tmp_path / "export.json")))
    code = current_code(run)
    outputs += [run("outage", code), run("outage", code, "--json"), run("outages")]
    assert hooks.at(f"/hook/{TOKEN}"), "the secret URL was tried"
    shown = f"json://***@127.0.0.1:{hooks.port}/…"
    assert f"not sent: {shown}: " in outputs[2].err
    texts = [o.out + o.err for o in outputs]
    files = [p for p in data_dir.rglob("*") if p.is_file()] + [tmp_path / "export.json"]
    assert any(p.name.endswith(".log") for p in files)
    texts += [p.read_bytes().decode("latin-1") for p in files]
    for text in texts:
        for secret in (TOKEN, PASSWORD, secret_url):
            assert secret not in text


def test_alert_test_apprise_says_what_happened_to_each_url(run, keyring, hooks):
    keyring("apprise_urls", f"{hooks.url('/fine')}\n{hooks.url(f'/x/{TOKEN}')}")
    hooks.status[f"/x/{TOKEN}"] = 503
    result = run("alert-test", "apprise")
    assert result.code == 2
    port = hooks.port
    assert result.out == f"alert-test apprise: sent to json://127.0.0.1:{port}/…\n"
    assert result.err.splitlines() == [
        "djamon-desktop: alert-test apprise: 1 URL of 2 not sent (1 sent)",
        f"alert-test apprise: not sent: json://127.0.0.1:{port}/…: Failed to send JSON POST "
        "notification: Servers are overloaded., error=503.",
    ]
    [fine] = hooks.delivered("/fine")
    assert fine["title"] == "[djamon] Test message"
    assert "This is a test message from djamon-desktop" in fine["message"]
    assert fine["type"] == "info"
    hooks.status[f"/x/{TOKEN}"] = 200
    again = run("alert-test", "apprise")
    assert again.code == 0 and again.out.count("alert-test apprise: sent to") == 2


def test_alert_test_apprise_without_urls_names_the_keyring_entry(run, keyring):
    result = run("alert-test", "apprise")
    assert result.code == 2
    assert result.err.strip() == (
        "djamon-desktop: alert-test apprise: not sent: keyring entry apprise_urls is not set "
        "(djamon-desktop secret set apprise_urls)"
    )


def test_secret_set_refuses_a_url_apprise_does_not_recognise(run_process, keyring, hooks):
    good = hooks.url("/fine")
    stdin = f"{good}\nfoo://{TOKEN}@example.com/x\nslack://{TOKEN}\n"
    result = run_process("secret", "set", "apprise_urls", stdin=stdin)
    assert result.code == 2
    assert result.err.splitlines() == [
        "djamon-desktop: apprise_urls line 2: foo://***@example.com/… is not a URL Apprise "
        "recognises",
        "apprise_urls line 3: slack://*** is not a usable Apprise URL: An invalid Slack (second) "
        "Token (None) was specified.",
    ]
    assert TOKEN not in result.out + result.err
    assert secrets.get("apprise_urls") is None  # nothing stored
    stored = run_process("secret", "set", "apprise_urls", stdin=f"{good}\n# a comment\n\n")
    assert stored.code == 0, stored.err
    assert secrets.get("apprise_urls") == f"{good}\n# a comment\n"


def test_alerts_wait_for_the_urls_when_the_keyring_has_none(
    server, load, run, keyring, hooks, name
):
    server.switch[name] = 500
    setup(load, server, name)
    first = run("check")
    code = current_code(run)
    assert "kept queued: keyring entry apprise_urls is not set" in first.out
    assert "Alert apprise (opened): queued after 1 attempt" in run("outage", code).out
    keyring("apprise_urls", hooks.url("/late"))
    run("check")
    [late] = hooks.delivered("/late")
    assert code in late["title"]


@pytest.mark.usefixtures("engine")
def test_a_url_taken_out_of_the_keyring_is_kept_with_the_reason(
    server, load, run, keyring, hooks, name
):
    gone = hooks.url("/gone")
    keyring("apprise_urls", f"{gone}\n{hooks.url('/stays')}")
    hooks.status["/gone"] = 503
    server.switch[name] = 500
    setup(load, server, name)
    run("check")
    keyring("apprise_urls", hooks.url("/stays"))
    result = run("check")
    assert f"(fingerprint {fingerprint(gone)}) is no longer in the keyring's apprise_urls" in (
        result.out
    )
    assert len(hooks.at("/gone")) == 1


def test_urls_that_keep_failing_slowly_never_starve_the_others(
    server, load, run, keyring, hooks, name, data_dir
):
    """Sending stops starting new attempts after its budget; the next batch takes the alerts
    tried the fewest times first, so the URL left out gets its turn."""
    import socket

    from djamon_desktop.alerts.sender import deliver_pending
    from djamon_desktop.store import outbox
    from djamon_desktop.store.settings import load_settings

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)  # takes the connection, never answers
    port = silent.getsockname()[1]
    try:
        slow = [f"json://127.0.0.1:{port}/slow{n}?rto=0.5&cto=0.5" for n in (1, 2)]
        server.switch[name] = 500
        setup(load, server, name)
        run("check")  # queued; kept while the keyring has no URL
        keyring("apprise_urls", "\n".join([*slow, hooks.url("/last")]))
        with opened(data_dir):
            settings = load_settings()
            first = deliver_pending(settings, outbox, budget_s=0.8)
            assert first and not any(d.ok for d in first)  # the budget ran out before /last
            assert hooks.at("/last") == []
            for _ in range(3):  # the next batches: the URLs not tried yet go first
                deliver_pending(settings, outbox, budget_s=0.8)
        assert len(hooks.delivered("/last")) == 1
    finally:
        silent.close()


@pytest.mark.usefixtures("engine")
def test_a_certificate_warning_goes_to_every_url_once(
    ca, tmp_path, monkeypatch, load, run, keyring, hooks
):
    with cert_sites(ca, tmp_path, monkeypatch) as make:
        shop = make(5)
        keyring("apprise_urls", f"{hooks.url('/team')}\n{hooks.url('/ops')}")
        hooks.status["/ops"] = 503
        load(
            document(
                group("Production", site("Shop", shop.url("/status/200"))),
                apprise={"enabled": True},
            )
        )
        first = run("check")
        assert "Alert (apprise, certificate of Shop) sent: sent to json://" in first.out
        [team] = hooks.delivered("/team")
        expires = f"{shop.not_after:%Y-%m-%d}"
        assert team["title"] == f"[djamon] CERTIFICATE: Shop expires in 5 days ({expires})"
        assert shop.not_after.isoformat() in team["message"]
        assert team["type"] == "warning"
        hooks.status["/ops"] = 200
        run("check")
        run("check")
        assert len(hooks.delivered("/team")) == 1
        assert len(hooks.delivered("/ops")) == 1


def test_a_url_that_does_not_answer_in_time_fails_and_the_next_one_goes(
    run, keyring, hooks, monkeypatch
):
    import threading
    import time

    from djamon_desktop.alerts import apprise_channel

    monkeypatch.setattr(apprise_channel, "SEND_TIMEOUT_S", 1.0)
    hooks.hold["/silent"] = threading.Event()
    keyring("apprise_urls", f"{hooks.url('/silent')}?rto=20\n{hooks.url('/next')}")
    try:
        started = time.monotonic()
        result = run("alert-test", "apprise")
        # the 1 s send timeout, not the URL's 20 s, ends the silent one: slack for load
        assert time.monotonic() - started < 5
    finally:
        hooks.hold["/silent"].set()
    assert result.code == 2
    port = hooks.port
    assert f"not sent: json://127.0.0.1:{port}/… did not answer within 1 s" in result.err
    assert result.out == f"alert-test apprise: sent to json://127.0.0.1:{port}/…\n"
    assert len(hooks.delivered("/next")) == 1
