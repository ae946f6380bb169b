"""X posts through tweepy to an HTTPS stand-in for the X API: signature, body, retry, once."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from urllib.parse import quote, unquote

import pytest
from oauthlib.oauth1.rfc5849 import signature

from djamon_desktop.alerts.messages import post_length

from ..conftest import document, group, opened, site
from ..xapi import CREDENTIALS


def oauth_params(header: str) -> dict[str, str]:
    assert header.startswith("OAuth ")
    params = {}
    for part in header[len("OAuth ") :].split(","):
        key, value = part.strip().split("=", 1)
        params[unquote(key)] = unquote(value.strip('"'))
    return params


def assert_signed(posted) -> None:
    """Recompute the HMAC-SHA1 signature from the request as the X API would."""
    params = oauth_params(posted.headers["authorization"])
    assert params["oauth_consumer_key"] == CREDENTIALS["twitter_consumer_key"]
    assert params["oauth_token"] == CREDENTIALS["twitter_access_token"]
    assert params["oauth_signature_method"] == "HMAC-SHA1"
    assert params["oauth_version"] == "1.0"
    given = params.pop("oauth_signature")
    base = signature.signature_base_string(
        "POST",
        signature.base_string_uri("https://api.twitter.com" + posted.path),
        signature.normalize_parameters(list(params.items())),
    )
    key = "&".join(
        quote(CREDENTIALS[n], safe="~")
        for n in ("twitter_consumer_secret", "twitter_access_token_secret")
    )
    digest = hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()
    assert given == base64.b64encode(digest).decode()


def setup(load, server, name, message="Our shop is down; we are on it."):
    load(
        document(
            group(
                "Shop",
                site(
                    "Front page",
                    server.url(f"/switch/{name}"),
                    priority="high",
                    down_message=message,
                ),
            ),
            strikes=1,
            twitter={"enabled": True},
        )
    )


@pytest.mark.usefixtures("engine")
def test_post_is_signed_and_carries_the_down_message_and_code(server, load, run, xapi, name):
    server.switch[name] = 500
    setup(load, server, name)
    result = run("check")
    code = run("outage", "current", "--json").json()["code"]
    assert f"Alert (twitter, outage {code} opened) sent: posted on X" in result.out
    [posted] = xapi.requests
    assert posted.path == "/2/tweets"
    assert posted.headers["content-type"] == "application/json"
    assert json.loads(posted.body) == {"text": f"Our shop is down; we are on it. (outage {code})"}
    assert_signed(posted)
    assert xapi.proxy.seen[-1].method == "CONNECT"
    assert run("outage", code, "--json").json()["notification_sent"] is True


@pytest.mark.usefixtures("engine")
def test_503_stays_queued_then_goes_once(server, load, run, xapi, name):
    xapi.answers = [503]
    server.switch[name] = 500
    setup(load, server, name)
    first = run("check")
    code = run("outage", "current", "--json").json()["code"]
    assert "X is unavailable (503" in first.out
    assert run("outage", code, "--json").json()["notification_sent"] is False
    run("check")
    run("check")
    assert len(xapi.posts) == 1 and len(xapi.requests) == 2
    assert xapi.requests[0].body == xapi.requests[1].body
    server.switch[name] = 200
    run("check")
    run("check")
    texts = [json.loads(p.body)["text"] for p in xapi.posts]
    assert texts[1].startswith("Resolved: Front page is back after ")
    assert texts[1].endswith(f"(outage {code})")
    assert len(xapi.posts) == 2


@pytest.mark.usefixtures("engine")
def test_an_unknown_channel_is_refused_not_posted(server, load, run, xapi, name, data_dir):
    """An alert row on a channel no sender has (written straight into the outbox) goes nowhere,
    X least of all: it stays queued with the reason, while the X alert beside it is posted."""
    from djamon_desktop.store.models import Alert

    server.switch[name] = 500
    setup(load, server, name)
    run("check")
    code = run("outage", "current", "--json").json()["code"]
    assert len(xapi.posts) == 1  # the opening, on X
    with opened(data_dir):
        opening = Alert.get(Alert.channel == "twitter")
        Alert.insert(
            outage=opening.outage_id,
            event="closed",
            channel="sms",
            subject="stray",
            body="A stray alert that must not be posted",
            created_at=opening.created_at,
        ).execute()
    out = run("check").out
    assert len(xapi.posts) == 1 and len(xapi.requests) == 1
    why = "unknown channel 'sms': no way to send it (channels: email, twitter, apprise)"
    assert f"Alert (sms, outage {code} closed) kept queued: {why}" in out
    assert "Alert sms (closed): queued after 1 attempt" in run("outage", code).out
    with opened(data_dir):
        stray = Alert.get(Alert.channel == "sms")
        assert (stray.delivered_at, stray.last_error) == (None, why)


def test_every_channel_has_a_sender_and_no_other_is_guessed():
    from djamon_desktop.alerts import CHANNELS
    from djamon_desktop.alerts.channels import DeliveryError
    from djamon_desktop.alerts.sender import SENDERS, TEST_SENDERS, send_test
    from djamon_desktop.core.settings_value import Settings

    assert tuple(SENDERS) == tuple(TEST_SENDERS) == CHANNELS
    with pytest.raises(DeliveryError, match="unknown channel 'sms': no way to send it"):
        send_test(Settings.defaults(), "sms")


def test_429_stays_queued(server, load, run, xapi, name):
    xapi.answers = [429]
    server.switch[name] = 500
    setup(load, server, name)
    assert "X is limiting requests (429)" in run("check").out
    run("check")
    assert len(xapi.posts) == 1


def test_bad_credentials_name_the_keyring_entries(server, load, run, xapi, name):
    xapi.answers = [401]
    server.switch[name] = 500
    setup(load, server, name)
    out = run("check").out
    assert "X refused the post (401" in out
    for entry in CREDENTIALS:
        assert entry in out
    code = run("outage", "current", "--json").json()["code"]
    assert "Alert twitter (opened): queued after 1 attempt" in run("outage", code).out


def test_long_and_wide_messages_fit_in_280(server, load, run, xapi, name):
    server.switch[name] = 500
    setup(load, server, name, message="障害が発生しています" * 14)  # 140 wide characters
    run("check")
    text = json.loads(xapi.posts[0].body)["text"]
    assert post_length(text) <= 280
    assert text.endswith(")") and "…" in text


def test_missing_credential_is_named(server, load, run, xapi, name):
    from djamon_desktop import secrets

    secrets.delete("twitter_access_token_secret")
    load(document(twitter={"enabled": True}))
    result = run("alert-test", "twitter")
    assert result.code == 2
    assert "keyring entry twitter_access_token_secret is not set" in result.err
    assert xapi.requests == []


def test_alert_test_twitter(run, xapi):
    result = run("alert-test", "twitter")
    assert result.code == 0
    assert result.out.startswith("alert-test twitter: posted on X (post 1001)")
    assert_signed(xapi.requests[0])
