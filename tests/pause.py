"""Stopping one test cluster of PostgreSQL with SIGSTOP (a server that hangs: the kernel still
accepts and acknowledges, nothing answers) and letting it go on with SIGCONT: exactly that
cluster's postmaster (its pid from ``postmaster.pid``) and its children (found in /proc)."""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Iterator
from pathlib import Path

from .postgres import PostgresServer


def postmaster_pid(server: PostgresServer) -> int:
    return int((server.data / "postmaster.pid").read_text().split("\n", 1)[0])


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # ended meanwhile
        fields = stat.rpartition(")")[2].split()  # after "pid (name)": state, ppid, ...
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


@contextlib.contextmanager
def stopped(server: PostgresServer) -> Iterator[None]:
    """The cluster stopped (SIGSTOP) while inside; always continued (SIGCONT) on the way out."""
    parent = postmaster_pid(server)
    stopped_pids = [parent]
    try:
        os.kill(parent, signal.SIGSTOP)  # first: it starts no new child while its own are stopped
        for pid in children(parent):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
                stopped_pids.append(pid)
        yield
    finally:
        for pid in reversed(stopped_pids):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
