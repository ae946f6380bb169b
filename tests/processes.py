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


SERVICE_DIRS = (Path("/usr/share/dbus-1/services"), Path("/usr/local/share/dbus-1/services"))

#: a session bus like the standard one, but starting only the services in ``{services}``
SESSION_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{services}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def start_session_bus(
    procs: list[subprocess.Popen], env: dict[str, str], socket: Path, without: tuple[str, ...] = ()
) -> None:
    """A private session D-Bus at ``env``'s DBUS_SESSION_BUS_ADDRESS (``unix:path=`` the
    ``socket``), added to ``procs``; returns once the socket is there. ``without`` names bus
    names it must not start on demand (an installed notification server, dunst for one, is
    otherwise started by the first message to ``org.freedesktop.Notifications``)."""
    argv = ["dbus-daemon", "--session", "--nofork", "--nopidfile",
            f"--address={env['DBUS_SESSION_BUS_ADDRESS']}"]  # fmt: skip
    if without:
        services = socket.parent / "bus-services"
        services.mkdir(exist_ok=True)
        for folder in SERVICE_DIRS:
            for file in sorted(folder.glob("*.service")) if folder.is_dir() else ():
                names = {
                    line.partition("=")[2].strip()
                    for line in file.read_text(errors="replace").splitlines()
                    if line.startswith("Name=")
                }
                if not names & set(without) and not (services / file.name).exists():
                    (services / file.name).symlink_to(file)
        config = socket.parent / "bus.conf"
        address = env["DBUS_SESSION_BUS_ADDRESS"]
        config.write_text(SESSION_CONFIG.format(address=address, services=services))
        argv = ["dbus-daemon", "--nofork", "--nopidfile", f"--config-file={config}"]
    bus = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs.append(bus)
    wait_until(socket.exists, 10, "the session bus")
