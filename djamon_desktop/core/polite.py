"""How many checks a round keeps open at once, to one server and overall: pure bookkeeping,
no sockets and no clock (:func:`.parallel.probe_all` runs it).

A round must not cause the failures it reports. Opening every connection of a round at once
overflows a small server's accept queue (Python's stock threading server queues 5): the
dropped connection attempts are retried by the kernel a second later, then three, and healthy
pages read as ``timeout``. Browsers keep 6 connections to a server and curl's parallel mode 8
by default; but a fixed small cap would make 4,000 sites on one fast server take far longer
than the round's deadline. So each server's cap adapts, as TCP's congestion window does:

* it starts at :data:`FIRST` and grows by one for each quick answer (a slow start: doubling
  with every turn of answers) up to :data:`MOST`; once it has been halved, by one for each
  whole cap's worth of quick answers (a gentle climb back);
* it is halved (not below :data:`LEAST`) when the server shows strain while it answers
  others: a check that took :data:`STRAIN_SECONDS` longer than the server's quickest answer
  (what a dropped connection attempt costs: the kernel's first retry comes a second later),
  or a connection refused or reset. One halving per turn: a check started before the last
  halving does not halve again, as its strain was already answered.

A server is the URL's host and port (``https://a`` is ``a:443``, ``http://a:8080`` is
``a:8080``); the scheme does not matter, the listening socket does. Overall, at most
``overall`` checks are open at once (the open-file limit). A check waits while its server or
the whole round is full; the others go ahead, earliest in the round's order first.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Sequence
from urllib.parse import urlsplit

FIRST = 8  # a server's cap at the round's start (curl's parallel mode keeps 8 by default)
MOST = 256  # never more to one server (4,000 sites on one server still fit in a round)
LEAST = 2  # never fewer, however strained
#: a check this much slower than the server's quickest answer tells of a dropped connection
STRAIN_SECONDS = 1.0
DEFAULT_PORTS = {"http": 80, "https": 443}


def server_of(url: str) -> str:
    """The server a URL's check connects to: ``host:port`` (lowercase host, default port
    filled in). An unreadable URL is a server of its own (its check fails at once anyway)."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower(), 0)
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    return f"{host}:{port}" if host else url


class Server:
    """One server's cap and what its answers told so far."""

    __slots__ = ("cap", "threshold", "open", "waiting", "quickest", "answered", "starts", "calm")

    def __init__(self) -> None:
        self.cap = float(FIRST)
        self.threshold = float(MOST)  # below it the cap doubles with each turn, above it creeps
        self.open = 0
        self.waiting: deque[int] = deque()
        self.quickest: float | None = None  # seconds, of a check the server answered
        self.answered = 0
        self.starts = 0  # checks started so far (the turn a check belongs to)
        self.calm = 0  # checks started before this one were started before the last halving

    @property
    def room(self) -> bool:
        return self.open < int(self.cap)

    def heard(self, start: int, answered: bool, error: str | None, seconds: float) -> None:
        """Adapt the cap to one check's end (``start``: its place among the server's starts)."""
        if answered:
            self.answered += 1
            if self.quickest is None or seconds < self.quickest:
                self.quickest = seconds
        strained = (self.quickest is not None and seconds - self.quickest >= STRAIN_SECONDS) or (
            error == "connection" and self.answered > 0
        )
        if strained:
            if start >= self.calm:  # (the first strain of this turn)
                self.cap = self.threshold = max(float(LEAST), self.cap / 2)
                self.calm = self.starts
        elif answered:
            self.cap += 1.0 if self.cap < self.threshold else 1.0 / self.cap
            self.cap = min(self.cap, float(MOST))


class Plan:
    """Which of a round's checks may start now. ``keys``: each check's server (see
    :func:`server_of`), in the round's order; ``overall``: the most open at once."""

    def __init__(self, keys: Sequence[str], overall: int) -> None:
        self.overall = max(1, overall)
        self.open = 0
        self.servers: dict[str, Server] = {}
        self._key = list(keys)
        self._start: list[int] = [0] * len(self._key)  # each started check's place on its server
        for index, key in enumerate(self._key):
            server = self.servers.get(key)
            if server is None:
                server = self.servers[key] = Server()
            server.waiting.append(index)
        self.waiting = len(self._key)
        # servers that have room and a check waiting, by their first waiting check
        self._ready = [(s.waiting[0], key) for key, s in self.servers.items()]
        heapq.heapify(self._ready)
        self._queued = set(self.servers)

    def take(self) -> list[int]:
        """The checks to start now, earliest first; they count as open from now on."""
        out = []
        while self.open < self.overall and self._ready:
            _first, key = heapq.heappop(self._ready)
            server = self.servers[key]
            if not server.room:  # (halved since it was offered: offered again when it has)
                self._queued.discard(key)
                continue
            index = server.waiting.popleft()
            self._start[index] = server.starts
            server.starts += 1
            server.open += 1
            self.open += 1
            self.waiting -= 1
            out.append(index)
            if server.waiting and server.room:
                heapq.heappush(self._ready, (server.waiting[0], key))
            else:
                self._queued.discard(key)
        return out

    def done(
        self, index: int, answered: bool, error: str | None, seconds: float, *, tried: bool = True
    ) -> None:
        """A started check ended: ``answered`` whether the server gave an answer (any status),
        ``error`` its kind, ``seconds`` from its own start. ``tried`` False: it was started too
        late to be tried (``busy``), which tells nothing of its server."""
        key = self._key[index]
        server = self.servers[key]
        server.open -= 1
        self.open -= 1
        if tried:
            server.heard(self._start[index], answered, error, seconds)
        self._offer(key, server)

    def left(self) -> list[int]:
        """The checks still waiting, in order, taken out of the plan (they will not start)."""
        out = sorted(index for server in self.servers.values() for index in server.waiting)
        for server in self.servers.values():
            server.waiting.clear()
        self._ready.clear()
        self._queued.clear()
        self.waiting = 0
        return out

    def _offer(self, key: str, server: Server) -> None:
        if key not in self._queued and server.waiting and server.room:
            heapq.heappush(self._ready, (server.waiting[0], key))
            self._queued.add(key)
