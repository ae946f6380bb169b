"""A webhook receiver on loopback for Apprise's ``json://`` and ``form://`` URLs: it keeps every
request it gets (path, headers, body, the status it answered) and answers each path with the
status a test sets (200 unless told), when the test lets it (``hold``)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    status: int  # what the receiver answered

    def message(self) -> dict[str, str]:
        """What Apprise sent: JSON (json://) or a form (form://), as a flat dict."""
        if self.headers.get("content-type", "").startswith("application/json"):
            return json.loads(self.body)
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


class Webhooks:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.status: dict[str, int] = {}  # path -> status to answer
        self.hold: dict[str, threading.Event] = {}  # path -> answer only once it is set
        self.arrived: list[str] = []  # the paths of the requests, as they come (held ones too)
        self._lock = threading.Lock()
        hooks = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length)
                path = self.path.split("?", 1)[0]
                hooks.arrived.append(path)
                if path in hooks.hold:
                    hooks.hold[path].wait(30)
                status = hooks.status.get(path, 200)
                with hooks._lock:
                    hooks.received.append(
                        Received(
                            self.path, {k.lower(): v for k, v in self.headers.items()}, body, status
                        )
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> Webhooks:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str, scheme: str = "json", userinfo: str = "") -> str:
        at = f"{userinfo}@" if userinfo else ""
        return f"{scheme}://{at}127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        """The requests to ``path``, in order."""
        with self._lock:
            return [r for r in self.received if r.path.split("?", 1)[0] == path]

    def delivered(self, path: str) -> list[dict[str, str]]:
        """The messages to ``path`` that were taken (answered 2xx)."""
        return [r.message() for r in self.at(path) if 200 <= r.status < 300]
