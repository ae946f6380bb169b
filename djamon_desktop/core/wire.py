"""A URL as a check sends it: the cache breaker, the IDNA host, the percent-encoded target, the
credentials as an ``Authorization`` header, the proxy the environment names and the TLS context.

URLs go out as a browser sends them: an internationalised host in its IDNA (``xn--``) form
(UTS #46, as browsers map it), non-ASCII characters of the path and query percent-encoded as
UTF-8, and credentials in the URL as an ``Authorization: Basic`` header, never in a request line.
Proxies are chosen from the environment exactly as requests chooses them (``HTTP_PROXY``,
``HTTPS_PROXY``, ``NO_PROXY``); certificates are verified against the same bundle requests uses
(certifi, or ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``).
"""

from __future__ import annotations

import base64
import os
import random
import ssl
import string
import sys
from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit, urlunsplit

CB_ALPHABET = string.ascii_lowercase + string.digits

# Seeded once from the OS; the breaker only has to differ from one check to the next, and
# drawing from the OS for each of its characters costs more than the rest of a check's start.
_rng = random.Random(random.SystemRandom().getrandbits(64))


def is_tcp(url: str) -> bool:
    """Whether ``url`` is a ``tcp://HOST:PORT`` site's: its check only opens a connection."""
    return url[:6].lower() == "tcp://"


def cache_busted(url: str, rng: random.Random | None = None) -> str:
    """The URL to request: ``cb=`` and 8 random characters added when it has no query string.
    A ``tcp://`` URL is left as it is: nothing is requested, so there is nothing to break."""
    parts = urlsplit(url)
    if parts.scheme == "tcp":
        return url
    path = parts.path or "/"
    query = parts.query
    if not query:
        pick = (rng or _rng).choices
        query = "cb=" + "".join(pick(CB_ALPHABET, k=8))
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


class BadName(Exception):
    """A host name that can't be written in IDNA form, or has an empty label or one over 63
    characters, so it can't be looked up."""


MAX_LABEL = 63  # octets of one label of a DNS name (RFC 1035)


def ascii_host(host: str) -> str:
    """``host`` as it is looked up and sent: IDNA A-labels for non-ASCII labels (UTS #46
    mapping, non-transitional, as browsers do); ASCII labels and IP addresses as they are.
    Raises ValueError (an ``idna.IDNAError``) for a name IDNA can't write. A label's length
    is not judged here (see :func:`label_problem`): such a name is a site one may keep, whose
    check fails as ``dns``, as curl's and browsers' do."""
    if host.isascii():
        return host
    import idna  # only for a non-ASCII name: importing it costs a round's start-up 6 ms

    mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    return ".".join(_a_label(idna, label) for label in mapped.split("."))


def _a_label(idna, label: str) -> str:
    """One label in its A-label form: idna.alabel without its length limit."""
    if label.isascii():
        return label
    idna.check_label(label)
    return "xn--" + label.encode("punycode").decode("ascii")


def label_problem(host: str) -> str | None:
    """What keeps ``host`` (ASCII, as :func:`ascii_host` gives it) from being looked up: an
    empty label (``a..example``, a leading dot) or one over 63 characters. The one empty label
    a fully qualified name ends with (``example.com.``) is fine; so is any IP address."""
    if ":" in host or not host:
        return None  # an IPv6 address (or no host at all: judged elsewhere)
    labels = host.split(".")
    if labels[-1] == "" and len(labels) > 1:
        labels.pop()
    for label in labels:
        if not label:
            return "has an empty label"
        if len(label) > MAX_LABEL:
            return f"has a label of {len(label)} characters (over {MAX_LABEL})"
    return None


# Every printable ASCII character stays as it is (so do existing %XX escapes); anything else,
# non-ASCII above all, goes percent-encoded as UTF-8.
_TARGET_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


def ascii_target(text: str) -> str:
    """A path or query with non-ASCII characters (and spaces, controls) percent-encoded."""
    return quote(text, safe=_TARGET_SAFE)


def authority(host: str, port: int, default_port: int) -> str:
    """``host`` (bracketed when it is an IPv6 address) and the port unless it is the default."""
    shown = f"[{host}]" if ":" in host else host
    return shown if port == default_port else f"{shown}:{port}"


def basic(user: str, password: str) -> str:
    """An ``Authorization`` (or ``Proxy-Authorization``) value for a user and password."""
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")


DEFAULT_PORTS = {"http": 80, "https": 443}  # a tcp:// URL names its port


@dataclass(frozen=True)
class Target:
    """One URL taken apart for sending: ASCII host, port, origin-form target, credentials."""

    scheme: str
    host: str
    port: int
    path: str  # "/path?query", ASCII
    authorization: str | None  # "Basic ...", from the URL's user information

    @property
    def secure(self) -> bool:
        return self.scheme == "https"

    @property
    def default_port(self) -> int:
        return 443 if self.secure else 80

    @property
    def authority(self) -> str:
        """The Host header: host and, when it isn't the scheme's default, port."""
        return authority(self.host, self.port, self.default_port)

    @property
    def absolute(self) -> str:
        """The absolute form a proxy gets, without any user information."""
        return f"{self.scheme}://{self.authority}{self.path}"


def target_of(url: str) -> Target:
    """How ``url`` is sent (for ``tcp://HOST:PORT``: where it connects). Raises BadName for a
    host that can't be looked up: one IDNA can't write, an empty label, a label too long."""
    parts = urlsplit(url)
    raw_host = parts.hostname or ""
    try:
        host = ascii_host(raw_host)
    except ValueError as exc:
        raise BadName(f"{raw_host!r} can't be written as an IDNA host name ({exc})") from None
    problem = label_problem(host)
    if problem:
        raise BadName(f"{host!r} {problem}")
    scheme = parts.scheme.lower()
    port = parts.port or DEFAULT_PORTS.get(scheme, 0)
    path = ascii_target(parts.path or "/")
    if parts.query:
        path += "?" + ascii_target(parts.query)
    authorization = None
    if parts.username or parts.password:
        authorization = basic(unquote(parts.username or ""), unquote(parts.password or ""))
    return Target(scheme, host, port, path, authorization)


class Proxies:
    """The proxy for each URL of one round, as requests would choose it from the environment.

    The environment is read once: when it names no proxy at all, requests would pick none for
    any URL, and nothing more is asked (reading it again costs more than a check's start). When
    it names one, requests decides per scheme and host (``NO_PROXY`` included), once each."""

    def __init__(self) -> None:
        self._named = _proxies_named()
        self._chosen: dict[tuple[str, str], str | None] = {}

    def for_url(self, url: str) -> str | None:
        """The proxy for ``url`` (an absolute URL without user information); None: direct."""
        if not self._named:
            return None
        parts = urlsplit(url)
        key = (parts.scheme, parts.netloc)
        if key not in self._chosen:
            from requests.utils import get_environ_proxies, select_proxy

            self._chosen[key] = select_proxy(url, get_environ_proxies(url))
        return self._chosen[key]


def _proxies_named() -> bool:
    """Whether requests could pick a proxy for any URL. On Linux it reads only ``*_proxy``
    variables (the scan below is a superset of urllib's, so it never says no wrongly); on
    macOS and Windows urllib also reads the system's settings, so it is asked."""
    if sys.platform in ("darwin", "win32"):
        from urllib.request import getproxies

        return bool(getproxies())
    return any(value and name.lower().endswith("_proxy") for name, value in os.environ.items())


def tls_context() -> ssl.SSLContext:
    """A verifying client context, built at most once per round (loading a CA bundle takes a
    while)."""
    bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
    if not bundle:
        import certifi

        bundle = certifi.where()
    if os.path.isdir(bundle):
        context = ssl.create_default_context(capath=bundle)
    else:
        context = ssl.create_default_context(cafile=bundle)
    context.set_alpn_protocols(["http/1.1"])
    return context
