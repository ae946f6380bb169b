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

from .expect import Expect
from .polite import Plan, server_of
from .probe import NOTHING_EXPECTED, ProbeResult, Session, probe
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
) -> list[ProbeResult]:
    """Check every URL, many at once; results in the order given.
    ``expects``: each URL's :class:`Expect` (None: nothing beyond a good code for any).

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
    cutoff = (loop.time() if round_started is None else round_started) + timeout
    plan = Plan([server_of(url) for url in urls], max_parallel())
    results: list[ProbeResult] = [busy(timeout, 0)] * len(urls)
    wake = asyncio.Event()
    broken = False
    unbegun = 0  # checks handed to the event loop that have not begun yet

    def ended(index: int, result: ProbeResult) -> None:
        nonlocal broken
        results[index] = result
        if on_result is not None:
            try:
                on_result(index, result)
            except BaseException:
                broken = True
                wake.set()
                raise

    async def one(index: int) -> None:
        nonlocal unbegun
        unbegun -= 1
        if loop.time() >= cutoff:  # the loop got round to it too late (a busy machine)
            plan.done(index, False, None, 0.0, tried=False)
            wake.set()
            ended(index, busy(timeout, unbegun + plan.waiting + 1))
            return
        result = await probe(
            session,
            urls[index],
            timeout,
            expect=expects[index] if expects is not None else NOTHING_EXPECTED,
        )
        answered = result.status_code is not None or result.error is None
        plan.done(index, answered, result.error, result.elapsed_ms / 1000.0, now=loop.time())
        wake.set()
        ended(index, result)

    tasks: list[asyncio.Future[None]] = []
    try:
        while True:
            wake.clear()  # (before taking: a check ending from here on wakes the wait below)
            if loop.time() >= cutoff:
                break
            for count, index in enumerate(plan.take(loop.time()), 1):
                unbegun += 1
                tasks.append(asyncio.ensure_future(one(index)))
                if count % START_SLICE == 0:
                    # Let the checks started so far connect and read before the next slice
                    # starts, so that an early check's answer is read while the rest start.
                    await asyncio.sleep(0)
            if broken or not plan.waiting:
                break
            if wake.is_set():
                continue
            paced = plan.next_at()
            try:
                async with asyncio.timeout_at(cutoff if paced is None else min(paced, cutoff)):
                    await wake.wait()
            except TimeoutError:
                if paced is None or paced >= cutoff:
                    break
            if broken:
                break
        if not broken:
            left = plan.left()
            for index in left:
                ended(index, busy(timeout, len(left)))
        await asyncio.gather(*tasks)  # (an exception of on_result's is raised from here)
        return results
    finally:
        for task in tasks:
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
