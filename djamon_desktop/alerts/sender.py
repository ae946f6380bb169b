"""Draining the outbox: every queued alert is tried, each failure is kept with its reason and
tried again at the next round, and a delivered alert is never sent again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from .. import secrets
from ..core.clock import Clock, utc_now
from ..core.settings_value import Settings
from . import CHANNELS, apprise_channel, channels

log = logging.getLogger(__name__)

BUDGET_S = 10.0  # no new attempt starts after this long, so sending never holds up checking


@dataclass(frozen=True)
class Delivery:
    alert_id: int
    code: str
    event: str
    channel: str
    ok: bool
    what: str  # what happened, in words
    about: str = ""  # what the alert is about: "outage CODE opened", "certificate of SITE"


class Job(Protocol):
    """One claimed alert, as the outbox hands it out."""

    id: int
    code: str
    event: str
    channel: str
    subject: str
    body: str
    attempts: int
    about: str  # in words: "outage CODE opened", "certificate of SITE" (no outage, code "")
    target: str  # apprise: the URL's fingerprint; '' for one not yet fanned out (and others)
    attachment: bytes | None  # a monthly report's PDF (event "report"), else None
    attachment_name: str | None


class Outbox(Protocol):
    """Where alerts wait: ``djamon_desktop.store.outbox`` (passed in, so alerts/ needs no store)."""

    def claim_next(
        self, now: datetime, skip: Iterable[int], channels: Sequence[str], known: Sequence[str]
    ) -> Job | None: ...

    def mark_delivered(self, alert_id: int, now: datetime) -> None: ...

    def mark_failed(self, alert_id: int, error: str, now: datetime) -> None: ...

    def fan_out(self, alert_id: int, targets: Sequence[str], now: datetime) -> None: ...


def _email(settings: Settings, job: Job, urls: apprise_channel.KeyringUrls) -> str:
    email = settings.part("email")
    if job.event != "report":
        return channels.send_email(email, job.subject, job.body)
    # the monthly report: to its own recipients when set (else the alerts'), its PDF attached
    if settings.monthly_report_to:
        email = {**email, "to": list(settings.monthly_report_to)}
    attached = None
    if job.attachment is not None:
        attached = (job.attachment_name or "djamon-report.pdf", job.attachment)
    return channels.send_email(email, job.subject, job.body, attached)


def _twitter(settings: Settings, job: Job, urls: apprise_channel.KeyringUrls) -> str:
    return channels.post_on_x(job.body)


def _apprise(settings: Settings, job: Job, urls: apprise_channel.KeyringUrls) -> str:
    return apprise_channel.send(urls.by_fingerprint(job.target), job.subject, job.body, job.event)


#: how each channel sends a queued alert; a channel missing here is refused, never guessed at
SENDERS: dict[str, Callable[[Settings, Job, apprise_channel.KeyringUrls], str]] = {
    "email": _email,
    "twitter": _twitter,
    "apprise": _apprise,
}


def unknown_channel(channel: str) -> channels.DeliveryError:
    """The refusal of a channel no sender has (an alert row written by hand, or by a newer
    version): said in words, so the alert stays queued with its reason."""
    return channels.DeliveryError(
        f"unknown channel {channel!r}: no way to send it (channels: {', '.join(CHANNELS)})"
    )


def _send(settings: Settings, job: Job, urls: apprise_channel.KeyringUrls) -> str:
    sender = SENDERS.get(job.channel)
    if sender is None:
        raise unknown_channel(job.channel)
    return sender(settings, job, urls)


def deliver_pending(
    settings: Settings,
    outbox: Outbox,
    clock: Clock = utc_now,
    budget_s: float = BUDGET_S,
) -> list[Delivery]:
    """Try every queued alert of the enabled channels once, oldest first."""
    enabled = [c for c in CHANNELS if settings.enabled(c)]
    if not enabled:
        return []
    started = time.monotonic()
    tried: list[int] = []
    done: list[Delivery] = []
    urls = apprise_channel.KeyringUrls()  # read from the keyring once, if an Apprise alert waits
    while time.monotonic() - started < budget_s:
        job = outbox.claim_next(clock(), tried, enabled, CHANNELS)
        if job is None:
            break
        tried.append(job.id)
        try:
            if job.channel == "apprise" and not job.target:
                # one delivery per URL, each with its own attempts (the next claims take them)
                targets = urls.fingerprints()
                outbox.fan_out(job.id, targets, clock())
                log.info(
                    "alert apprise (%s): one delivery for each of %d URLs", job.about, len(targets)
                )
                continue
            what = _send(settings, job, urls)
        except Exception as exc:  # a channel's failure must never lose the alert
            if isinstance(exc, channels.DeliveryError):
                reason = secrets.redact(exc.reason)
            else:
                log.exception("unexpected error while sending")
                reason = f"unexpected error: {type(exc).__name__}"
            outbox.mark_failed(job.id, reason, clock())
            log.warning(
                "alert %s (%s) not delivered (attempt %d): %s",
                job.channel,
                job.about,
                job.attempts,
                reason,
            )
            done.append(
                Delivery(job.id, job.code, job.event, job.channel, False, reason, job.about)
            )
            continue
        outbox.mark_delivered(job.id, clock())
        log.info("alert %s (%s): %s", job.channel, job.about, what)
        done.append(Delivery(job.id, job.code, job.event, job.channel, True, what, job.about))
    return done


TEST_SUBJECT = "[djamon] Test message"


def _stamp() -> str:
    """Now, local, with the zone: when a test message was sent."""
    return utc_now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")


def _test_body() -> str:
    return (
        f"This is a test message from djamon-desktop, sent at {_stamp()}.\n"
        "When a site goes down, alerts will come the same way.\n"
    )


def _test_email(settings: Settings) -> str:
    return channels.send_email(settings.part("email"), TEST_SUBJECT, _test_body())


def _test_twitter(settings: Settings) -> str:
    return channels.post_on_x(f"Test message from djamon-desktop, sent at {_stamp()}.")


def _test_apprise(settings: Settings) -> str:
    outcomes = send_test_apprise()
    failed = [o for o in outcomes if not o.ok]
    if failed:
        raise channels.DeliveryError("; ".join(o.what for o in failed))
    return "; ".join(o.what for o in outcomes)


#: how each channel sends its test message (the same channels as SENDERS)
TEST_SENDERS: dict[str, Callable[[Settings], str]] = {
    "email": _test_email,
    "twitter": _test_twitter,
    "apprise": _test_apprise,
}


def send_test(settings: Settings, channel: str) -> str:
    """Send one test message now through ``channel``; DeliveryError says why not (an unknown
    channel among the reasons)."""
    sender = TEST_SENDERS.get(channel)
    if sender is None:
        raise unknown_channel(channel)
    return sender(settings)


def send_test_apprise(urls: list[str] | None = None) -> list[apprise_channel.UrlOutcome]:
    """One test message to every Apprise URL (those given, else the keyring's), one after the
    other; what happened to each (secrets hidden). DeliveryError when the keyring has none."""
    if urls is None:
        urls = apprise_channel.stored_urls()
    return apprise_channel.send_each(urls, TEST_SUBJECT, _test_body())
