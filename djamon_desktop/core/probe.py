"""One HTTP check, with a hard deadline for the whole answer (many at once: :mod:`.parallel`).

A check sends ``HEAD`` (retried once as ``GET`` on 405 or 501, the body never read) and waits for
the status line and headers. The deadline covers everything from the check's own start, when
its first request starts: name lookup, connecting, TLS, the retry, and reading a head that a
server drips one byte at a time. It is enforced by cancelling the whole exchange
(``asyncio.timeout_at``), not by per-read socket timeouts, which a dripping server would stretch
without end.

A round (:mod:`.parallel`) keeps its connections polite (:mod:`.polite`: a cap to each server,
adapting to how it answers, and one overall), so some checks wait for their turn; a check's
deadline counts from when it starts, not from the round's start, so waiting never costs it
time. A check that could not start within the timeout of the round's start (a queue too long
for one server, a machine too busy to get round to it) is not tried: it is ``busy``, which
counts no strike. So a round ends within the timeout when its checks could all start at once,
and within twice it at worst.

How a URL is sent is in :mod:`.wire`, how names are looked up in :mod:`.names`, how the
answer's head is read in :mod:`.heads`.
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
from .certs import expiry_of
from .expect import Expect
from .heads import MAX_LINE_BYTES, NotHttp, read_status, request
from .wire import (
    BadName,
    Proxies,
    Target,
    ascii_host,
    authority,
    basic,
    cache_busted,
    target_of,
    tls_context,
)

ERROR_KINDS: tuple[str, ...] = ("timeout", "dns", "connection", "tls", "protocol")
#: and the kinds a check of this app may also report: a condition of ``expect`` failed
#: (``content``, ``slow``), or the check could not start in time (``busy``: no strike)
CHECK_ERRORS: tuple[str, ...] = (*ERROR_KINDS, "content", "slow", "busy")
NOTHING_EXPECTED = Expect()

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
        ``expect`` names them, else ``good_codes``, the setting)."""
        return self.error is None and self.status_code in (self.codes or good_codes)


class Session:
    """What the checks of one round share: the TLS context (built when a check first needs
    it), the proxies the environment names, and the name lookups."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self._tls = tls
        self.proxies = Proxies()
        self._lookups: dict[str, asyncio.Future] = {}
        self._literal: dict[str, bool] = {}  # host -> is an IP address (parsing one costs)

    @property
    def tls(self) -> ssl.SSLContext:
        if self._tls is None:
            self._tls = tls_context()
        return self._tls

    async def addresses(self, host: str) -> list[str]:
        literal = self._literal.get(host)
        if literal is None:
            try:
                ipaddress.ip_address(host)
                literal = self._literal[host] = True
            except ValueError:
                literal = self._literal[host] = False
        if literal:
            return [host]
        future = self._lookups.get(host)
        if future is None:
            future = self._lookups[host] = names.lookup(host)
        infos = await asyncio.shield(future)  # one check's deadline ends only its own wait
        seen: list[str] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            if sockaddr[0] not in seen:
                seen.append(sockaddr[0])
        return seen


async def _connect(
    session: Session, host: str, port: int, tls_host: str | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    last: OSError | None = None
    for address in await session.addresses(host):
        try:
            return await asyncio.open_connection(
                address,
                port,
                ssl=session.tls if tls_host else None,
                server_hostname=tls_host,
                limit=MAX_LINE_BYTES,
            )
        except ssl.SSLError:
            raise
        except OSError as exc:
            last = exc
    raise last or ConnectionError(f"no address for {host}")


async def _exchange(
    session: Session, method: str, to: Target, proxy: str | None
) -> tuple[int, datetime | None]:
    """Send one request; return the status code of the answer's head and, for https, the
    expiry of the certificate the handshake presented (read from it: no extra connection)."""
    target = to.path
    headers = [
        ("Host", to.authority),
        ("User-Agent", USER_AGENT),
        ("Accept", "*/*"),
        ("Cache-Control", "no-cache"),
        ("Connection", "close"),
    ]
    if to.authorization:
        headers.append(("Authorization", to.authorization))
    if proxy:
        p = urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if p.scheme != "http":
            raise ConnectionError(f"proxy scheme {p.scheme!r} is not supported (use http://)")
        auth: list[tuple[str, str]] = []
        if p.username is not None:
            auth = [("Proxy-Authorization", basic(unquote(p.username), unquote(p.password or "")))]
        reader, writer = await _connect(session, ascii_host(p.hostname or ""), p.port or 80, None)
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
        reader, writer = await _connect(session, to.host, to.port, to.host if to.secure else None)
    try:
        # asyncio keeps the handshake's getpeercert() as "peercert" (after a proxy's tunnel too)
        expires = expiry_of(writer.get_extra_info("peercert")) if to.secure else None
        writer.write(request(method, target, headers))
        return await read_status(reader), expires
    finally:
        writer.transport.abort()  # the body (of a GET) is never read; no lingering close


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
) -> ProbeResult:
    """Check one URL. Never raises for anything the network or the server does.

    Its deadline, and the time it reports, count from now, its first request: a site's time
    and its chance of an answer do not depend on its place in the round."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    deadline = began + timeout
    try:
        to = target_of(cache_bust(url))
        proxy = session.proxies.for_url(to.absolute)
        async with asyncio.timeout_at(deadline):
            status, expires = await _exchange(session, "HEAD", to, proxy)
            if status in (405, 501):
                status, expires = await _exchange(session, "GET", to, proxy)
    except Exception as exc:  # everything the network or the server can do to us
        kind, detail = _classify(exc)
        return ProbeResult(None, kind, _ms_since(loop, began), detail)
    return ProbeResult(status, None, _ms_since(loop, began), cert_expires_at=expires)


def _ms_since(loop: asyncio.AbstractEventLoop, started: float) -> float:
    return round((loop.time() - started) * 1000.0, 1)
