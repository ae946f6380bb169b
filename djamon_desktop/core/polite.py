"""How many checks a round keeps open at once, to one server and overall: pure bookkeeping,
no sockets and no clock (:func:`.parallel.probe_all` runs it).

A round must not cause the failures it reports. Opening every connection of a round at once
overflows a small server's accept queue (Python's stock threading server queues 5): the
dropped connection attempts are retried by the kernel a second later, then three, and healthy
pages read as ``timeout``. Browsers keep 6 connections to a server and curl's parallel mode 8
by default; but a fixed small cap would make 4,000 sites on one fast server take far longer
than the round's deadline. So each server's cap adapts, as TCP's congestion window does:

* it starts at :data:`FIRST` and grows by one for each answer (a slow start: doubling with
  every turn of answers) up to :data:`MOST`, while doubling pays: a turn that brings fewer
  than :data:`PAYOFF` times the answers a second of the best turn is followed by one at the
  same cap; when that one does not pay either (the server, not the cap, sets the pace: a
  threaded server starved of its CPU), the slow start ends, back at the last cap that paid.
  After that, and after a halving, it grows by one for each whole cap's worth of answers (a
  gentle climb);
* it is halved (not below :data:`LEAST`) when the server shows strain while it answers
  others: a connection that took :data:`STRAIN_SECONDS` longer to open than the server's
  quickest (what a dropped connection attempt costs: the kernel's first retry comes a second
  later), one that never opened before the deadline, or one refused or reset. A slow page is
  no strain: a server's hung page says nothing of its accept queue. One halving per turn: a
  check started before the last halving does not halve again, as its strain was answered;
* a check whose connection is open and that has waited :data:`PARK_SECONDS` since it started
  is parked: it no longer holds a place under its server's cap (the server took it; it is
  only slow to answer), so a server's hung pages never keep its other sites from their turn.

And new connections to one server are paced: :data:`BURST` at the same moment, then
:data:`PACE` a second, or twice as many as the answers came back in the server's best turn
when that is more (a server that answers 5,000 a second is opened 10,000 a second), and never
faster than twice its cap over its quickest answer's time. So a turn of answers arriving
together does not come back as a burst of connection attempts that a short accept queue drops.

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

from .wire import DEFAULT_PORTS

FIRST = 32  # a server's cap at the round's start (its pace, not this, spares a short accept queue)
MOST = 256  # never more to one server (4,000 sites on one server still fit in a round)
LEAST = 2  # never fewer, however strained
BURST = 4  # new connections opened to one server at the same moment, at most
PACE = 1000.0  # and after those, this many a second until its answers show it takes more
PACE_GAIN = 2.0  # once it answered: at most this many times its cap a quickest answer's time
LEAST_PACE = 50.0  # (never slower than this many a second)
PAYOFF = 1.25  # a slow start's turn must bring this many times the best turn's answers a second
FLAT_TURNS = 2  # turns in a row that did not, and the slow start ends (noise ends none alone)
#: a connection this much slower to open than the server's quickest tells of a dropped attempt
STRAIN_SECONDS = 1.0
#: an open connection waiting this long for its answer leaves its place under the cap
PARK_SECONDS = 0.5


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

    __slots__ = (
        "cap",
        "threshold",
        "open",
        "waiting",
        "quickest",
        "answered",
        "starts",
        "calm",
        "tokens",
        "stamp",
        "turn_began",
        "turn_size",
        "turn_answers",
        "paid_size",
        "best_rate",
        "flat",
        "quickest_connect",
    )

    def __init__(self) -> None:
        self.cap = float(FIRST)
        self.threshold = float(MOST)  # below it the cap doubles with each turn, above it creeps
        self.open = 0
        self.waiting: deque[int] = deque()
        self.quickest: float | None = None  # seconds, of a check the server answered
        self.answered = 0
        self.starts = 0  # checks started so far (the turn a check belongs to)
        self.calm = 0  # checks started before this one were started before the last halving
        self.tokens = float(BURST)  # new connections it may open now (refilled at PACE)
        self.stamp = 0.0  # when ``tokens`` was last refilled
        # the slow start's turns: each as many answers as the cap was when it began, and how
        # many answers a second it brought; a cap that brings no more is no use to the server
        self.turn_began: float | None = None
        self.turn_size = FIRST
        self.turn_answers = 0
        self.paid_size = FIRST  # the last turn's cap that paid (brought more answers a second)
        self.best_rate = 0.0
        self.flat = 0  # turns in a row that did not pay
        self.quickest_connect: float | None = None  # seconds, of a connection it took

    def paced(self, now: float) -> float:
        """0 when a new connection may open now (and takes one), else how long until one may."""
        # twice as fast as its answers came back in its best turn, and as they can at the cap
        pace = max(PACE, PACE_GAIN * self.best_rate)
        if self.quickest:
            pace = min(pace, max(LEAST_PACE, PACE_GAIN * self.cap / self.quickest))
        self.tokens = min(float(BURST), self.tokens + (now - self.stamp) * pace)
        self.stamp = now
        if self.tokens >= 1.0 - 1e-9:  # (a clock's rounding never stalls it)
            self.tokens = max(0.0, self.tokens - 1.0)
            return 0.0
        return (1.0 - self.tokens) / pace

    @property
    def room(self) -> bool:
        return self.open < int(self.cap)

    def heard(
        self,
        start: int,
        answered: bool,
        error: str | None,
        seconds: float,
        now: float | None,
        connect: float | None = None,
    ) -> None:
        """Adapt the cap to one check's end (``start``: its place among the server's starts;
        ``now``: the moment, None when not known; ``connect``: how long its connection took to
        open, None when it never opened)."""
        if answered:
            self.answered += 1
            if self.quickest is None or seconds < self.quickest:
                self.quickest = seconds
        if connect is not None and (
            self.quickest_connect is None or connect < self.quickest_connect
        ):
            self.quickest_connect = connect
        strained = self.answered > 0 and (
            error == "connection"
            or (connect is None and error == "timeout")
            or (
                connect is not None
                and self.quickest_connect is not None
                and connect - self.quickest_connect >= STRAIN_SECONDS
            )
        )
        if strained:
            if start >= self.calm:  # (the first strain of this turn)
                self.cap = self.threshold = max(float(LEAST), self.cap / 2)
                self.calm = self.starts
        elif answered and self.cap < self.threshold:
            if now is not None and self._turn_ended(now):
                return
            # (after a turn that did not pay, the next is measured at the same cap)
            self.cap = min(self.cap + (1.0 / self.cap if self.flat else 1.0), float(MOST))
        elif answered:
            self.cap = min(self.cap + 1.0 / self.cap, float(MOST))

    def _turn_ended(self, now: float) -> bool:
        """Count an answer into the slow start's turn; True when the turn ended without paying
        (fewer than :data:`PAYOFF` times the answers a second of the best turn before): the
        slow start ends there, back at the last cap that paid."""
        if self.turn_began is None:
            self.turn_began = now
        self.turn_answers += 1
        if self.turn_answers < self.turn_size:
            return False
        rate = self.turn_answers / max(now - self.turn_began, 1e-3)
        if self.best_rate and rate < self.best_rate * PAYOFF:
            self.flat += 1
            if self.flat >= FLAT_TURNS:
                self.cap = self.threshold = float(max(LEAST, self.paid_size))
                return True
        else:
            self.flat = 0
            self.paid_size = self.turn_size
        self.best_rate = max(self.best_rate, rate)
        self.turn_began, self.turn_answers = now, 0
        self.turn_size = int(self.cap) + 1
        return False


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
        # servers that have room and a check waiting but must pace, by when they may go on
        self._paced: list[tuple[float, str]] = []
        self._queued = set(self.servers)  # those in either
        self._parked: set[int] = set()  # started checks no longer under their server's cap

    def take(self, now: float) -> list[int]:
        """The checks to start at ``now`` (seconds, any clock that only goes forward), earliest
        first; they count as open from now on."""
        while self._paced and self._paced[0][0] <= now:
            _at, key = heapq.heappop(self._paced)
            heapq.heappush(self._ready, (self.servers[key].waiting[0], key))
        out = []
        while self.open < self.overall and self._ready:
            _first, key = heapq.heappop(self._ready)
            server = self.servers[key]
            if not server.room:  # (halved since it was offered: offered again when it has)
                self._queued.discard(key)
                continue
            wait = server.paced(now)
            if wait:
                heapq.heappush(self._paced, (now + wait, key))
                continue
            if server.turn_began is None:
                server.turn_began = now
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
        self,
        index: int,
        answered: bool,
        error: str | None,
        seconds: float,
        *,
        now: float | None = None,
        tried: bool = True,
        connect: float | None = None,
    ) -> None:
        """A started check ended at ``now`` (the clock of :meth:`take`): ``answered`` whether
        the server gave an answer (any status), ``error`` its kind, ``seconds`` from its own
        start, ``connect`` how long its connection took to open (None: it never did).
        ``tried`` False: it was started too late to be tried (``busy``), which tells nothing of
        its server."""
        key = self._key[index]
        server = self.servers[key]
        if index in self._parked:
            self._parked.discard(index)
        else:
            server.open -= 1
        self.open -= 1
        if tried:
            server.heard(self._start[index], answered, error, seconds, now, connect)
        self._offer(key, server)

    def park(self, index: int) -> None:
        """A started check's connection is open and it has waited :data:`PARK_SECONDS`: it no
        longer holds a place under its server's cap (it still counts overall: its socket)."""
        if index in self._parked:
            return
        self._parked.add(index)
        key = self._key[index]
        server = self.servers[key]
        server.open -= 1
        self._offer(key, server)

    def next_at(self) -> float | None:
        """When a server that paces may start its next check (None: none waits for that)."""
        return self._paced[0][0] if self._paced else None

    def left(self) -> list[int]:
        """The checks still waiting, in order, taken out of the plan (they will not start)."""
        out = sorted(index for server in self.servers.values() for index in server.waiting)
        for server in self.servers.values():
            server.waiting.clear()
        self._ready.clear()
        self._paced.clear()
        self._queued.clear()
        self.waiting = 0
        return out

    def _offer(self, key: str, server: Server) -> None:
        if key not in self._queued and server.waiting and server.room:
            heapq.heappush(self._ready, (server.waiting[0], key))
            self._queued.add(key)
