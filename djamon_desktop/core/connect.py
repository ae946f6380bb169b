"""Opening a check's connection the way browsers and curl do: Happy Eyeballs (RFC 8305).

A name often has IPv6 and IPv4 addresses, and one family may be broken (an AAAA record
pointing at a host that drops the SYNs, a route that goes nowhere). Trying the addresses one
after another, the first would eat the whole deadline and a healthy site would read as down.
So the addresses are interleaved by family (the family the resolver put first, then the other,
alternating) and the next attempt starts 250 ms after the previous one started, or at once when
the previous one failed. The first socket to connect wins; the others are cancelled and closed.
TLS (or a proxy's tunnel) runs only on the winner.

Names are looked up once per round and shared (:meth:`.probe.Session.addresses`), so the
sockets are connected here rather than by ``create_connection`` (which would look the name up
again). A host with one address (loopback sites, IP literals) takes the short way: one socket,
no race, no timer, so a round of them costs no more than a plain connect.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import ssl
from collections.abc import Sequence

from .heads import MAX_LINE_BYTES

ATTEMPT_DELAY = 0.25  # seconds between two attempts' starts (RFC 8305's "Connection Attempt Delay")

Address = tuple[int, tuple]  # (family, sockaddr without its port: (host,) or (host, flow, scope))


def interleaved(addresses: Sequence[Address]) -> list[Address]:
    """``addresses`` in the order they are tried: the resolver's first family first, then
    alternating with the other family, each family in the resolver's order (RFC 8305 §4)."""
    if not addresses:
        return []
    first = addresses[0][0]
    ours = [a for a in addresses if a[0] == first]
    others = [a for a in addresses if a[0] != first]
    if not others:
        return list(addresses)
    out: list[Address] = []
    for index in range(max(len(ours), len(others))):
        out.extend(pair[index] for pair in (ours, others) if index < len(pair))
    return out


class ConnectFailed(OSError):
    """Every address of a host refused or failed; ``strerror`` says how each did."""


async def _attempt(loop: asyncio.AbstractEventLoop, address: Address, port: int) -> socket.socket:
    """One non-blocking connect. Not ``loop.sock_connect``: that parses the address again to
    resolve it, a cost a round of a thousand checks of IP addresses would pay for nothing."""
    family, where = address
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setblocking(False)
        error = sock.connect_ex((where[0], port, *where[1:]))
        if error == errno.EINPROGRESS:  # wait until the socket is writable: connected or not
            fd = sock.fileno()
            writable = loop.create_future()
            loop.add_writer(fd, _settle, writable)
            try:
                await writable
            finally:
                loop.remove_writer(fd)
            error = sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
        if error:
            raise OSError(error, os.strerror(error))  # ConnectionRefusedError and kin
    except BaseException:
        sock.close()  # a loser cancelled, a refusal, the deadline: never a socket left open
        raise
    return sock


def _settle(future: asyncio.Future) -> None:
    if not future.done():
        future.set_result(None)


async def open_socket(addresses: Sequence[Address], port: int) -> socket.socket:
    """A connected non-blocking socket to ``port`` on the first of ``addresses`` (already
    in the order to try them) to answer. Raises the error of the only address, or
    :class:`ConnectFailed` naming each address's when all of them failed."""
    loop = asyncio.get_running_loop()
    if len(addresses) == 1:
        return await _attempt(loop, addresses[0], port)
    if not addresses:
        raise ConnectFailed("no address to connect to")
    attempts: list[asyncio.Task[socket.socket]] = []
    failures: list[tuple[Address, BaseException]] = []
    winner: asyncio.Task[socket.socket] | None = None

    def settle(done: set[asyncio.Task[socket.socket]]) -> asyncio.Task[socket.socket] | None:
        for task in sorted(done, key=attempts.index):  # a tie goes to the earlier address
            if task.exception() is None:
                return task
            failures.append((addresses[attempts.index(task)], task.exception()))  # type: ignore[arg-type]
        return None

    try:
        pending: set[asyncio.Task[socket.socket]] = set()
        for address in addresses:
            newest = loop.create_task(_attempt(loop, address, port))
            attempts.append(newest)
            pending.add(newest)
            # wait for a winner, or this attempt's failure, or 250 ms: then start the next
            until = loop.time() + ATTEMPT_DELAY
            while pending and newest in pending and (left := until - loop.time()) > 0:
                done, pending = await asyncio.wait(
                    pending, timeout=left, return_when=asyncio.FIRST_COMPLETED
                )
                winner = settle(done)
                if winner is not None:
                    return winner.result()
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            winner = settle(done)
            if winner is not None:
                return winner.result()
    finally:
        for task in attempts:
            if task is winner:
                continue
            if not task.done():
                task.cancel()  # its own ``except`` closes its socket
            elif not task.cancelled() and task.exception() is None:
                task.result().close()  # connected too, a moment after the winner
    if len(failures) == 1:
        raise failures[0][1]
    reasons = "; ".join(f"{where[0]}: {_reason(exc)}" for (_family, where), exc in failures)
    raise ConnectFailed(reasons)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror[:1].lower() + exc.strerror[1:]
    return str(exc) or type(exc).__name__


async def open_stream(
    addresses: Sequence[Address], port: int, tls: ssl.SSLContext | None, tls_host: str | None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Streams on the winning connection, with TLS (verifying ``tls_host``) when ``tls``."""
    if len(addresses) == 1:  # the short way, one coroutine less
        sock = await _attempt(asyncio.get_running_loop(), addresses[0], port)
    else:
        sock = await open_socket(addresses, port)
    try:
        return await asyncio.open_connection(
            sock=sock, ssl=tls, server_hostname=tls_host if tls else None, limit=MAX_LINE_BYTES
        )
    except BaseException:
        sock.close()
        raise
