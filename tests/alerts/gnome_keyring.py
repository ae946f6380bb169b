"""A real GNOME Keyring on a private session bus, for the keyring tests: ``dbus-daemon`` and
``gnome-keyring-daemon --components=secrets`` in a home folder of the test's own, started here and
stopped by ``stop``. Optionally an Xvfb display, where GNOME Keyring shows its unlock prompt."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

from ..processes import start_session_bus, start_xvfb, stop_all, wait_until

TOOLS = ("dbus-daemon", "dbus-send", "gnome-keyring-daemon")
PASSWORD = "login-keyring-password"  # the login keyring's own password, not a djamon secret


def missing_tools(display: bool = False) -> list[str]:
    needed = TOOLS + (("Xvfb",) if display else ())
    return [tool for tool in needed if shutil.which(tool) is None]


class GnomeKeyring:
    def __init__(self, home: Path) -> None:
        self.home = home
        self.procs: list[subprocess.Popen] = []
        self.daemon: subprocess.Popen | None = None
        runtime = home / "runtime"
        runtime.mkdir(parents=True, exist_ok=True)
        runtime.chmod(0o700)
        self.env = {
            "HOME": str(home),
            "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"),
            "XDG_CACHE_HOME": str(home / "cache"),
            "XDG_RUNTIME_DIR": str(runtime),
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={runtime / 'bus'}",
            "GSETTINGS_BACKEND": "memory",
            "NO_AT_BRIDGE": "1",
        }

    def full_env(self) -> dict[str, str]:
        """The machine's environment with this home and bus, no display and no keyring choice."""
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PYTHON_KEYRING_BACKEND", "DISPLAY", "WAYLAND_DISPLAY")
        }
        return {**env, **self.env}

    def with_display(self) -> GnomeKeyring:
        """An Xvfb display for the unlock prompt (call before ``start``)."""
        self.env["DISPLAY"] = start_xvfb(self.procs, "800x600x24")
        return self

    def start(self, unlock: bool = True) -> GnomeKeyring:
        """The bus and the keyring daemon; ``unlock`` creates or unlocks the login keyring."""
        start_session_bus(self.procs, self.full_env(), self.home / "runtime" / "bus")
        self.start_daemon(unlock)
        return self

    def start_daemon(self, unlock: bool) -> None:
        argv = ["gnome-keyring-daemon", "--foreground", "--components=secrets"]
        self.daemon = subprocess.Popen(
            argv + (["--unlock"] if unlock else []),
            env=self.full_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        assert self.daemon.stdin is not None
        if unlock:
            self.daemon.stdin.write(PASSWORD.encode())
        self.daemon.stdin.close()
        wait_until(lambda: self._bus_has("org.freedesktop.secrets"), 10, "GNOME Keyring on the bus")

    def stop_daemon(self) -> None:
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            self.daemon.wait(10)
        self.daemon = None
        wait_until(
            lambda: not self._bus_has("org.freedesktop.secrets"), 10, "GNOME Keyring leaving"
        )

    def _bus_has(self, name: str) -> bool:
        out = subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", f"string:{name}"],
            env=self.full_env(),
            capture_output=True,
            text=True,
        )  # fmt: skip
        return "true" in out.stdout

    def stop(self) -> None:
        if self.daemon is not None and self.daemon.poll() is None:
            self.daemon.send_signal(signal.SIGTERM)
            self.daemon.wait(10)
        stop_all(self.procs, 10)
