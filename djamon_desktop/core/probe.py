"""One HTTP check, with a hard deadline for the whole answer, and many of them at once.

A check sends ``HEAD`` (retried once as ``GET`` on 405 or 501, the body never read) and waits for
the status line and headers. The deadline covers everything from the first request's start:
name lookup, connecting, TLS, the retry, and reading a head that a server drips one byte at a
time. It is enforced by cancelling the whole exchange (``asyncio.timeout``), not by per-read
socket timeouts, which a dripping server would stretch without end.

URLs go out as a browser sends them: an internationalised host in its IDNA (``xn--``) form
(UTS #46, as browsers map it), non-ASCII characters of the path and query percent-encoded as
UTF-8, and credentials in the URL as an ``Authorization: Basic`` header, never in a request line.

The answer's head is read here, as leniently as curl reads it: only the status line is
interpreted; header lines are counted, not judged, up to curl's limits (100 KiB a line, 300 KiB
in all). Proxies are chosen from the environment exactly as requests chooses them
(``HTTP_PROXY``, ``HTTPS_PROXY``, ``NO_PROXY``); certificates are verified against the same
bundle requests uses (certifi, or ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import os
import random
import re
import socket
import ssl
import string
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import idna

from .. import __version__

ErrorKind = Literal["timeout", "dns", "connection", "tls", "protocol"]
ERROR_KINDS: tuple[str, ...] = ("timeout", "dns", "connection", "tls", "protocol")

USER_AGENT = f"djamon-desktop/{__version__}"
CB_ALPHABET = string.ascii_lowercase + string.digits
MAX_LINE_BYTES = 100 * 1024  # one header line, as curl allows (CURL_MAX_HTTP_HEADER)
MAX_HEAD_BYTES = 300 * 1024  # the whole head, as curl allows (MAX_HTTP_RESP_HEADER_SIZE)


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


class _BadName(Exception):
    """A host name that can't be written in IDNA form, so it can't be looked up."""


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


# -- the URL as it goes on the wire --------------------------------------------------------------


def ascii_host(host: str) -> str:
    """``host`` as it is looked up and sent: IDNA A-labels for non-ASCII labels (UTS #46
    mapping, non-transitional, as browsers do); ASCII labels and IP addresses as they are.
    Raises ValueError (an ``idna.IDNAError``) for a name IDNA can't write."""
    if host.isascii():
        return host
    mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    return ".".join(
        label if label.isascii() else idna.alabel(label).decode("ascii")
        for label in mapped.split(".")
    )


# Every printable ASCII character stays as it is (so do existing %XX escapes); anything else,
# non-ASCII above all, goes percent-encoded as UTF-8.
_TARGET_SAFE = "".join(chr(c) for c in range(0x21, 0x7F))


def ascii_target(text: str) -> str:
    """A path or query with non-ASCII characters (and spaces, controls) percent-encoded."""
    return quote(text, safe=_TARGET_SAFE)


def _authority(host: str, port: int, default_port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return shown if port == default_port else f"{shown}:{port}"


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
        return _authority(self.host, self.port, self.default_port)

    @property
    def absolute(self) -> str:
        """The absolute form a proxy gets, without any user information."""
        return f"{self.scheme}://{self.authority}{self.path}"


def target_of(url: str) -> Target:
    """How ``url`` is sent. Raises _BadName for a host IDNA can't write."""
    parts = urlsplit(url)
    raw_host = parts.hostname or ""
    try:
        host = ascii_host(raw_host)
    except ValueError as exc:
        raise _BadName(f"{raw_host!r} can't be written as an IDNA host name ({exc})") from None
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    path = ascii_target(parts.path or "/")
    if parts.query:
        path += "?" + ascii_target(parts.query)
    authorization = None
    if parts.username or parts.password:
        pair = f"{unquote(parts.username or '')}:{unquote(parts.password or '')}"
        authorization = "Basic " + base64.b64encode(pair.encode("utf-8")).decode("ascii")
    return Target(scheme, host, port, path, authorization)


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


# -- name lookup, each name on a thread of its own ------------------------------------------------
# getaddrinfo (the system's resolver: /etc/hosts, nsswitch, DNS) can't be cancelled. A pool of a
# few threads lets names that never resolve hold every worker while other names wait in a queue
# past their checks' deadlines. So each name being looked up gets a daemon thread of its own,
# started at once; a check stops waiting at its deadline and the thread is simply left behind
# (a daemon: it never keeps the process from exiting). Lookups of the same name at the same
# time, from this round or an earlier one still waiting, share one thread.


class _Resolver:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._waiting: dict[str, list[tuple[asyncio.AbstractEventLoop, asyncio.Future]]] = {}

    def lookup(self, host: str) -> asyncio.Future:
        loop = asyncio.get_running_loop()
        future = loop.create_future()
        with self._lock:
            waiters = self._waiting.get(host)
            first = waiters is None
            if first:
                waiters = self._waiting[host] = []
            waiters.append((loop, future))
        if first:
            try:
                threading.Thread(
                    target=self._resolve, args=(host,), name="djamon-dns", daemon=True
                ).start()
            except RuntimeError as exc:  # no thread to be had: fail these lookups, not hang
                self._settle_all(host, (False, exc))
        return future

    def _resolve(self, host: str) -> None:
        try:
            outcome: tuple[bool, object] = (
                True,
                socket.getaddrinfo(host, None, type=socket.SOCK_STREAM),
            )
        except Exception as exc:  # handed to the waiting coroutines as it is
            outcome = (False, exc)
        self._settle_all(host, outcome)

    def _settle_all(self, host: str, outcome: tuple[bool, object]) -> None:
        with self._lock:
            waiters = self._waiting.pop(host, [])
        for loop, future in waiters:
            # RuntimeError: that round's loop is closed, so nobody waits any more
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(_settle, future, outcome)


def _settle(future: asyncio.Future, outcome: tuple[bool, object]) -> None:
    if future.done():
        return
    ok, value = outcome
    if ok:
        future.set_result(value)
    else:
        future.set_exception(value)  # type: ignore[arg-type]
        future.exception()  # seen: when every check has stopped waiting, it is nobody's news


_resolver = _Resolver()


class Session:
    """What the checks of one round share: the TLS context and the name lookups."""

    def __init__(self, tls: ssl.SSLContext | None = None):
        self.tls = tls or tls_context()
        self._lookups: dict[str, asyncio.Future] = {}

    async def addresses(self, host: str) -> list[str]:
        try:
            ipaddress.ip_address(host)
            return [host]
        except ValueError:
            pass
        future = self._lookups.get(host)
        if future is None:
            future = self._lookups[host] = _resolver.lookup(host)
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


# -- the head of an answer -----------------------------------------------------------------------
# As curl reads it: "HTTP/1.1 200 OK", "HTTP/1.0 200", "HTTP/2 200"; lines may end in a bare LF;
# header lines are not judged ("Content-Length : 0" is harmless), only measured.

_LONG_LINE = f"a line of the head is over {MAX_LINE_BYTES // 1024} KiB"
_STATUS_LINE = re.compile(rb"HTTP/\d(?:\.\d)? +(\d{3})(?:[ \t][^\r\n]*)?\r?\n")


async def _read_status(reader: asyncio.StreamReader) -> int:
    """Read one answer's head (after any 1xx heads) and return its status code."""
    total = 0
    status: int | None = None
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:
            if total == 0 and not exc.partial:
                raise _ClosedEarly("closed before answering") from None
            raise _NotHttp("the connection closed in the middle of the head") from None
        except asyncio.LimitOverrunError:
            raise _NotHttp(_LONG_LINE) from None
        total += len(line)
        if len(line) > MAX_LINE_BYTES:
            raise _NotHttp(_LONG_LINE)
        if total > MAX_HEAD_BYTES:
            raise _NotHttp(f"the head is over {MAX_HEAD_BYTES // 1024} KiB")
        if b"\0" in line:
            raise _NotHttp("a NUL byte in the head")
        if status is None:
            match = _STATUS_LINE.fullmatch(line)
            if match is None:
                raise _NotHttp(f"not a status line: {line[:40]!r}")
            status = int(match[1])
        elif line in (b"\r\n", b"\n"):
            if 100 <= status < 200 and status != 101:
                status = None  # 100 Continue and friends come before the real answer
                continue
            return status


def _request(method: str, target: str, headers: Sequence[tuple[str, str]]) -> bytes:
    lines = [f"{method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("ascii")


async def _exchange(session: Session, method: str, to: Target, proxy: str | None) -> int:
    """Send one request and return the status code of the answer's head."""
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
            token = f"{unquote(p.username)}:{unquote(p.password or '')}".encode()
            auth = [("Proxy-Authorization", "Basic " + base64.b64encode(token).decode())]
        reader, writer = await _connect(session, ascii_host(p.hostname or ""), p.port or 80, None)
        try:
            if to.secure:
                tunnel = _authority(to.host, to.port, 0)
                writer.write(
                    _request(
                        "CONNECT", tunnel, [("Host", tunnel), ("User-Agent", USER_AGENT), *auth]
                    )
                )
                answer = await _read_status(reader)
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
        writer.write(_request(method, target, headers))
        return await _read_status(reader)
    finally:
        writer.transport.abort()  # the body (of a GET) is never read; no lingering close


def _classify(exc: BaseException) -> tuple[str, str]:
    if isinstance(exc, TimeoutError):
        return "timeout", "no complete answer before the deadline"
    if isinstance(exc, socket.gaierror):
        return "dns", f"name lookup failed: {exc.strerror or exc}"
    if isinstance(exc, _BadName):
        return "dns", f"name lookup impossible: {exc}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        return "tls", f"certificate not trusted: {exc.verify_message or exc.reason}"
    if isinstance(exc, ssl.SSLError):
        return "tls", f"TLS failed: {exc.reason or exc}"
    if isinstance(exc, _NotHttp):
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
) -> ProbeResult:
    """Check one URL. Never raises for anything the network or the server does."""
    started = time.perf_counter()
    try:
        to = target_of(cache_bust(url))
        proxy = proxy_for(to.absolute)
        async with asyncio.timeout(timeout):
            status = await _exchange(session, "HEAD", to, proxy)
            if status in (405, 501):
                status = await _exchange(session, "GET", to, proxy)
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
    urls: Sequence[str],
    timeout: float,
    session: Session | None = None,
    *,
    on_result: Callable[[int, ProbeResult], None] | None = None,
) -> list[ProbeResult]:
    """Check every URL concurrently; they start in the order given; results in the same order.

    ``on_result(index, result)`` is called on the event loop's thread as each check ends, so the
    caller can prepare what it stores while slower checks still wait. An exception it raises
    ends the round (the other checks are cancelled) and reaches the caller of ``probe_all``."""
    session = session or Session()
    gate = asyncio.Semaphore(max_parallel())

    async def one(index: int, url: str) -> ProbeResult:
        async with gate:
            result = await probe(session, url, timeout)
        if on_result is not None:
            on_result(index, result)
        return result

    tasks = [asyncio.ensure_future(one(i, u)) for i, u in enumerate(urls)]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        for task in tasks:
            task.cancel()


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
