"""An HTTPS stand-in for the X API on loopback, reached the way tweepy reaches the real one:
through HTTPS_PROXY (a CONNECT proxy that routes every tunnel here) and a trustme CA in
REQUESTS_CA_BUNDLE. It records each request and answers with the statuses a test queues."""

from __future__ import annotations

import json
import ssl
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import trustme

from .servers import ForwardProxy

CREDENTIALS = {
    "twitter_consumer_key": "ck-4f1a9e-consumer",
    "twitter_consumer_secret": "cs-SECRET-9b8d7c6e5f",
    "twitter_access_token": "1234567890-at-token",
    "twitter_access_token_secret": "ats-SECRET-0a1b2c3d",
}


@dataclass
class Posted:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    status: int


class XApi:
    def __init__(self, ca: trustme.CA):
        self.requests: list[Posted] = []
        self.answers: list[int] = []  # statuses to give, in order; then 201
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                status = outer.answers.pop(0) if outer.answers else 201
                outer.requests.append(
                    Posted(
                        "POST",
                        self.path,
                        {k.lower(): v for k, v in self.headers.items()},
                        body,
                        status,
                    )
                )
                if status == 201:
                    text = json.loads(body).get("text", "")
                    payload = {"data": {"id": str(1000 + len(outer.requests)), "text": text}}
                else:
                    payload = {"title": "Error", "detail": f"answer {status}", "status": status}
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("api.twitter.com", "api.x.com").configure_cert(context)
        self._server.socket = context.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self.proxy = ForwardProxy(tunnel_to=("127.0.0.1", self.port))

    @property
    def posts(self) -> list[Posted]:
        """Requests that were accepted (201)."""
        return [r for r in self.requests if r.status == 201]

    def start(self) -> XApi:
        self._thread.start()
        self.proxy.start()
        return self

    def stop(self) -> None:
        self.proxy.stop()
        self._server.shutdown()
        self._server.server_close()
