"""HTTPS sites on loopback whose certificates expire when a test says: leaves of the session's
trustme CA with a chosen ``not_after``, trusted through REQUESTS_CA_BUNDLE (as the other TLS
tests do). A site's certificate can be renewed while it runs (the next handshake gets it)."""

from __future__ import annotations

import contextlib
import ssl
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

import trustme

from .servers import MisbehavingServer


def in_days(days: float) -> datetime:
    """A certificate's notAfter ``days`` from now, to the second (as a certificate keeps it)."""
    return (datetime.now(UTC) + timedelta(days=days)).replace(microsecond=0)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def leaf_context(ca: trustme.CA, not_after: datetime) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost", not_after=not_after).configure_cert(context)
    return context


class CertSite:
    """An HTTPS server (the misbehaving one: /status/NNN, /hang...) with a certificate expiring
    at ``not_after``."""

    def __init__(self, ca: trustme.CA, not_after: datetime) -> None:
        self.ca = ca
        self.not_after = not_after
        self.server = MisbehavingServer(tls=leaf_context(ca, not_after)).start()

    def url(self, path: str = "/status/200", user: str = "") -> str:
        base = self.server.base
        if user:
            base = base.replace("https://", f"https://{user}@")
        return base + path

    def renew(self, not_after: datetime) -> None:
        """A new certificate from now on (what a renewal on the server does)."""
        self.not_after = not_after
        self.server.tls = leaf_context(self.ca, not_after)

    def stop(self) -> None:
        self.server.stop()


def trust(ca: trustme.CA, folder, monkeypatch) -> str:
    """Make the checks trust the session's CA (REQUESTS_CA_BUNDLE); returns the bundle's path."""
    bundle = folder / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    return str(bundle)


@contextlib.contextmanager
def cert_sites(ca: trustme.CA, folder, monkeypatch) -> Iterator[Callable[[float], CertSite]]:
    """``make(days)`` starts an HTTPS site whose certificate expires ``days`` from now, trusted
    by the checks; every one is stopped at the end. The ``cert_site`` fixture (tests/conftest.py)
    wraps it."""
    trust(ca, folder, monkeypatch)
    made: list[CertSite] = []

    def make(days: float) -> CertSite:
        made.append(CertSite(ca, in_days(days)))
        return made[-1]

    try:
        yield make
    finally:
        for site in made:
            site.stop()
