"""Helper processes the tests start themselves (a session bus, a keyring daemon, a display...):
waiting for one to be ready, and stopping them all."""

from __future__ import annotations

import signal
import subprocess
import time
from collections.abc import Callable, Sequence


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
