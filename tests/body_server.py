"""A real loopback server whose pages have bodies a test sets: encoded (gzip, deflate zlib or
raw), framed by Content-Length, chunks or the connection's close, sent at once or dripped.
Records every request (method, target, headers) as :class:`tests.servers.Seen`.

    server.page("/ok", Page(b"all OK"))  ->  the page's URL
"""

from __future__ import annotations

import socket
import socketserver
import ssl
import threading
import zlib
from dataclasses import dataclass

from .servers import Seen, _parse, _read_head


@dataclass(frozen=True)
class Page:
    body: bytes = b""  # as sent (already encoded when ``coding`` is set)
    status: int = 200
    content_type: str | None = "text/plain; charset=utf-8"
    coding: str | None = None  # the Content-Encoding header's value
    framing: str = "length"  # length | chunked | close
    wait: float = 0.0  # seconds before the head
    drip: float = 0.0  # seconds between pieces of the body
    piece: int = 64 * 1024  # bytes a piece (and a chunk)
    head_status: int | None = None  # what a HEAD gets, when not ``status`` (405: no HEAD)
    declared: int | None = None  # the Content-Length said, when not the body's (a lie)


def gzipped(data: bytes) -> bytes:
    packer = zlib.compressobj(6, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def deflated(data: bytes, raw: bool = False) -> bytes:
    """``deflate`` as RFC 9110 means it (zlib-wrapped), or raw, as some servers send it."""
    packer = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
    return packer.compress(data) + packer.flush()


def gzip_bomb(megabytes: int) -> bytes:
    """A gzip body of ``megabytes`` MiB of zeros: about a thousandth of that on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(1 << 20)
    return b"".join(packer.compress(zeros) for _ in range(megabytes)) + packer.flush()


class _Threaded(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128


class BodyServer:
    def __init__(self, tls: ssl.SSLContext | None = None) -> None:
        self.tls = tls
        self.pages: dict[str, Page] = {}
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                try:
                    if outer.tls is not None:
                        conn = outer.tls.wrap_socket(conn, server_side=True)
                    outer._serve(conn)
                except OSError:
                    pass  # the check hung up: it read what it wanted (or refused the TLS)
                finally:
                    conn.close()

        self._server = _Threaded(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def page(self, path: str, page: Page) -> str:
        self.pages[path] = page
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}{path}"

    def methods(self, path: str) -> list[str]:
        return [s.method for s in self.seen if s.target.split("?", 1)[0] == path]

    def _serve(self, conn: socket.socket) -> None:
        seen = _parse(_read_head(conn))
        if seen is None:
            return
        self.seen.append(seen)
        page = self.pages.get(seen.target.split("?", 1)[0], Page(status=404))
        if page.wait:
            self.stopping.wait(page.wait)
        head = seen.method == "HEAD"
        status = page.head_status if head and page.head_status else page.status
        lines = [f"HTTP/1.1 {status} Whatever", "Connection: close"]
        if page.content_type:
            lines.append(f"Content-Type: {page.content_type}")
        if page.coding:
            lines.append(f"Content-Encoding: {page.coding}")
        if page.framing == "length":
            length = len(page.body) if page.declared is None else page.declared
            lines.append(f"Content-Length: {length}")
        elif page.framing == "chunked":
            lines.append("Transfer-Encoding: chunked")
        conn.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        if head:
            return
        for at in range(0, len(page.body), page.piece):
            piece = page.body[at : at + page.piece]
            if page.framing == "chunked":
                piece = b"%x\r\n%s\r\n" % (len(piece), piece)
            conn.sendall(piece)
            if page.drip and self.stopping.wait(page.drip):
                return
        if page.framing == "chunked":
            conn.sendall(b"0\r\n\r\n")

    def start(self) -> BodyServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
