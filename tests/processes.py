"""Helper processes the tests start themselves (a session bus, a keyring daemon, a display...):
waiting for one to be ready, and stopping them all."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path


def wait_until(condition: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``condition`` every 50 ms; TimeoutError naming ``what`` when it stays false."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not happen within {timeout:g} s")


def stop_all(procs: Sequence[subprocess.Popen], grace: float) -> None:
    """SIGTERM to each still running, the last started first; one that has not ended within
    ``grace`` seconds is killed."""
    for proc in reversed(procs):
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in reversed(procs):
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def start_xvfb(procs: list[subprocess.Popen], screen: str) -> str:
    """An Xvfb display of ``screen`` (e.g. ``800x600x24``) on a free number, which it says
    itself (``-displayfd``); added to ``procs``. Returns the DISPLAY value (``:N``)."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", screen, "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    procs.append(xvfb)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        return f":{pipe.readline().strip()}"


def start_session_bus(procs: list[subprocess.Popen], env: dict[str, str], socket: Path) -> None:
    """A private session D-Bus at ``env``'s DBUS_SESSION_BUS_ADDRESS (``unix:path=`` the
    ``socket``), added to ``procs``; returns once the socket is there."""
    bus = subprocess.Popen(
        ["dbus-daemon", "--session", "--nofork", "--nopidfile",
         f"--address={env['DBUS_SESSION_BUS_ADDRESS']}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    procs.append(bus)
    wait_until(socket.exists, 10, "the session bus")
