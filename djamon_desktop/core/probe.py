"""One HTTP check, with a hard deadline for the whole answer (many at once: :mod:`.parallel`).

A check sends ``HEAD`` (retried once as ``GET`` on 405 or 501, the body never read) and waits for
the status line and headers. A site whose ``expect`` judges the body (text, absent, json) is
checked with one ``GET`` instead, whose body is read (:mod:`.bodies`) when its status is good,
and judged (:mod:`.conditions`). The deadline covers everything from the check's own start,
when its first request starts: name lookup, connecting, TLS, the retry, and reading a head (or
a body) that a server drips one byte at a time. It is enforced by cancelling the whole exchange
(``asyncio.timeout_at``), not by per-read socket timeouts, which a dripping server would stretch
without end.

A round (:mod:`.parallel`) keeps its connections polite (:mod:`.polite`: a cap to each server,
adapting to how it answers, and one overall), so some checks wait for their turn; a check's
deadline counts from when it starts, not from the round's start, so waiting never costs it
time. A check that could not start within the timeout of the round's start (a queue too long
for one server, a machine too busy to get round to it) is not tried: it is ``busy``, which
counts no strike. So a round ends within the timeout when its checks could all start at once,
and within twice it at worst.

A ``tcp://HOST:PORT`` site's check only opens a connection (nothing is sent) within the
deadline: up then, with no status code.

How a URL is sent is in :mod:`.wire`, how names are looked up in :mod:`.names`, how a
connection is opened (Happy Eyeballs) in :mod:`.connect`, how the answer's head is read in
:mod:`.heads`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote, urlsplit

from .. import __version__
from . import names
from .bodies import BadBody, Body, read_body
from .certs import expiry_of
from .conditions import judge
from .connect import Address, interleaved, open_socket, open_stream
from .expect import NOTHING_EXPECTED, Expect
from .heads import NotHttp, read_head, read_status, request
from .wire import (
    BadName,
    Proxies,
    Target,
    ascii_host,
    authority,
    basic,
    cache_busted,
    is_tcp,
    target_of,
    tls_context,
)

ERROR_KINDS: tuple[str, ...] = ("timeout", "dns", "connection", "tls", "protocol")
#: and the kinds a check of this app may also report: a condition of ``expect`` failed
#: (``content``, ``slow``), or the check could not start in time (``busy``: no strike)
CHECK_ERRORS: tuple[str, ...] = (*ERROR_KINDS, "content", "slow", "busy")
_ALL_GOOD: frozenset[int] = frozenset()  # (not used: a check that expects nothing is not judged)

USER_AGENT = f"djamon-desktop/{__version__}"


@dataclass(frozen=True)
class ProbeResult:
    """What one check saw: a status code, or the kind of error, and how long it took; for
    https, when the certificate its handshake presented expires (None when none was seen)."""

    status_code: int | None
    error: str | None
    elapsed_ms: float
    detail: str = ""
    cert_expires_at: datetime | None = None
    codes: tuple[int, ...] | None = None  # the site's own good codes (expect.codes), if any

    def is_good(self, good_codes: Sequence[int]) -> bool:
        """Whether the answer is good: no error, and a good code (the site's own, when its
        ``expect`` names them, else ``good_codes``, the setting). A check with neither error
        nor code is a ``tcp://`` site's whose connection opened: good (an HTTP check without
        an error always has a code), so stored checks are judged by the same rule."""
        if self.error is not None:
            return False
        return self.status_code is None or self.status_code in (self.codes or good_codes)


class Session:
    """What the checks of one round share: the TLS context (built when a check first needs
    it), the proxies the environment names, and the name lookups."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self._tls = tls
        self.proxies = Proxies()
        self._lookups: dict[str, asyncio.Future] = {}
        self._literal: dict[str, list[Address] | None] = {}  # IP addresses (parsing one costs)
        self._addresses: dict[str, list[Address]] = {}  # names, once looked up

    @property
    def tls(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = tls_context()
        return self._tls

    async def addresses(self, host: str) -> list[Address]:
        """``host``'s addresses, each with its family, in the order a check tries them
        (:func:`.connect.interleaved`); an IP address is its own only address."""
        known = self._addresses.get(host)
        if known is not None:
            return known
        if host not in self._literal:
            try:
                version = ipaddress.ip_address(host).version
                self._literal[host] = [
                    (socket.AF_INET6 if version == 6 else socket.AF_INET, (host,))
                ]
            except ValueError:
                self._literal[host] = None
        literal = self._literal[host]
        if literal is not None:
            return literal
        future = self._lookups.get(host)
        if future is None:
            future = self._lookups[host] = names.lookup(host)
        infos = await asyncio.shield(future)  # one check's deadline ends only its own wait
        known = self._addresses.get(host)
        if known is None:
            seen: list[Address] = []
            for family, _type, _proto, _name, sockaddr in infos:
                address = (family, (sockaddr[0], *sockaddr[2:]))
                if family in (socket.AF_INET, socket.AF_INET6) and address not in seen:
                    seen.append(address)
            known = self._addresses[host] = interleaved(seen)
        return known

    async def connect(
        self, host: str, port: int, tls_host: str | None
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Streams to ``host``:``port`` (Happy Eyeballs over its addresses), with TLS for
        ``tls_host`` when it is given."""
        addresses = await self.addresses(host)
        return await open_stream(addresses, port, self.tls if tls_host else None, tls_host)


async def _exchange(
    session: Session,
    method: str,
    to: Target,
    proxy: str | None,
    body_if: Callable[[int], bool] | None = None,
    connected: Callable[[], None] | None = None,
) -> tuple[int, datetime | None, Body | None]:
    """Send one request; return the status code of the answer's head, for https the expiry of
    the certificate the handshake presented (read from it: no extra connection), and the body
    when ``body_if(status)`` says to read it (None: never)."""
    target = to.path
    headers = [
        ("Host", to.authority),
        ("User-Agent", USER_AGENT),
        ("Accept", "*/*"),
        ("Cache-Control", "no-cache"),
        ("Connection", "close"),
    ]
    if body_if is not None:
        headers.append(("Accept-Encoding", "gzip, deflate"))
    if to.authorization:
        headers.append(("Authorization", to.authorization))
    if proxy:
        p = urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if p.scheme != "http":
            raise ConnectionError(f"proxy scheme {p.scheme!r} is not supported (use http://)")
        auth: list[tuple[str, str]] = []
        if p.username is not None:
            auth = [("Proxy-Authorization", basic(unquote(p.username), unquote(p.password or "")))]
        reader, writer = await session.connect(ascii_host(p.hostname or ""), p.port or 80, None)
        if connected is not None:
            connected()
        try:
            if to.secure:
                tunnel = authority(to.host, to.port, 0)
                writer.write(
                    request(
                        "CONNECT", tunnel, [("Host", tunnel), ("User-Agent", USER_AGENT), *auth]
                    )
                )
                answer = await read_status(reader)
                if not 200 <= answer < 300:
                    raise ConnectionError(f"proxy refused the tunnel with {answer}")
                await writer.start_tls(session.tls, server_hostname=to.host)
            else:
                target = to.absolute  # never with the user information
                headers += auth
        except BaseException:
            writer.transport.abort()
            raise
    else:
        reader, writer = await session.connect(to.host, to.port, to.host if to.secure else None)
        if connected is not None:
            connected()
    try:
        # asyncio keeps the handshake's getpeercert() as "peercert" (after a proxy's tunnel too)
        expires = expiry_of(writer.get_extra_info("peercert")) if to.secure else None
        writer.write(request(method, target, headers))
        head = await read_head(reader)
        if body_if is None or not body_if(head.status):
            return head.status, expires, None
        return head.status, expires, await read_body(reader, head, method)
    finally:
        writer.transport.abort()  # a body is read at most in part; no lingering close


def _classify(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, TimeoutError):
        return "timeout", "no complete answer before the deadline"
    if isinstance(exc, socket.gaierror):
        return "dns", f"name lookup failed: {exc.strerror or exc}"
    if isinstance(exc, BadName):
        return "dns", f"name lookup impossible: {exc}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "tls", f"certificate not trusted: {exc.verify_message or exc.reason}"
    if isinstance(exc, ssl.SSLError):
        return "tls", f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, NotHttp):
        return "protocol", f"the answer is not HTTP: {exc}"
    if isinstance(exc, BadBody):
        return "content", str(exc)
    if isinstance(exc, UnicodeError):
        return "protocol", f"the request could not be made: {exc}"
    if isinstance(exc, ConnectionRefusedError):
        return "connection", "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection", "connection reset before an answer"
    if isinstance(exc, OSError):
        return "connection", str(exc.strerror or exc) or type(exc).__name__
    return "connection", str(exc) or type(exc).__name__


async def probe(
    session: Session,
    url: str,
    timeout: float,
    *,
    cache_bust: Callable[[str], str] = cache_busted,
    expect: Expect = NOTHING_EXPECTED,
    good_codes: Sequence[int] | None = None,
    connected: Callable[[], None] | None = None,
) -> ProbeResult:
    """Check one URL. Never raises for anything the network or the server does.

    ``connected()`` is called when its connection opened (to the server, or to its proxy),
    before anything is sent: a round tells a server slow to take connections (its accept queue
    full) from one slow to answer.

    ``expect``: the site's conditions; they are judged only when the status code is good (the
    site's own ``codes``, else ``good_codes``, the setting; with neither, 200-399): a bad code
    fails as always, with no error and the code.

    Its deadline, and the time it reports, count from now, its first request: a site's time
    and its chance of an answer do not depend on its place in the round."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    deadline = began + timeout
    codes = expect.codes
    good = _ALL_GOOD if expect.empty else frozenset(codes or good_codes or range(200, 400))
    try:
        if is_tcp(url):
            to = target_of(url)  # no cache breaker, no proxy: nothing is sent
            async with asyncio.timeout_at(deadline):
                opened = await open_socket(await session.addresses(to.host), to.port)
            opened.close()
            if connected is not None:
                connected()
            return ProbeResult(None, None, _ms_since(loop, began))
        to = target_of(cache_bust(url))
        proxy = session.proxies.for_url(to.absolute)
        async with asyncio.timeout_at(deadline):
            if expect.reads_body:
                judged = good.__contains__
                status, expires, body = await _exchange(
                    session, "GET", to, proxy, judged, connected
                )
            else:
                status, expires, body = await _exchange(session, "HEAD", to, proxy, None, connected)
                if status in (405, 501):
                    status, expires, body = await _exchange(session, "GET", to, proxy)
    except Exception as exc:  # everything the network or the server can do to us
        kind, detail = _classify(exc)
        status = exc.status if isinstance(exc, BadBody) else None  # (content: the code came)
        return ProbeResult(status, kind, _ms_since(loop, began), detail, codes=codes)
    elapsed = _ms_since(loop, began)
    failed = None if expect.empty or status not in good else judge(expect, body, elapsed)
    error, detail = failed or (None, "")
    return ProbeResult(status, error, elapsed, detail, cert_expires_at=expires, codes=codes)


def _ms_since(loop: asyncio.AbstractEventLoop, started: float) -> float:
    return round((loop.time() - started) * 1000.0, 1)


def try_check(
    url: str, expect: Expect, timeout: float, good_codes: Sequence[int] | None = None
) -> ProbeResult:
    """One check of ``url`` as a round would make it, from a thread with no event loop (the
    site editor's "Try it", on a worker thread): blocks for at most about ``timeout``."""

    async def one() -> ProbeResult:
        return await probe(Session(), url, timeout, expect=expect, good_codes=good_codes)

    return asyncio.run(one())
