"""Name lookup for checks, each name on a thread of its own.

getaddrinfo (the system's resolver: /etc/hosts, nsswitch, DNS) can't be cancelled. A pool of a
few threads lets names that never resolve hold every worker while other names wait in a queue
past their checks' deadlines. So each name being looked up gets a daemon thread of its own,
started at once; a check stops waiting at its deadline and the thread is simply left behind
(a daemon: it never keeps the process from exiting). Lookups of the same name at the same
time, from this round or an earlier one still waiting, share one thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading


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


def lookup(host: str) -> asyncio.Future:
    """A future of ``host``'s getaddrinfo answer (or its error), settled on the running loop."""
    return _resolver.lookup(host)
