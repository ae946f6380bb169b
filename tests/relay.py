"""A loopback TCP relay between a client and a server (the tests' "network" to a team database):
it forwards every byte both ways, and can

- add latency: each chunk is delivered ``delay`` seconds after it arrived, each way (a delay
  line, not a queue that serialises: bandwidth is not limited, as over a real long link);
- hold: stop forwarding without closing anything (a hung proxy, a relay that keeps traffic),
  and go on again with :meth:`release` (what was held is then delivered);
- cut: close every connection it carries at once (:meth:`cut`), as a restart would.

Threads only; the listening socket is on 127.0.0.1 and a free port.
"""

from __future__ import annotations

import heapq
import socket
import threading
import time
from contextlib import suppress


class Relay:
    def __init__(self, target_port: int, target_host: str = "127.0.0.1", delay: float = 0.0):
        self.target = (target_host, target_port)
        self.delay = delay
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._held = threading.Event()  # set: nothing is forwarded
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._closed = False
        self.connections = 0  # how many clients it has carried

    # -- control ------------------------------------------------------------------------------

    def url(self, server_url: str) -> str:
        """``server_url`` (a postgresql:// URL to 127.0.0.1:PORT) through this relay."""
        host_port = f"127.0.0.1:{self.target[1]}"
        assert host_port in server_url, server_url
        return server_url.replace(host_port, f"127.0.0.1:{self.port}")

    def hold(self) -> None:
        self._held.set()

    def release(self) -> None:
        self._held.clear()

    def cut(self) -> None:
        """Close every connection carried now (new ones are still accepted)."""
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for s in sockets:
            with suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            with suppress(OSError):
                s.close()

    def start(self) -> Relay:
        threading.Thread(target=self._accept, name="relay-accept", daemon=True).start()
        return self

    def stop(self) -> None:
        self._closed = True
        with suppress(OSError):  # wakes the accepting thread (a close alone leaves it waiting)
            self._listener.shutdown(socket.SHUT_RDWR)
        with suppress(OSError):
            self._listener.close()
        self.release()
        self.cut()

    def __enter__(self) -> Relay:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the work -----------------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.target, timeout=10)
                server.settimeout(None)
            except OSError:
                client.close()
                continue
            for s in (client, server):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            with self._lock:
                self._sockets += [client, server]
                self.connections += 1
            for src, dst in ((client, server), (server, client)):
                _Pipe(self, src, dst).start()


class _Pipe:
    """One direction: a reader thread timestamps chunks, a writer thread sends each when due."""

    def __init__(self, relay: Relay, src: socket.socket, dst: socket.socket):
        self.relay, self.src, self.dst = relay, src, dst
        self._due: list[tuple[float, int, bytes]] = []
        self._seq = 0
        self._cond = threading.Condition()
        self._eof = False

    def start(self) -> None:
        threading.Thread(target=self._read, name="relay-read", daemon=True).start()
        threading.Thread(target=self._write, name="relay-write", daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = self.src.recv(65536)
            except OSError:
                data = b""
            with self._cond:
                if not data:
                    self._eof = True
                else:
                    self._seq += 1
                    at = time.monotonic() + self.relay.delay
                    heapq.heappush(self._due, (at, self._seq, data))
                self._cond.notify()
            if not data:
                return

    def _write(self) -> None:
        while True:
            with self._cond:
                while True:
                    if self._due and not self.relay._held.is_set():
                        wait = self._due[0][0] - time.monotonic()
                        if wait <= 0:
                            _, _, data = heapq.heappop(self._due)
                            break
                        self._cond.wait(min(wait, 0.05))
                    elif self._eof and not self._due:
                        with suppress(OSError):
                            self.dst.shutdown(socket.SHUT_WR)
                        return
                    else:
                        self._cond.wait(0.05)  # held, or nothing yet
            try:
                self.dst.sendall(data)
            except OSError:
                return
