"""A round's many checks at once (:func:`probe_all`), and the connectivity guard's
(:func:`any_good`).

The checks start in the round's order as the polite caps allow (:mod:`.polite`: to each
server, adapting to how it answers, and overall, the open-file limit), each with its whole
deadline from its own start (:func:`.probe.probe`). What could not start within the timeout of
the round's start is ``busy``: not tried, no strike. So a round ends within the timeout when its
checks could all start at once, within twice it at worst.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from .expect import NOTHING_EXPECTED, Expect
from .polite import PARK_SECONDS, Plan, server_of
from .probe import ProbeResult, Session, probe
from .status import plural

START_SLICE = 4  # checks started before the event loop reads what the earlier ones got


def max_parallel() -> int:
    """How many checks may hold a socket at once: as many as the open-file limit allows."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY else 65536
        if soft != resource.RLIM_INFINITY and soft < wanted:
            try:
                resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
                soft = wanted
            except (ValueError, OSError):
                pass
        limit = soft if soft != resource.RLIM_INFINITY else 65536
    except ImportError:  # not on POSIX
        limit = 512
    return max(16, min(4096, limit - 128))


def busy(timeout: float, waiting: int) -> ProbeResult:
    """The result of a check the round could not start in time (``waiting``: how many
    checks, this one with them, were still waiting to start then)."""
    return ProbeResult(
        None,
        "busy",
        0.0,
        f"not started: the machine could not start it within {timeout:g} s of the round's"
        f" start ({plural(waiting, 'check')} {'was' if waiting == 1 else 'were'} waiting)",
    )


async def probe_all(
    urls: Sequence[str],
    timeout: float,
    session: Session | None = None,
    *,
    on_result: Callable[[int, ProbeResult], None] | None = None,
    expects: Sequence[Expect] | None = None,
    round_started: float | None = None,
    good_codes: Sequence[int] | None = None,
) -> list[ProbeResult]:
    """Check every URL, many at once; results in the order given.
    ``expects``: each URL's :class:`Expect` (None: nothing beyond a good code for any), judged
    when the code is good (``good_codes``: the setting; see ``probe.probe``).

    They start in the order given, each as soon as the caps allow it (a check whose server is
    full waits, the others go ahead), until ``timeout`` seconds after ``round_started`` (the
    event loop's clock, ``time.monotonic()`` on Linux; default: now), so that several processes
    sharing one round's checks count from the same moment; what has not started by then is
    ``busy``. ``on_result(index, result)`` is called on the event loop's thread as each check
    ends (a busy one included), so the caller can prepare what it stores while slower checks
    still wait. An exception it raises ends the round (the other checks are cancelled) and
    reaches the caller of ``probe_all``."""
    session = session or Session()
    loop = asyncio.get_running_loop()
    started = loop.time() if round_started is None else round_started
    checks = _Round(urls, timeout, session, on_result, expects, started + timeout)
    checks.good_codes = good_codes
    try:
        await checks.start()
        return await checks.finished
    finally:
        checks.close()


class _Round:
    """:func:`probe_all`'s checks: a check starts as the plan allows, when the round starts,
    when another ends (from that check's task: no task of its own wakes for each end) and
    when a server's pace allows; at the cutoff, what is left is busy."""

    def __init__(
        self,
        urls: Sequence[str],
        timeout: float,
        session: Session,
        on_result: Callable[[int, ProbeResult], None] | None,
        expects: Sequence[Expect] | None,
        cutoff: float,
    ) -> None:
        self.urls, self.timeout, self.session = urls, timeout, session
        self.on_result, self.expects, self.cutoff = on_result, expects, cutoff
        self.good_codes: Sequence[int] | None = None  # the setting's, for judging an expect
        self.loop = asyncio.get_running_loop()
        self.plan = Plan([server_of(url) for url in urls], max_parallel())
        self.results: list[ProbeResult] = [busy(timeout, 0)] * len(urls)
        self.left = len(urls)  # results still to come
        self.unbegun = 0  # checks handed to the event loop that have not begun yet
        self.tasks: set[asyncio.Future[None]] = set()
        self.finished: asyncio.Future[list[ProbeResult]] = self.loop.create_future()
        self.pace: asyncio.TimerHandle | None = None
        # checks under way: when each started (in that order), and when its connection opened
        self.begun: dict[int, float] = {}
        self.opened: dict[int, float] = {}
        self.sweep: asyncio.TimerHandle | None = None
        self.expiry = self.loop.call_at(cutoff, self.expire)
        self.starting = True  # (the first slices: :meth:`start` hands them out)
        if not urls:
            self.finished.set_result(self.results)

    async def start(self) -> None:
        """Start what may start at once, a slice at a time: the checks started so far connect
        and read before the next slice starts, so an early check's answer is read while the
        rest start."""
        try:
            for count, index in enumerate(self.plan.take(self.loop.time()), 1):
                if self.finished.done():  # (an on_result raised: the round ends)
                    return
                self.launch(index)
                if count % START_SLICE == 0:
                    await asyncio.sleep(0)
        finally:
            self.starting = False
        self.more()

    def launch(self, index: int) -> None:
        self.unbegun += 1
        task = asyncio.ensure_future(self.one(index))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    def more(self) -> None:
        """Start what the plan allows now, and wake for a server's pace when it must wait."""
        if self.starting or self.finished.done():
            return
        now = self.loop.time()
        if now >= self.cutoff:
            return  # (:meth:`expire` is due)
        for index in self.plan.take(now):
            self.launch(index)
        paced = self.plan.next_at()
        if paced is None or paced >= self.cutoff:
            return
        if self.pace is None or self.pace.when() > paced:
            if self.pace is not None:
                self.pace.cancel()
            self.pace = self.loop.call_at(paced, self._paced)

    def _paced(self) -> None:
        self.pace = None
        self.more()

    async def one(self, index: int) -> None:
        self.unbegun -= 1
        if self.loop.time() >= self.cutoff:  # the loop got round to it too late (a busy machine)
            self.plan.done(index, False, None, 0.0, tried=False)
            self.ended(index, busy(self.timeout, self.unbegun + self.plan.waiting + 1))
            return
        began = self.begun[index] = self.loop.time()
        if self.sweep is None:
            self.sweep = self.loop.call_at(began + PARK_SECONDS, self._park)
        opened = self.opened

        def connected() -> None:
            opened.setdefault(index, self.loop.time())

        result = await probe(
            self.session,
            self.urls[index],
            self.timeout,
            expect=self.expects[index] if self.expects is not None else NOTHING_EXPECTED,
            good_codes=self.good_codes,
            connected=connected,
        )
        del self.begun[index]
        at = opened.pop(index, None)
        answered = result.status_code is not None or result.error is None
        self.plan.done(
            index,
            answered,
            result.error,
            result.elapsed_ms / 1000.0,
            now=self.loop.time(),
            connect=None if at is None else at - began,
        )
        self.ended(index, result)
        self.more()

    def _park(self) -> None:
        """Park the checks whose connection is open and that started :data:`PARK_SECONDS`
        ago or more (they wait on a slow page, not on the server's accept queue), and start
        what their places allow; again every half of that while checks are under way."""
        self.sweep = None
        if self.finished.done():
            return
        now = self.loop.time()
        parked = [
            index
            for index, began in self.begun.items()
            if began + PARK_SECONDS <= now and index in self.opened
        ]
        for index in parked:
            self.plan.park(index)
        if parked:
            self.more()
        if self.begun:
            self.sweep = self.loop.call_at(now + PARK_SECONDS / 2, self._park)

    def ended(self, index: int, result: ProbeResult) -> None:
        if self.finished.done():
            return
        self.results[index] = result
        if self.on_result is not None:
            try:
                self.on_result(index, result)
            except BaseException as exc:  # ends the round; probe_all raises it
                self.finished.set_exception(exc)
                return
        self.left -= 1
        if not self.left:
            self.finished.set_result(self.results)

    def expire(self) -> None:
        """The cutoff: what has not started is busy, and never starts."""
        left = self.plan.left()
        for index in left:
            self.ended(index, busy(self.timeout, len(left)))

    def close(self) -> None:
        self.expiry.cancel()
        if self.sweep is not None:
            self.sweep.cancel()
        if self.pace is not None:
            self.pace.cancel()
        for task in list(self.tasks):
            task.cancel()


async def any_good(
    urls: Sequence[str], timeout: float, good_codes: Sequence[int], session: Session | None = None
) -> bool:
    """True as soon as one URL answers with a good code (the connectivity guard). Its few
    checks start at once, outside the sites' caps: the guard must not wait behind them."""
    session = session or Session()
    tasks = [asyncio.ensure_future(probe(session, u, timeout)) for u in urls]
    try:
        for next_done in asyncio.as_completed(tasks):
            if (await next_done).is_good(good_codes):
                return True
        return False
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
