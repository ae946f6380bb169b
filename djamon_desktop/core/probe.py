"""One HTTP check, with a hard deadline for the whole answer, and many of them at once.

A check sends ``HEAD`` (retried once as ``GET`` on 405 or 501, the body never read) and waits for
the status line and headers. The deadline covers everything from the first request's start:
name lookup, connecting, TLS, the retry, and reading a head that a server drips one byte at a
time. It is enforced by cancelling the whole exchange (``asyncio.timeout``), not by per-read
socket timeouts, which a dripping server would stretch without end.

HTTP/1.1 framing is h11's. Proxies are chosen from the environment exactly as requests chooses
them (``HTTP_PROXY``, ``HTTPS_PROXY``, ``NO_PROXY``); certificates are verified against the same
bundle requests uses (certifi, or ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import os
import queue
import random
import socket
import ssl
import string
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit, urlunsplit

import h11

from .. import __version__

ErrorKind = Literal["timeout", "dns", "connection", "tls", "protocol"]
ERROR_KINDS: tuple[str, ...] = ("timeout", "dns", "connection", "tls", "protocol")

USER_AGENT = f"djamon-desktop/{__version__}"
CB_ALPHABET = string.ascii_lowercase + string.digits
MAX_HEAD_BYTES = 64 * 1024


@dataclass(frozen=True)
class ProbeResult:
    """What one check saw: a status code, or the kind of error, and how long it took."""

    status_code: int | None
    error: str | None
    elapsed_ms: float
    detail: str = ""

    def is_good(self, good_codes: Sequence[int]) -> bool:
        return self.error is None and self.status_code in good_codes


class _NotHttp(Exception):
    """The peer answered with something that is not HTTP."""


class _ClosedEarly(ConnectionError):
    """The peer closed the connection before any answer."""


def cache_busted(url: str, rng: random.Random | None = None) -> str:
    """The URL to request: ``cb=`` and 8 random characters added when it has no query string."""
    parts = urlsplit(url)
    path = parts.path or "/"
    query = parts.query
    if not query:
        pick = (rng or _rng).choices
        query = "cb=" + "".join(pick(CB_ALPHABET, k=8))
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


_rng = random.SystemRandom()


def proxy_for(url: str) -> str | None:
    """The proxy requests would use for this URL, honouring NO_PROXY; None for a direct line."""
    from requests.utils import get_environ_proxies, select_proxy

    return select_proxy(url, get_environ_proxies(url))


def tls_context() -> ssl.SSLContext:
    """A verifying client context built once per round (loading a CA bundle takes a while)."""
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


# -- name lookup on daemon threads ---------------------------------------------------------------
# getaddrinfo can't be cancelled. asyncio's default executor would make the round (and the
# process, at exit) wait for a resolver that hangs; these daemon workers are simply left behind.


class _Resolver:
    WORKERS = 16

    def __init__(self) -> None:
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._started = False
        self._lock = threading.Lock()

    def _start(self) -> None:
        with self._lock:
            if self._started:
                return
            for n in range(self.WORKERS):
                threading.Thread(target=self._work, name=f"djamon-dns-{n}", daemon=True).start()
            self._started = True

    def _work(self) -> None:
        while True:
            host, port, loop, future = self._jobs.get()
            try:
                infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
                outcome: tuple[bool, object] = (True, infos)
            except Exception as exc:  # handed to the waiting coroutine as it is
                outcome = (False, exc)
            # RuntimeError: that round's loop is closed, so nobody waits any more
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, future, outcome)

    def lookup(self, host: str, port: int) -> asyncio.Future:
        self._start()
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        self._jobs.put((host, port, loop, future))
        return future


def _settle(future: asyncio.Future, outcome: tuple[bool, object]) -> None:
    if future.done():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)  # type: ignore[arg-type]


_resolver = _Resolver()


class Session:
    """What the checks of one round share: the TLS context and the name lookups."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.tls = tls or tls_context()
        self._lookups: dict[tuple[str, int], asyncio.Future] = {}

    async def addresses(self, host: str, port: int) -> list[str]:
        try:
            ipaddress.ip_address(host)
            return [host]
        except ValueError:
            pass
        key = (host, port)
        future = self._lookups.get(key)
        if future is None:
            future = self._lookups[key] = _resolver.lookup(host, port)
        infos = await asyncio.shield(future)
        seen: list[str] = []
        for _family, _type, _proto, _name, sockaddr in infos:
            if sockaddr[0] not in seen:
                seen.append(sockaddr[0])
        return seen


async def _connect(
    session: Session, host: str, port: int, tls_host: str | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    last: OSError | None = None
    for address in await session.addresses(host, port):
        try:
            return await asyncio.open_connection(
                address,
                port,
                ssl=session.tls if tls_host else None,
                server_hostname=tls_host,
                limit=MAX_HEAD_BYTES,
            )
        except ssl.SSLError:
            raise
        except OSError as exc:
            last = exc
    raise last or ConnectionError(f"no address for {host}")


def _host_header(host: str, port: int, default_port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port == default_port else f"{shown}:{port}"


async def _read_head(conn: h11.Connection, reader: asyncio.StreamReader) -> h11.Response:
    received = 0
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError as exc:
            if received == 0:
                raise _ClosedEarly("closed before answering") from None
            raise _NotHttp(str(exc)) from None
        if event is h11.NEED_DATA:
            chunk = await reader.read(16384)
            received += len(chunk)
            conn.receive_data(chunk)
            continue
        if isinstance(event, h11.Response):
            return event
        if isinstance(event, h11.InformationalResponse):
            continue  # 100 Continue and friends come before the real answer
        if isinstance(event, h11.ConnectionClosed):
            raise _ClosedEarly("closed before answering")
        raise _NotHttp(f"unexpected {type(event).__name__}")


def _new_h11() -> h11.Connection:
    return h11.Connection(h11.CLIENT, max_incomplete_event_size=MAX_HEAD_BYTES)


async def _exchange(session: Session, method: str, url: str, proxy: str | None) -> int:
    """Send one request and return the status code of the answer's head."""
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    default_port = 443 if secure else 80
    host = parts.hostname or ""
    port = parts.port or default_port
    target = urlunsplit(("", "", parts.path or "/", parts.query, ""))
    headers = [
        ("Host", _host_header(host, port, default_port)),
        ("User-Agent", USER_AGENT),
        ("Accept", "*/*"),
        ("Cache-Control", "no-cache"),
        ("Connection", "close"),
    ]
    if proxy:
        p = urlsplit(proxy if "://" in proxy else "http://" + proxy)
        if p.scheme != "http":
            raise ConnectionError(f"proxy scheme {p.scheme!r} is not supported (use http://)")
        auth: list[tuple[str, str]] = []
        if p.username is not None:
            token = f"{unquote(p.username)}:{unquote(p.password or '')}".encode()
            auth = [("Proxy-Authorization", "Basic " + base64.b64encode(token).decode())]
        reader, writer = await _connect(session, p.hostname or "", p.port or 80, None)
        if secure:
            tunnel = _new_h11()
            authority = _host_header(host, port, 0)
            writer.write(
                tunnel.send(
                    h11.Request(
                        method="CONNECT",
                        target=authority,
                        headers=[("Host", authority), ("User-Agent", USER_AGENT), *auth],
                    )
                )
            )
            answer = await _read_head(tunnel, reader)
            if not 200 <= answer.status_code < 300:
                writer.transport.abort()
                raise ConnectionError(f"proxy refused the tunnel with {answer.status_code}")
            await writer.start_tls(session.tls, server_hostname=host)
        else:
            target = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
            headers += auth
    else:
        reader, writer = await _connect(session, host, port, host if secure else None)
    try:
        conn = _new_h11()
        writer.write(conn.send(h11.Request(method=method, target=target, headers=headers)))
        writer.write(conn.send(h11.EndOfMessage()))
        return (await _read_head(conn, reader)).status_code
    finally:
        writer.transport.abort()  # the body (of a GET) is never read; no lingering close


def _classify(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, TimeoutError):
        return "timeout", "no complete answer before the deadline"
    if isinstance(exc, socket.gaierror):
        return "dns", f"name lookup failed: {exc.strerror or exc}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "tls", f"certificate not trusted: {exc.verify_message or exc.reason}"
    if isinstance(exc, ssl.SSLError):
        return "tls", f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, _NotHttp):
        return "protocol", f"the answer is not HTTP: {exc}"
    if isinstance(exc, h11.LocalProtocolError):
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
) -> ProbeResult:
    """Check one URL. Never raises for anything the network or the server does."""
    request_url = cache_bust(url)
    proxy = proxy_for(request_url)
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout):
            status = await _exchange(session, "HEAD", request_url, proxy)
            if status in (405, 501):
                status = await _exchange(session, "GET", request_url, proxy)
    except Exception as exc:  # everything the network or the server can do to us
        kind, detail = _classify(exc)
        return ProbeResult(None, kind, _ms_since(started), detail)
    return ProbeResult(status, None, _ms_since(started))


def _ms_since(started: float) -> float:
    return round((time.perf_counter() - started) * 1000.0, 1)


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
    urls: Sequence[str], timeout: float, session: Session | None = None
) -> list[ProbeResult]:
    """Check every URL concurrently; they start in the order given; results in the same order."""
    session = session or Session()
    gate = asyncio.Semaphore(max_parallel())

    async def one(url: str) -> ProbeResult:
        async with gate:
            return await probe(session, url, timeout)

    return list(await asyncio.gather(*(one(u) for u in urls)))


async def any_good(
    urls: Sequence[str], timeout: float, good_codes: Sequence[int], session: Session | None = None
) -> bool:
    """True as soon as one URL answers with a good code (the connectivity guard)."""
    session = session or Session()
    tasks = [asyncio.ensure_future(probe(session, u, timeout)) for u in urls]
    try:
        for next_done in asyncio.as_completed(tasks):
            if (await next_done).is_good(good_codes):
                return True
        return False
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
