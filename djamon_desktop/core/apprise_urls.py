"""Apprise URLs as the program handles them without sending: the lines of the keyring's
``apprise_urls``, each URL's fingerprint (what the outbox stores instead of the URL) and the URL as
it may be shown, its secret parts replaced by ``***``. Pure: no apprise, no keyring.

An Apprise URL carries its tokens in any of its parts (``slack://TokenA/TokenB/TokenC``,
``tgram://bottoken/chat``, ``ntfy://topic``, ``json://user:password@host/path``), so only what is
safe by its shape is shown: the scheme, and the host (with its port) when it is a host name with
a dot, an IP address or ``localhost``. The user information, the path, the query and any other
host are hidden: ``json://***@127.0.0.1:8000/…``, ``slack://***``.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import unquote

from .urls import HIDDEN

NAME = "apprise_urls"  # the keyring entry
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_TOP = re.compile(r"^[a-z]{2,63}$")
_SPLIT = re.compile(r"[/?#&=;,:@+ ]")


def url_lines(text: str) -> list[tuple[int, str]]:
    """The URLs of ``text``, one a line, with their line numbers (from 1); blank lines and lines
    starting with ``#`` are skipped."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        url = line.strip()
        if url and not url.startswith("#"):
            out.append((number, url))
    return out


def urls_of(text: str | None) -> list[str]:
    """The URLs of the keyring's value (``None``: not set)."""
    return [url for _, url in url_lines(text or "")]


def fingerprint(url: str) -> str:
    """What stands for the URL in the database: 16 hex digits of its SHA-256."""
    return hashlib.sha256(url.strip().encode("utf-8")).hexdigest()[:16]


def _parts(url: str) -> tuple[str, str, str, str, str]:
    """(scheme, user information, host, port, the rest) of ``url``, as written."""
    scheme, sep, rest = url.strip().partition("://")
    if not sep:
        return "", "", "", "", url.strip()
    cut = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    netloc, tail = rest[:cut], rest[cut:]
    userinfo, at, hostport = netloc.rpartition("@")
    if not at:
        userinfo, hostport = "", netloc
    if hostport.startswith("["):  # [IPv6]:port
        host, _, port = hostport[1:].partition("]")
        port = port.removeprefix(":")
    else:
        host, _, port = hostport.partition(":")
    return scheme.lower(), userinfo, host, port, tail


def _safe_host(host: str) -> bool:
    """A host that is no token: a dotted host name, an IP address or localhost."""
    name = host.lower()
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        pass
    labels = name.rstrip(".").split(".")
    return (
        len(labels) >= 2
        and all(_LABEL.match(label) for label in labels)
        and bool(_TOP.match(labels[-1]))
    )


def _shown_host(host: str, port: str) -> str | None:
    if not host or not _safe_host(host):
        return None
    shown = f"[{host}]" if ":" in host else host
    return f"{shown}:{port}" if port.isdigit() else shown


def shown_apprise_url(url: str) -> str:
    """``url`` with its secret parts as ``***``: ``json://***@127.0.0.1:8000/…``,
    ``ntfys://ntfy.example.com/…``, ``slack://***``."""
    scheme, userinfo, host, port, tail = _parts(url)
    if not scheme:
        return HIDDEN
    hostport = _shown_host(host, port)
    if hostport is None:
        return f"{scheme}://{HIDDEN}"
    user = f"{HIDDEN}@" if userinfo else ""
    more = "/…" if tail.strip("/") else ""
    return f"{scheme}://{user}{hostport}{more}"


def place(url: str) -> str:
    """A short name for the URL in a list of deliveries: its host (``127.0.0.1:8000``), or its
    scheme and the start of its fingerprint when the host is a token (``slack 1f3a9c``)."""
    scheme, _, host, port, _ = _parts(url)
    hostport = _shown_host(host, port)
    if hostport is not None:
        return hostport
    return f"{scheme or 'URL'} {fingerprint(url)[:6]}"


def _pieces(url: str) -> set[str]:
    """Every part of ``url`` that :func:`shown_apprise_url` hides, as written and decoded."""
    scheme, userinfo, host, port, tail = _parts(url)
    hidden = [userinfo, tail]
    if _shown_host(host, port) is None:
        hidden += [host, port]
    pieces: set[str] = set()
    for part in hidden:
        for text in (part, unquote(part)):
            pieces.add(text)
            pieces.update(_SPLIT.split(text))
    return {p for p in pieces if len(p) >= 3 and p.strip("/") not in {"", scheme}}


def hide_urls(text: str, urls: Iterable[str]) -> str:
    """``text`` with each of ``urls`` shown as :func:`shown_apprise_url` shows it, and any of
    their secret parts found on their own replaced by ``***`` (for errors and logs)."""
    urls = [u.strip() for u in urls if u.strip()]
    for url in sorted(urls, key=len, reverse=True):
        text = text.replace(url, shown_apprise_url(url))
    pieces = set().union(*(_pieces(u) for u in urls)) if urls else set()
    for piece in sorted(pieces, key=len, reverse=True):
        text = text.replace(piece, HIDDEN)
    return text
