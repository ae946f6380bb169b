"""Draining the outbox: every queued alert is tried, each failure is kept with its reason and
tried again at the next round, and a delivered alert is never sent again."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from .. import secrets
from . import CHANNELS, channels

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


class Outbox(Protocol):
    """Where alerts wait: ``djamon_desktop.store.outbox`` (passed in, so alerts/ needs no store)."""

    def claim_next(
        self, now: datetime, skip: Iterable[int], channels: Sequence[str]
    ) -> Job | None: ...

    def mark_delivered(self, alert_id: int, now: datetime) -> None: ...

    def mark_failed(self, alert_id: int, error: str) -> None: ...


def _send(settings: dict[str, Any], job: Job) -> str:
    if job.channel == "email":
        return channels.send_email(settings["email"], job.subject, job.body)
    return channels.post_on_x(job.body)


def deliver_pending(
    settings: dict[str, Any],
    outbox: Outbox,
    clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    budget_s: float = BUDGET_S,
) -> list[Delivery]:
    """Try every queued alert of the enabled channels once, oldest first."""
    enabled = [c for c in CHANNELS if settings[c].get("enabled")]
    if not enabled:
        return []
    started = time.monotonic()
    tried: list[int] = []
    done: list[Delivery] = []
    while time.monotonic() - started < budget_s:
        job = outbox.claim_next(clock(), tried, enabled)
        if job is None:
            break
        tried.append(job.id)
        try:
            what = _send(settings, job)
        except Exception as exc:  # a channel's failure must never lose the alert
            if isinstance(exc, channels.DeliveryError):
                reason = secrets.redact(exc.reason)
            else:
                log.exception("unexpected error while sending")
                reason = f"unexpected error: {type(exc).__name__}"
            outbox.mark_failed(job.id, reason)
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


def send_test(settings: dict[str, Any], channel: str) -> str:
    """Send one test message now through ``channel``; DeliveryError says why not."""
    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S %Z")
    if channel == "email":
        return channels.send_email(
            settings["email"],
            "[djamon] Test message",
            f"This is a test message from djamon-desktop, sent at {stamp}.\n"
            "When a site goes down, alerts will come the same way.\n",
        )
    return channels.post_on_x(f"Test message from djamon-desktop, sent at {stamp}.")
