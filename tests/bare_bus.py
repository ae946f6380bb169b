"""A private D-Bus session bus that starts no service on demand (no service directories):
on it nobody serves org.freedesktop.Notifications, as on a bare XEmbed desktop. (On the
ordinary session bus an installed notification server, dunst for one, is started by the first
message to it, so stopping it is not enough.)"""

from __future__ import annotations

import subprocess
from pathlib import Path

from .processes import wait_until

SYSTEM_SERVICES = Path("/usr/share/dbus-1/services")

CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
{servicedir}</busconfig>
"""


def start_bare_bus(
    procs: list[subprocess.Popen],
    folder: Path,
    services: Path | None = None,
    env: dict[str, str] | None = None,
) -> str:
    """Start it (added to ``procs``) with its socket in ``folder``; returns its address for
    DBUS_SESSION_BUS_ADDRESS once the socket is there. ``services``: a folder of services it
    does start on demand (see ``all_but_notifications``), in the environment ``env`` (the
    bus's own: a desktop's settings daemon reads its folders from it)."""
    socket = folder / "bare-bus"
    config = folder / "bare-bus.conf"
    servicedir = f"  <servicedir>{services}</servicedir>\n" if services else ""
    config.write_text(CONFIG.format(socket=socket, servicedir=servicedir))
    procs.append(
        subprocess.Popen(
            ["dbus-daemon", "--nofork", "--nopidfile", f"--config-file={config}"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    )
    wait_until(socket.exists, 10, "the bare session bus")
    return f"unix:path={socket}"


def all_but_notifications(folder: Path, installed: Path = SYSTEM_SERVICES) -> Path:
    """A folder (made in ``folder``) of the installed session services but those serving
    org.freedesktop.Notifications: a desktop's panel still starts its settings daemon (xfconf)
    on demand, while no notification server is ever started."""
    services = folder / "services"
    services.mkdir(exist_ok=True)
    for service in installed.glob("*.service"):
        text = service.read_text(errors="replace")
        if "Name=org.freedesktop.Notifications" not in text.split():
            (services / service.name).write_text(text)
    return services
