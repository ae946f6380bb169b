"""One check run inside a network and mount namespace of its own (see test_happy_eyeballs.py),
where ``dual.test`` resolves to ::1 and 127.0.0.1 through a private /etc/hosts.

    python -m tests.core.in_namespace '{"v6": "full", "v4": "http", "url": "...", ...}'

``v6`` and ``v4`` say what listens on port 8080 of ::1 and of 127.0.0.1: ``http`` (a server
answering 200), ``open`` (a listener that accepts), ``full`` (a listener whose accept queue is
full, so the SYNs that reach it go unanswered) or ``none`` (nothing: refused at once).
``delay`` sets the seconds between two attempts' starts when given. Prints the result as JSON,
with the addresses the name resolved to and the open descriptors before and after."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import sys
import threading

from djamon_desktop.core import connect
from djamon_desktop.core.probe import Session, probe

PORT = 8080


def _listener(family: int, host: str, backlog: int) -> socket.socket:
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if family == socket.AF_INET6:
        sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    sock.bind((host, PORT))
    sock.listen(backlog)
    return sock


def _answer(listener: socket.socket) -> None:
    while True:
        conn, _ = listener.accept()
        with conn:
            conn.settimeout(5)
            head = b""
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    break
                head += chunk
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")


def _fill(family: int, host: str) -> list[socket.socket]:
    """Clients that fill a backlog-0 listener's accept queue: until one can't connect."""
    held = []
    for _ in range(16):
        client = socket.socket(family, socket.SOCK_STREAM)
        client.settimeout(0.3)
        try:
            client.connect((host, PORT))
        except TimeoutError:
            client.close()
            return held
        held.append(client)
    raise RuntimeError("the accept queue never filled")


def serve(kind: str, family: int, host: str) -> list[socket.socket]:
    """What the scenario asks to listen on ``host``; the sockets to keep open."""
    if kind == "none":
        return []
    if kind == "full":
        return [_listener(family, host, 0), *_fill(family, host)]
    listener = _listener(family, host, 64)
    if kind == "http":
        threading.Thread(target=_answer, args=(listener,), daemon=True).start()
    return [listener]


def main() -> None:
    scenario = json.loads(sys.argv[1])
    if "delay" in scenario:
        connect.ATTEMPT_DELAY = scenario["delay"]
    held = serve(scenario["v6"], socket.AF_INET6, "::1")
    held += serve(scenario["v4"], socket.AF_INET, "127.0.0.1")

    async def check() -> dict:
        session = Session()
        tried = [where[0] for _family, where in await session.addresses("dual.test")]
        before = len(os.listdir("/proc/self/fd"))
        result = await probe(session, scenario["url"], scenario.get("timeout", 5.0))
        for _ in range(40):  # cancelled attempts and the server's side close in a moment
            if len(os.listdir("/proc/self/fd")) <= before:
                break
            await asyncio.sleep(0.05)
        return {
            "tried": tried,
            "status_code": result.status_code,
            "error": result.error,
            "detail": result.detail,
            "elapsed_ms": result.elapsed_ms,
            "good": result.is_good([200]),
            "fds_before": before,
            "fds_after": len(os.listdir("/proc/self/fd")),
        }

    print(json.dumps(asyncio.run(check())))
    for sock in held:
        sock.close()


if __name__ == "__main__":
    main()
