"""A site's TLS certificate and when it expires: read from the handshake a check already made,
judged against ``cert_warning_days``, and written as a notice. Pure: no store, alerts or Qt.

A check notes the certificate's ``notAfter`` (:func:`expiry_of`); the round stores it on the
site; a site whose certificate expires within ``cert_warning_days`` of now (:func:`expiring`)
gets a notice (``sites --json``, the dashboard, the tray) and one alert per certificate: the
alert's identity is the site and the expiry, so a renewed certificate is a new one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

from .status import plural


@lru_cache(maxsize=1024)
def _parsed(not_after: str) -> datetime | None:
    import ssl  # here: what only reads the stored expiry (``sites``) needs no ssl

    try:
        return datetime.fromtimestamp(ssl.cert_time_to_seconds(not_after), UTC)
    except (ValueError, OverflowError, OSError):
        return None


def expiry_of(peercert: Mapping[str, Any] | None) -> datetime | None:
    """The ``notAfter`` of a certificate as ``SSLObject.getpeercert()`` gives it (asyncio keeps
    it as the transport's ``peercert``), as an aware UTC datetime; None when there is none.

    Parsing is cached: the sites of one server share a certificate, and a round sees the same
    few dates again and again."""
    if not peercert:
        return None
    not_after = peercert.get("notAfter")
    return _parsed(not_after) if isinstance(not_after, str) else None


def expiring(expires_at: datetime | None, warning_days: int, now: datetime) -> bool:
    """Whether a certificate expiring at ``expires_at`` is due a warning: it expires within
    ``warning_days`` of ``now`` (or has expired). Never when ``warning_days`` is 0 (off) or no
    certificate was seen."""
    if expires_at is None or warning_days <= 0:
        return False
    return expires_at - now <= timedelta(days=warning_days)


def iso(moment: datetime) -> str:
    """A moment as the JSON output and the notices write it: ISO 8601, UTC, to the second."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def notice(expires_at: datetime) -> str:
    """The notice ``sites --json`` lists for an expiring certificate."""
    return f"certificate expires {iso(expires_at)}"


def expiry_words(expires_at: datetime, now: datetime) -> str:
    """When it expires, in words: ``expires in 5 days``, ``expires within a day``,
    ``has expired``."""
    left = expires_at - now
    if left < timedelta(0):
        return "has expired"
    if left < timedelta(days=1):
        return "expires within a day"
    return f"expires in {plural(round(left / timedelta(days=1)), 'day')}"  # to the nearest day


@dataclass(frozen=True)
class CertFacts:
    """What a certificate warning is written from (``alerts.messages``)."""

    site_id: int
    title: str
    group: str
    url: str  # as stored; messages show it with the password hidden
    expires_at: datetime
    seen_at: datetime  # the round that saw it

    @property
    def event(self) -> str:
        return "cert"
