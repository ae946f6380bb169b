"""A small web server as Python's standard library makes one (``socketserver.ThreadingMixIn``
with ``http.server``), its accept queue as short as the library's default (5): what a round
meets when many sites live on one modest internal server."""

from __future__ import annotations

import http.server
import socketserver
import threading
import time


class _Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    request_queue_size = 5  # the library's default, said out loud


class StockServer:
    """Answers every ``HEAD``/``GET`` with ``code`` after ``delay`` seconds, and notes each
    request's path in the order they came (``paths``). ``queue``: its accept queue."""

    def __init__(self, delay: float = 0.02, code: int = 200, queue: int = 5) -> None:
        self.delay = delay
        self.code = code
        self.paths: list[str] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_HEAD(self) -> None:
                outer.paths.append(self.path.split("?", 1)[0])
                time.sleep(outer.delay)
                self.send_response(outer.code)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_HEAD

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass  # (quiet: the test reads ``paths``)

        server_class = _Server
        if queue != _Server.request_queue_size:
            server_class = type("_Queued", (_Server,), {"request_queue_size": queue})
        self._server = server_class(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> StockServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
