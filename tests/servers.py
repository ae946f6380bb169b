"""Real servers on loopback for the tests: an HTTP server whose paths misbehave on purpose,
the same behind TLS, and a small forward proxy.

Paths of :class:`MisbehavingServer`:
  /status/NNN       answers NNN (any method)
  /slow/MS          answers 200 after MS milliseconds
  /hang             reads the request and never answers
  /drip             sends a valid head one byte every 0.1 s (takes about 4 s in all)
  /reset            resets the connection (RST) without answering
  /close            closes the connection without answering
  /garbage          answers with bytes that are not HTTP
  /nohead/NNN       405 to HEAD, NNN to GET
  /nohead-hang      405 to HEAD, hangs on GET
  /switch/NAME      answers ``server.switch[NAME]`` (200 until a test sets it)
  /head/NAME        answers the odd but real head ``HEADS[NAME]`` (see there)
  /long-line/N      200 with one header line of N bytes (line end included)
  /big-head/K/N     200 with K header lines of N bytes each
  anything else     200
"""

from __future__ import annotations

import contextlib
import re
import socket
import socketserver
import ssl
import struct
import threading
import time
from dataclasses import dataclass

_REASONS = {200: "OK", 301: "Moved Permanently", 304: "Not Modified", 405: "Method Not Allowed"}


@dataclass
class Seen:
    method: str
    target: str
    headers: dict[str, str]


def _read_head(conn: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            break
        data += chunk
    return data


def _parse(head: bytes) -> Seen | None:
    lines = head.decode("latin-1").split("\r\n")
    m = re.match(r"(\S+) (\S+) HTTP/1\.[01]$", lines[0])
    if not m:
        return None
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    return Seen(m.group(1), m.group(2), headers)


def _answer(code: int, extra: str = "") -> bytes:
    reason = _REASONS.get(code, "Whatever")
    return (
        f"HTTP/1.1 {code} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n{extra}\r\n"
    ).encode()


#: Heads that real servers send: harmless ones curl accepts, and ones it refuses.
HEADS: dict[str, bytes] = {
    "space-before-colon": b"HTTP/1.1 200 OK\r\nContent-Length : 0\r\nConnection: close\r\n\r\n",
    "bare-lf": b"HTTP/1.1 204 No Content\nServer: old\n\n",
    "no-reason": b"HTTP/1.1 503\r\nContent-Length: 0\r\n\r\n",
    "http10": b"HTTP/1.0 302 Found\r\nLocation: /\r\n\r\n",
    "continue": b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n\r\n",
    "odd-header": b"HTTP/1.1 200 OK\r\nno colon here\r\nX-Odd:\x01\xff\r\n\r\n",
    "nul": b"HTTP/1.1 200 OK\r\nX-Nul: a\x00b\r\n\r\n",
    "not-http": b"ICY 200 OK\r\n\r\n",
    "cut-short": b"HTTP/1.1 200 OK\r\nContent-Le",
}


def _filler(n: int, name: str = "X-Filler") -> bytes:
    """One header line of exactly ``n`` bytes, CRLF included."""
    head = f"{name}: ".encode()
    return head + b"a" * (n - len(head) - 2) + b"\r\n"


class _Threaded(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class MisbehavingServer:
    def __init__(self, tls: ssl.SSLContext | None = None):
        self.tls = tls
        self.seen: list[Seen] = []
        self.switch: dict[str, int] = {}
        self.released = threading.Event()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                if outer.tls is not None:
                    try:
                        conn = outer.tls.wrap_socket(conn, server_side=True)
                    except (ssl.SSLError, OSError):
                        return
                try:
                    outer._serve(conn)
                except OSError:
                    pass
                finally:
                    conn.close()

        self._server = _Threaded(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def url(self, path: str) -> str:
        return self.base + path

    def _serve(self, conn: socket.socket) -> None:
        seen = _parse(_read_head(conn))
        if seen is None:
            return
        self.seen.append(seen)
        path = seen.target.split("?", 1)[0]
        if path.startswith("http://"):  # absolute form, through a proxy
            path = "/" + path.split("/", 3)[3].split("?", 1)[0]
        parts = path.strip("/").split("/")
        kind = parts[0]
        if kind == "status":
            conn.sendall(_answer(int(parts[1])))
        elif kind == "switch":
            conn.sendall(_answer(self.switch.get(parts[1], 200)))
        elif kind == "slow":
            time.sleep(int(parts[1]) / 1000)
            conn.sendall(_answer(200))
        elif kind == "hang":
            self.released.wait()
        elif kind == "drip":
            for byte in _answer(200):
                if self.released.is_set():
                    return
                conn.sendall(bytes([byte]))
                time.sleep(0.1)
        elif kind == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            conn.close()
        elif kind == "close":
            conn.close()
        elif kind == "garbage":
            conn.sendall(b"SSH-2.0-OpenSSH_9.2 hello there\r\n\r\n")
        elif kind == "head":
            conn.sendall(HEADS[parts[1]])
        elif kind == "long-line":
            conn.sendall(b"HTTP/1.1 200 OK\r\n" + _filler(int(parts[1])) + b"\r\n")
        elif kind == "big-head":
            lines = b"".join(_filler(int(parts[2]), f"X-{n}") for n in range(int(parts[1])))
            conn.sendall(b"HTTP/1.1 200 OK\r\n" + lines + b"\r\n")
        elif kind == "nohead":
            conn.sendall(_answer(405 if seen.method == "HEAD" else int(parts[1])))
        elif kind == "nohead-hang":
            if seen.method == "HEAD":
                conn.sendall(_answer(405))
            else:
                self.released.wait()
        else:
            conn.sendall(_answer(200))

    def start(self) -> MisbehavingServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()


class ForwardProxy:
    """An HTTP proxy: plain requests in absolute form, and CONNECT tunnels. Records what it saw.

    With ``tunnel_to``, every tunnel goes to that address whatever host it names (so a client
    can reach "api.twitter.com" on loopback); with ``forward_to``, every plain request does."""

    def __init__(
        self,
        tunnel_to: tuple[str, int] | None = None,
        forward_to: tuple[str, int] | None = None,
    ) -> None:
        self.seen: list[Seen] = []
        self.tunnel_to = tunnel_to
        self.forward_to = forward_to
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                with contextlib.suppress(OSError):
                    outer._serve(self.request)

        self._server = _Threaded(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _serve(self, client: socket.socket) -> None:
        head = _read_head(client)
        seen = _parse(head)
        if seen is None:
            return
        self.seen.append(seen)
        if seen.method == "CONNECT":
            host, port = seen.target.rsplit(":", 1)
            upstream = socket.create_connection(self.tunnel_to or (host, int(port)), timeout=10)
            client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self._pipe(client, upstream)
            return
        m = re.match(r"http://([^/:]+):?(\d*)(/.*)?$", seen.target)
        host, port, rest = m.group(1), int(m.group(2) or 80), m.group(3) or "/"
        upstream = socket.create_connection(self.forward_to or (host, port), timeout=10)
        first, tail = head.split(b"\r\n", 1)
        upstream.sendall(f"{seen.method} {rest} HTTP/1.1\r\n".encode() + tail)
        self._pipe(client, upstream)

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        def copy(src: socket.socket, dst: socket.socket) -> None:
            try:
                while chunk := src.recv(65536):
                    dst.sendall(chunk)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)

        t = threading.Thread(target=copy, args=(b, a), daemon=True)
        t.start()
        copy(a, b)
        t.join(10)
        b.close()

    def start(self) -> ForwardProxy:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


#: what a GET to a site of :class:`ManySitesServer` finds at the end of its body
MANY_SITES_TEXT = "all is well"


def _serve_sites(ports_out, ready, body_size: int, counts) -> None:
    """An asyncio server for many sites at once, listening on ``len(ports_out)`` ports:
    /s/MS answers 200 after MS ms, /hang never. A GET gets a ``body_size``-byte body ending in
    :data:`MANY_SITES_TEXT`; ``counts`` holds how many HEAD (and other) and GET requests it
    answered.

    Written as a bare protocol, not with streams: the server should cost the machine little,
    so that a benchmark measures the program checking it."""
    import asyncio
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    empty = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    tail = MANY_SITES_TEXT.encode()
    filler = b"<p>lorem ipsum dolor sit amet</p>\n" * (body_size // 34 + 1)
    body = (filler[: max(0, body_size - len(tail))] + tail) if body_size else b""
    full = (
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
        + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )

    class Site(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            self.transport = transport
            self.head = b""
            self.timer: asyncio.TimerHandle | None = None

        def data_received(self, data: bytes) -> None:
            if self.timer is not None:
                return
            self.head += data
            if b"\r\n\r\n" not in self.head:
                return
            method, target = self.head.split(b" ", 2)[:2]
            path = target.split(b"?", 1)[0]
            if path.startswith(b"/hang"):
                self.timer = loop.call_later(3600, self.transport.close)
                return
            delay = int(path.rsplit(b"/", 1)[1]) / 1000 if path.startswith(b"/s/") else 0
            get = method == b"GET"
            counts[1 if get else 0] += 1
            self.timer = loop.call_later(delay, self.answer, full if get else empty)

        def answer(self, data: bytes) -> None:
            if not self.transport.is_closing():
                self.transport.write(data)
                self.transport.close()  # once what was written has gone

        def connection_lost(self, exc: Exception | None) -> None:
            if self.timer is not None:
                self.timer.cancel()

    async def main() -> None:
        for i in range(len(ports_out)):
            server = await loop.create_server(Site, "127.0.0.1", 0, backlog=4096)
            ports_out[i] = server.sockets[0].getsockname()[1]
        ready.set()
        await asyncio.Event().wait()

    loop = asyncio.new_event_loop()
    loop.run_until_complete(main())


class ManySitesServer:
    """:func:`_serve_sites` in a process of its own, so it competes with the program under
    test only as a real server would. ``ports``: how many ports it listens on (:attr:`bases`,
    one base URL each; :attr:`base` is the first); ``body``: the size of a GET's body."""

    def __init__(self, ports: int = 1, body: int = 0) -> None:
        self._ports_wanted = ports
        self._body = body

    def start(self) -> ManySitesServer:
        import multiprocessing

        spawn = multiprocessing.get_context("spawn")  # no fork of a process that runs Qt
        self._ports = spawn.RawArray("i", self._ports_wanted)
        self._counts = spawn.RawArray("q", 2)
        ready = spawn.Event()
        self._process = spawn.Process(
            target=_serve_sites, args=(self._ports, ready, self._body, self._counts), daemon=True
        )
        self._process.start()
        if not ready.wait(15):
            raise RuntimeError("the many-sites server did not start")
        self.bases = [f"http://127.0.0.1:{port}" for port in self._ports]
        self.base = self.bases[0]
        return self

    @property
    def pid(self) -> int:
        """The server process's id."""
        return self._process.pid

    @property
    def heads(self) -> int:
        """How many requests other than GET it has answered (HEADs)."""
        return self._counts[0]

    @property
    def gets(self) -> int:
        """How many GET requests it has answered."""
        return self._counts[1]

    def stop(self) -> None:
        self._process.terminate()
        self._process.join(5)


def closed_port() -> int:
    """A loopback port nothing listens on."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class SilentResolver:
    """A DNS server on a loopback address, port 53, that reads every query and never answers:
    a resolver that hangs, as a broken network's does. Records the names asked for.
    Binding port 53 needs root (the tests that use it run only as root)."""

    def __init__(self) -> None:
        import random

        self.names: list[str] = []
        for _ in range(20):
            self.address = f"127.53.{random.randint(0, 255)}.{random.randint(1, 254)}"
            self._sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            try:
                self._sock.bind((self.address, 53))
                break
            except OSError:
                self._sock.close()
        else:
            raise OSError("no loopback address with port 53 free")
        self._thread = threading.Thread(target=self._swallow, daemon=True)

    def _swallow(self) -> None:
        while True:
            try:
                packet, _ = self._sock.recvfrom(4096)
            except OSError:
                return
            labels, at = [], 12  # the question's name follows the 12-byte header
            while at < len(packet) and packet[at]:
                labels.append(packet[at + 1 : at + 1 + packet[at]].decode("latin-1"))
                at += 1 + packet[at]
            self.names.append(".".join(labels))

    def start(self) -> SilentResolver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._sock.close()
