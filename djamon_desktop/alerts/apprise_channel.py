"""The Apprise channel: one alert sent to one Apprise URL (Slack, Teams, Discord, Telegram, ntfy,
Gotify, a JSON webhook... one URL syntax for 100+ services, the apprise library's), and the URLs
checked before they are stored.

The URLs come from the keyring's ``apprise_urls`` (one a line) and carry tokens: no URL, and no
part of one, goes into a reason, a log line or the database; they are named as
:func:`~..core.apprise_urls.shown_apprise_url` shows them. Apprise's own log lines may quote a
URL, so they do not reach the program's log: each send collects them (for its own call only) and
keeps the first warning, with the URL's secret parts hidden, as the reason.

apprise loads its 100+ service plugins at first use (about 0.3 s); that happens once, on the
thread that first needs it (never inside a database transaction).
"""

from __future__ import annotations

import logging
import threading
import warnings
from dataclasses import dataclass
from types import ModuleType

from .. import secrets
from ..core.apprise_urls import NAME, fingerprint, hide_urls, shown_apprise_url, url_lines, urls_of
from .channels import SEND_TIMEOUT_S, DeliveryError

log = logging.getLogger(__name__)

#: how an alert's event is flagged to services that show a colour or an icon for it
NOTIFY_TYPES = {
    "opened": "failure",
    "closed": "success",
    "reminder": "failure",
    "cert": "warning",
    "digest": "info",
    "test": "info",
}

_lock = threading.Lock()
_module: ModuleType | None = None


def _apprise() -> ModuleType:
    """The apprise library with every plugin loaded, its log kept out of the program's log."""
    global _module
    with _lock:
        if _module is None:
            import apprise
            from apprise.plugins import N_MGR

            # a plugin (e-mail's PGP support) imports the deprecated imghdr: not ours to fix,
            # and its warning must not stop the channel (a filter for that one message: changing
            # the filters for a while is not safe with other threads about)
            warnings.filterwarnings(
                "ignore", message="'imghdr' is deprecated", category=DeprecationWarning
            )
            N_MGR.load_modules()
            logging.getLogger(apprise.LOGGER_NAME).propagate = False  # it may quote URLs
            _module = apprise
        return _module


def _asset():
    # nothing written to disk: apprise's persistent store (a cache some services keep) in memory
    return _apprise().AppriseAsset(storage_mode="memory")


# -- checking -----------------------------------------------------------------------------------


def url_problem(url: str) -> str | None:
    """Why Apprise can't use ``url`` (secrets hidden), or None."""
    apprise = _apprise()
    if "://" not in url:
        return "not a URL (an Apprise URL looks like service://...)"
    try:
        service = apprise.Apprise.instantiate(url, asset=_asset(), suppress_exceptions=False)
    except Exception as exc:  # a plugin refusing its parts says which part
        detail = hide_urls(str(exc), [url]).strip()
        return f"{shown_apprise_url(url)} is not a usable Apprise URL" + (
            f": {detail}" if detail else ""
        )
    if service is None:
        return f"{shown_apprise_url(url)} is not a URL Apprise recognises"
    return None


def problems(text: str) -> list[str]:
    """Every line of ``text`` Apprise can't use, as ``apprise_urls line N: ...``."""
    lines = url_lines(text)
    if not lines:
        return [f"{NAME}: no URL was given (one Apprise URL a line)"]
    out = []
    for number, url in lines:
        problem = url_problem(url)
        if problem:
            out.append(f"{NAME} line {number}: {problem}")
    return out


# -- the URLs in the keyring ----------------------------------------------------------------------


def stored_urls() -> list[str]:
    """The URLs in the keyring; DeliveryError when there are none or the keyring can't be read.
    May block up to the keyring's timeout: call it on a worker thread."""
    try:
        value = secrets.get(NAME)
    except secrets.SecretStoreError as exc:
        raise DeliveryError(exc.message) from None
    urls = urls_of(value)
    if not urls:
        raise DeliveryError(f"keyring entry {NAME} is not set (djamon-desktop secret set {NAME})")
    return urls


class KeyringUrls:
    """The stored URLs, read from the keyring once, when first needed (a sender's batch)."""

    def __init__(self) -> None:
        self._urls: list[str] | None = None
        self._error: DeliveryError | None = None

    def all(self) -> list[str]:
        if self._error is not None:
            raise self._error
        if self._urls is None:
            try:
                self._urls = stored_urls()
            except DeliveryError as exc:
                self._error = exc
                raise
        return self._urls

    def fingerprints(self) -> list[str]:
        return [fingerprint(url) for url in self.all()]

    def by_fingerprint(self, target: str) -> str:
        for url in self.all():
            if fingerprint(url) == target:
                return url
        raise DeliveryError(
            f"this URL (fingerprint {target}) is no longer in the keyring's {NAME}; "
            "put it back to have the alert sent"
        )


# -- sending --------------------------------------------------------------------------------------


def send(url: str, title: str, body: str, event: str = "test") -> str:
    """Send one message to one URL; a line saying what happened, or DeliveryError with the
    reason (secrets hidden)."""
    apprise = _apprise()
    shown = shown_apprise_url(url)
    notifier = apprise.Apprise(asset=_asset())
    if not notifier.add(url):
        raise DeliveryError(f"{shown} is not a URL Apprise recognises")
    try:
        result = notifier.notify(
            body=body,
            title=title,
            notify_type=NOTIFY_TYPES.get(event, "info"),
            body_format="text",
            timeout=SEND_TIMEOUT_S,
        )
    except Exception as exc:  # a plugin's surprise: its words may quote the URL
        said = hide_urls(str(exc), [url]).strip()
        why = f"{type(exc).__name__}: {said}" if said else type(exc).__name__
        raise DeliveryError(f"{shown}: {why}") from None
    if result:
        return f"sent to {shown}"
    if result.status == apprise.AppriseResultStatus.TIMEOUT:
        raise DeliveryError(f"{shown} did not answer within {SEND_TIMEOUT_S:g} s")
    said = [
        entry.message.strip()
        for entry in result.logs()
        if entry.level in {"WARNING", "ERROR", "CRITICAL"} and entry.message.strip()
    ]
    why = hide_urls(said[0], [url]) if said else "the service did not take the message"
    raise DeliveryError(f"{shown}: {why}")


@dataclass(frozen=True)
class UrlOutcome:
    shown: str  # the URL, secrets hidden
    ok: bool
    what: str  # what happened, in words


def send_each(urls: list[str], title: str, body: str) -> list[UrlOutcome]:
    """Send one message to every URL, one after the other; what happened to each."""
    out = []
    for url in urls:
        try:
            out.append(UrlOutcome(shown_apprise_url(url), True, send(url, title, body)))
        except DeliveryError as exc:
            out.append(UrlOutcome(shown_apprise_url(url), False, exc.reason))
    return out
