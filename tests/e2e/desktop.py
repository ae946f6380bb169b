"""A private X desktop for the end-to-end tests: Xvfb, a session D-Bus, dunst as the
notification server (a left click runs the default action), and a tray host (trayer, an XEmbed
tray). Everything is started here and stopped by ``close``."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path

TOOLS = ("Xvfb", "dbus-daemon", "dunst", "trayer", "xdotool", "import", "dunstctl")


def missing_tools() -> list[str]:
    return [t for t in TOOLS if shutil.which(t) is None]


def _wait(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise TimeoutError(f"{what} did not happen within {timeout:g} s")


class Desktop:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="djamon-desktop-e2e-"))
        self.procs: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}

    def start(self) -> Desktop:
        for sub in ("config", "cache", "runtime", "data"):
            (self.dir / sub).mkdir()
        (self.dir / "runtime").chmod(0o700)
        read_fd, write_fd = os.pipe()
        xvfb = subprocess.Popen(
            [
                "Xvfb",
                "-displayfd",
                str(write_fd),
                "-screen",
                "0",
                "1280x800x24",
                "-nolisten",
                "tcp",
            ],
            pass_fds=(write_fd,),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.procs.append(xvfb)
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            display = pipe.readline().strip()
        env = {
            **os.environ,
            "DISPLAY": f":{display}",
            "XDG_CONFIG_HOME": str(self.dir / "config"),
            "XDG_CACHE_HOME": str(self.dir / "cache"),
            "XDG_RUNTIME_DIR": str(self.dir / "runtime"),
            "XDG_DATA_HOME": str(self.dir / "data"),
            "NO_AT_BRIDGE": "1",
            "QT_QPA_PLATFORM": "xcb",
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={self.dir / 'bus'}",
        }
        self.env = env
        bus = subprocess.Popen(
            [
                "dbus-daemon",
                "--session",
                "--nofork",
                f"--address={env['DBUS_SESSION_BUS_ADDRESS']}",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.procs.append(bus)
        _wait(lambda: (self.dir / "bus").exists(), 10, "the session bus")
        dunstrc = self.dir / "config" / "dunstrc"
        dunstrc.write_text(
            "[global]\n    mouse_left_click = do_action, close_current\n"
            '    geometry = "300x60-30+60"\n    origin = top-right\n    offset = 30x60\n'
        )
        self.procs.append(
            subprocess.Popen(
                ["dunst", "-config", str(dunstrc)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait(self._notifications_ready, 10, "dunst owning org.freedesktop.Notifications")
        self.procs.append(
            subprocess.Popen(
                [
                    "trayer",
                    "--edge",
                    "top",
                    "--align",
                    "right",
                    "--widthtype",
                    "request",
                    "--height",
                    "32",
                    "--SetDockType",
                    "true",
                    "--transparent",
                    "false",
                ],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        _wait(lambda: self.xdotool("search", "--classname", "trayer") != "", 10, "trayer")
        return self

    def _notifications_ready(self) -> bool:
        out = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                "string:org.freedesktop.Notifications",
            ],
            env=self.env,
            capture_output=True,
            text=True,
        )
        return "true" in out.stdout

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True)
        return out.stdout.strip()

    def screenshot(self, path: Path) -> Path:
        subprocess.run(
            ["import", "-window", "root", str(path)], env=self.env, check=True, capture_output=True
        )
        return path

    def close(self) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in reversed(self.procs):
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)
