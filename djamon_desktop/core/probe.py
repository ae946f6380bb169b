"""One HTTP check, with a hard deadline for the whole answer, and many of them at once.

A check sends ``HEAD`` (retried once as ``GET`` on 405 or 501, the body never read) and waits for
the status line and headers. A site whose ``expect`` judges the body (text, absent, json) is
checked with one ``GET`` instead, whose body is read (:mod:`.bodies`) when its status is good,
and judged (:mod:`.conditions`). The deadline covers everything from the check's start: name
lookup, connecting, TLS, the retry, and reading a head that a server drips one byte at a time.
It is enforced by cancelling the whole exchange (``asyncio.timeout_at``), not by per-read socket
timeouts, which a dripping server would stretch without end.

All the checks of a round start at the same moment, the round's start, and their deadlines
count from it: the time the event loop takes to open the connections one after another
(0.15-0.35 ms each) never pushes a deadline, or the round's end, later. A check's reported time
counts from its own first request.

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
from .expect import Expect
from .heads import NotHttp, read_head, read_status, request
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
_ALL_GOOD: frozenset[int] = frozenset()  # (not used: a check that expects nothing is not judged)

USER_AGENT = f"djamon-desktop/{__version__}"
START_SLICE = 4  # checks started before the event loop reads what the earlier ones got


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
    started: float | None = None,
    expect: Expect = NOTHING_EXPECTED,
    good_codes: Sequence[int] | None = None,
) -> ProbeResult:
    """Check one URL. Never raises for anything the network or the server does.

    ``expect``: the site's conditions; they are judged only when the status code is good (the
    site's own ``codes``, else ``good_codes``, the setting; with neither, 200-399): a bad code
    fails as always, with no error and the code.

    ``started`` is the event loop's time (``loop.time()``) its round started it, before the
    loop got round to it: its deadline counts from then, so the round ends within the timeout
    of its start. The time it reports counts from its own first request, so a site's time does
    not depend on its place in the list."""
    loop = asyncio.get_running_loop()
    began = loop.time()
    deadline = (began if started is None else min(started, began)) + timeout
    codes = expect.codes
    good = _ALL_GOOD if expect.empty else frozenset(codes or good_codes or range(200, 400))
    try:
        if url[:6].lower() == "tcp://":
            to = target_of(url)  # no cache breaker, no proxy: nothing is sent
            async with asyncio.timeout_at(deadline):
                opened = await open_socket(await session.addresses(to.host), to.port)
            opened.close()
            return ProbeResult(None, None, _ms_since(loop, began))
        to = target_of(cache_bust(url))
        proxy = session.proxies.for_url(to.absolute)
        async with asyncio.timeout_at(deadline):
            if expect.reads_body:
                judged = good.__contains__
                status, expires, body = await _exchange(session, "GET", to, proxy, judged)
            else:
                status, expires, body = await _exchange(session, "HEAD", to, proxy)
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


def max_parallel() -> int:
    """How many checks may hold a socket at once: as many as the open-file limit allows."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY else 65536
        if soft != resource.RLIM_INFINITY and soft < wanted:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
                soft = wanted
            except (ValueError, OSError):
                pass
        limit = soft if soft != resource.RLIM_INFINITY else 65536
    except ImportError:  # not on POSIX
        limit = 512
    return max(16, min(4096, limit - 128))


async def probe_all(
    urls: Sequence[str],
    timeout: float,
    session: Session | None = None,
    *,
    on_result: Callable[[int, ProbeResult], None] | None = None,
    expects: Sequence[Expect] | None = None,
    good_codes: Sequence[int] | None = None,
    round_started: float | None = None,
) -> list[ProbeResult]:
    """Check every URL concurrently; they start in the order given; results in the same order.
    ``expects``: each URL's :class:`Expect` (None: nothing beyond a good code for any), judged
    when the code is good (``good_codes``: the setting; see :func:`probe`).
    ``round_started``: when the round started (the event loop's clock, ``time.monotonic()``;
    default: now), so that the processes sharing a round's checks count from one moment.

    Every check starts now (one that has to wait for a socket, beyond the open-file limit,
    starts when it gets one). ``on_result(index, result)`` is called on the event loop's thread
    as each check ends, so the caller can prepare what it stores while slower checks still wait.
    An exception it raises ends the round (the other checks are cancelled) and reaches the
    caller of ``probe_all``."""
    session = session or Session()
    gate = asyncio.Semaphore(max_parallel())
    loop = asyncio.get_running_loop()
    started = loop.time() if round_started is None else round_started

    async def one(index: int, url: str) -> ProbeResult:
        waited = gate.locked()
        async with gate:
            result = await probe(
                session,
                url,
                timeout,
                started=loop.time() if waited else started,
                expect=expects[index] if expects is not None else NOTHING_EXPECTED,
                good_codes=good_codes,
            )
        if on_result is not None:
            on_result(index, result)
        return result

    tasks: list[asyncio.Future[ProbeResult]] = []
    try:
        for index, url in enumerate(urls):
            tasks.append(asyncio.ensure_future(one(index, url)))
            if len(tasks) % START_SLICE == 0:
                # Let the checks started so far connect and read before the next slice starts,
                # so that an early check's time doesn't include opening all the others'
                # connections (their deadlines count from the round's start all the same).
                await asyncio.sleep(0)
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()


async def any_good(
    urls: Sequence[str], timeout: float, good_codes: Sequence[int], session: Session | None = None
) -> bool:
    """True as soon as one URL answers with a good code (the connectivity guard)."""
    session = session or Session()
    started = asyncio.get_running_loop().time()
    tasks = [asyncio.ensure_future(probe(session, u, timeout, started=started)) for u in urls]
    try:
        for next_done in asyncio.as_completed(tasks):
            if (await next_done).is_good(good_codes):
                return True
        return False
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def try_check(
    url: str, expect: Expect, timeout: float, good_codes: Sequence[int] | None = None
) -> ProbeResult:
    """One check of ``url`` as a round would make it, from a thread with no event loop (the
    site editor's "Try it", on a worker thread): blocks for at most about ``timeout``."""

    async def one() -> ProbeResult:
        return await probe(Session(), url, timeout, expect=expect, good_codes=good_codes)

    return asyncio.run(one())
