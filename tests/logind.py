"""A private system bus with a stand-in logind on it, for the app's waking from sleep.

``dbus-daemon`` runs with a configuration of its own (``<type>system</type>``, a socket in the
test's folder, everything allowed); the stand-in is a process of its own (this module run as a
script) that owns ``org.freedesktop.login1`` and exports ``org.freedesktop.login1.Manager`` at
``/org/freedesktop/login1`` with logind's signal ``PrepareForSleep(b)``. The test writes
``sleep`` or ``wake`` to its stdin; it emits the signal and answers ``sent``.
"""

import asyncio
import subprocess
import sys
from pathlib import Path

from dbus_fast.aio import MessageBus
from dbus_fast.service import ServiceInterface, signal

try:
    from .processes import wait_until
except ImportError:  # run as a script: only the stand-in is needed
    wait_until = None  # type: ignore[assignment]

CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

LOGIN1 = "org.freedesktop.login1"


def start_system_bus(procs: list[subprocess.Popen], folder: Path) -> str:
    """Start the bus (added to ``procs``) with its socket in ``folder``; its address, for
    DBUS_SYSTEM_BUS_ADDRESS, once the socket is there."""
    socket = folder / "system-bus"
    config = folder / "system-bus.conf"
    config.write_text(CONFIG.format(socket=socket))
    procs.append(
        subprocess.Popen(
            ["dbus-daemon", "--nofork", "--nopidfile", f"--config-file={config}"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    wait_until(socket.exists, 10, "the private system bus")
    return f"unix:path={socket}"


class Logind:
    """The stand-in logind as the test drives it."""

    def __init__(self, procs: list[subprocess.Popen], address: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, __file__, address],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        procs.append(self.proc)
        line = self.proc.stdout.readline().strip()  # type: ignore[union-attr]
        if line != "ready":
            raise RuntimeError(f"the stand-in logind did not start ({line!r})")

    def say(self, word: str) -> None:
        """``sleep``: PrepareForSleep(true); ``wake``: PrepareForSleep(false)."""
        self.proc.stdin.write(word + "\n")  # type: ignore[union-attr]
        self.proc.stdin.flush()  # type: ignore[union-attr]
        line = self.proc.stdout.readline().strip()  # type: ignore[union-attr]
        if line != "sent":
            raise RuntimeError(f"the stand-in logind did not send {word!r} ({line!r})")

    def close(self) -> None:
        """End it (its stdin closed: it returns) and close its pipes."""
        for pipe in (self.proc.stdin, self.proc.stdout):
            if pipe is not None:
                pipe.close()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Manager(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.login1.Manager")

    @signal()
    def PrepareForSleep(self, start: "b") -> "b":  # noqa: F821, N802 (logind's own name)
        return start


async def serve(address: str) -> None:
    bus = await MessageBus(bus_address=address).connect()
    manager = Manager()
    bus.export("/org/freedesktop/login1", manager)
    await bus.request_name(LOGIN1)
    print("ready", flush=True)
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        manager.PrepareForSleep(line.strip() == "sleep")
        print("sent", flush=True)


if __name__ == "__main__":
    asyncio.run(serve(sys.argv[1]))
