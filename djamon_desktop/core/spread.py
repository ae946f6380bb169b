"""A large round's checks spread over processes, each with its own event loop.

One process starts a check in 0.3-0.6 ms of CPU (its socket, its tasks, its timeouts), so one
event loop cannot start 10,000 of them well inside a 5 s deadline, however quick the servers. A
round of :data:`SPREAD_AT` checks or more on a machine with several cores is therefore shared
out: this process keeps one share and checks it on its own loop (it also runs the
connectivity guard and takes every result as it ends), and each other share goes to a worker
process of its own, started for the round and gone at its end.

- All the sites of one server (host and port) are in the same share, so the caps that keep a
  round polite to a server (:func:`.parallel.probe_all`) hold across the round; the shares are
  balanced by their number of checks, and each keeps the round's order.
- Every process counts from the round's start (``round_started``, the event loop's clock,
  which is ``time.monotonic()``, the same in every process of the machine), so a worker's
  start-up (0.1-0.2 s) is part of the round's time, not added to it.
- A worker sends each result back as its check ends (those that end together in one batch), so
  ``on_result`` is still called as each check ends, on this process's event loop.
- A worker that dies, or that has not finished well after the round must have, makes the round
  fail (:class:`SpreadFailed`), never hang; every worker is ended with the round.

Workers are started with the ``spawn`` method, never ``fork``: the app runs Qt's threads, and a
forked copy of them is undefined. A frozen build must call ``multiprocessing.freeze_support()``
in its entry point (``__main__``).
"""

from __future__ import annotations

import asyncio
import heapq
import os
import signal
import sys
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection

from .expect import Expect, from_stored, stored
from .parallel import probe_all
from .polite import server_of
from .probe import ProbeResult, Session

SPREAD_AT = 2000  # checks in a round from which it is spread over processes
PER_PROCESS = 1000  # at least so many checks a process: fewer are not worth its start-up
#: how long after a round's last possible end (twice its timeout) a worker may still take
GRACE_SECONDS = 10.0
#: this process's share of the checks, as a part of a worker's: besides its own checks it
#: takes the others' results (0.03-0.05 ms each, and ``on_result``'s work)
OWN_SHARE = 0.75


class SpreadFailed(RuntimeError):
    """A worker process of the round failed: the round has no result for its share."""


def processes_for(count: int, cpus: int | None = None) -> int:
    """How many processes (this one included) a round of ``count`` checks is spread over.
    Not on Windows: its event loop (the proactor) can't watch a worker's pipe."""
    cpus = (os.cpu_count() or 1) if cpus is None else cpus
    if count < SPREAD_AT or cpus < 2 or sys.platform == "win32":
        return 1
    return max(1, min(cpus, count // PER_PROCESS))


def shares_of(urls: Sequence[str], processes: int) -> list[list[int]]:
    """The indices of ``urls`` in ``processes`` shares: one server's all in one share, the
    largest servers placed first, each on the share with the least work so far; each share in
    the round's order. The first share is this process's, and smaller than the others (by
    :data:`OWN_SHARE`): it also takes every result of the others and runs the guard."""
    servers: dict[str, list[int]] = {}
    for index, url in enumerate(urls):
        servers.setdefault(server_of(url), []).append(index)
    weights = [OWN_SHARE] + [1.0] * (processes - 1)
    loads = [(0.0, n) for n in range(processes)]
    shares: list[list[int]] = [[] for _ in range(processes)]
    for indices in sorted(servers.values(), key=len, reverse=True):
        _load, n = heapq.heappop(loads)
        shares[n].extend(indices)
        heapq.heappush(loads, (len(shares[n]) / weights[n], n))
    return [sorted(share) for share in shares]


async def probe_spread(
    urls: Sequence[str],
    timeout: float,
    *,
    on_result: Callable[[int, ProbeResult], None] | None = None,
    expects: Sequence[Expect] | None = None,
    good_codes: Sequence[int] | None = None,
    round_started: float | None = None,
    processes: int | None = None,
    session: Session | None = None,
) -> list[ProbeResult]:
    """Check every URL as :func:`.parallel.probe_all` does (results in the order given,
    ``on_result`` as each ends), spread over ``processes`` processes (default: as
    :func:`processes_for` says; 1: all here, no other process). ``session``: this process's
    (its share's checks share it; a worker has its own)."""
    loop = asyncio.get_running_loop()
    started = loop.time() if round_started is None else round_started
    count = processes_for(len(urls)) if processes is None else processes
    if count <= 1:
        return await probe_all(
            urls,
            timeout,
            session,
            on_result=on_result,
            expects=expects,
            good_codes=good_codes,
            round_started=started,
        )
    shares = shares_of(urls, count)
    results: list[ProbeResult | None] = [None] * len(urls)

    def ended(index: int, result: ProbeResult) -> None:
        results[index] = result
        if on_result is not None:
            on_result(index, result)

    codes = list(good_codes) if good_codes is not None else None
    workers = [
        _Worker(share, urls, expects, codes, timeout, started, ended) for share in shares[1:]
    ]
    own = shares[0]
    here: asyncio.Future[list[ProbeResult]] | None = None
    try:
        for worker in workers:
            worker.start(loop)
        here = asyncio.ensure_future(
            probe_all(
                [urls[i] for i in own],
                timeout,
                session,
                on_result=lambda n, result: ended(own[n], result),
                expects=[expects[i] for i in own] if expects is not None else None,
                good_codes=good_codes,
                round_started=started,
            )
        )
        # whichever fails first ends the round: a worker's death does not wait for the rest
        last = started + 2 * timeout + GRACE_SECONDS
        waits = [here, *(worker.done for worker in workers)]
        done, pending = await asyncio.wait(
            waits, timeout=max(0.0, last - loop.time()), return_when=asyncio.FIRST_EXCEPTION
        )
        for future in done:
            future.result()  # (raises what failed)
        if pending:
            raise SpreadFailed("a checking process did not finish in time")
    finally:
        if here is not None:
            here.cancel()
            await asyncio.gather(here, return_exceptions=True)
        for worker in workers:
            worker.stop(loop)
    checked = [r for r in results if r is not None]
    if len(checked) != len(urls):
        raise SpreadFailed(f"{len(urls) - len(checked)} checks came back without a result")
    return checked


class _Worker:
    """One worker process and the pipe its results come back by."""

    def __init__(
        self,
        share: list[int],
        urls: Sequence[str],
        expects: Sequence[Expect] | None,
        good_codes: list[int] | None,
        timeout: float,
        started: float,
        ended: Callable[[int, ProbeResult], None],
    ) -> None:
        self.share = share
        self.args = (
            [urls[i] for i in share],
            [stored(expects[i]) for i in share] if expects is not None else None,
            good_codes,
            timeout,
            started,
        )
        self.ended = ended
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.conn: Connection | None = None
        self.process = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        import multiprocessing

        spawn = multiprocessing.get_context("spawn")  # never fork: the app runs Qt's threads
        self.conn, theirs = spawn.Pipe(duplex=False)
        self.process = spawn.Process(target=work, args=(theirs, *self.args), daemon=True)
        self.process.start()
        theirs.close()  # (so that the pipe ends when the worker does)
        loop.add_reader(self.conn.fileno(), self._readable)

    def _readable(self) -> None:
        assert self.conn is not None
        if self.done.done():
            return
        try:
            message = self.conn.recv()
        except (EOFError, OSError):
            code = self.process.exitcode if self.process is not None else None
            self._end(
                SpreadFailed(f"a checking process ended without its results (exit code {code})")
            )
            return
        if isinstance(message, str):  # what went wrong in it
            self._end(SpreadFailed(f"a checking process failed: {message}"))
        elif message is None:
            self._end(None)
        else:
            try:
                for n, result in message:
                    self.ended(self.share[n], result)
            except BaseException as exc:  # on_result's: it ends the round
                self._end(exc)

    def _end(self, failure: BaseException | None) -> None:
        """The worker has said all it will: stop listening (an ended pipe is always
        readable) and settle :attr:`done`."""
        assert self.conn is not None
        asyncio.get_running_loop().remove_reader(self.conn.fileno())
        if failure is None:
            self.done.set_result(None)
        else:
            self.done.set_exception(failure)

    def stop(self, loop: asyncio.AbstractEventLoop) -> None:
        """End the worker (if it still runs) and its pipe."""
        if self.done.done() and not self.done.cancelled():
            self.done.exception()  # (seen: the round has said what failed first)
        else:
            self.done.cancel()
        if self.conn is not None:
            loop.remove_reader(self.conn.fileno())
            self.conn.close()
        if self.process is not None:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
            self.process.close()


def work(
    conn: Connection,
    urls: list[str],
    expects: list[str | None] | None,
    good_codes: list[int] | None,
    timeout: float,
    started: float,
) -> None:
    """A worker process: check ``urls``, send their results back as they end, then None (or
    a line saying what went wrong). Ctrl+C is its parent's to handle: the parent ends it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        asyncio.run(_check_share(conn, urls, expects, good_codes, timeout, started))
        conn.send(None)
    except Exception as exc:
        conn.send(f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


async def _check_share(
    conn: Connection,
    urls: list[str],
    expects: list[str | None] | None,
    good_codes: list[int] | None,
    timeout: float,
    started: float,
) -> None:
    loop = asyncio.get_running_loop()
    batch: list[tuple[int, ProbeResult]] = []

    def send() -> None:
        if batch:
            conn.send(batch[:])
        batch.clear()

    def ended(n: int, result: ProbeResult) -> None:
        if not batch:
            loop.call_soon(send)  # the results that end in this turn of the loop, together
        batch.append((n, result))

    await probe_all(
        urls,
        timeout,
        on_result=ended,
        expects=[from_stored(e) for e in expects] if expects is not None else None,
        good_codes=good_codes,
        round_started=started,
    )
    send()
