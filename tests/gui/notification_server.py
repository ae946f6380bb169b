"""A real notification server for the tests of notification actions: dunst on a private
session D-Bus and a private Xvfb display (dunst draws its windows on X; the app itself stays on
Qt's offscreen platform). ``dunstctl`` reads and drives it: ``displayed()`` lists what is on
screen, ``action(title)`` invokes a notification's button through dunst's own context menu
(dunst hands its menu to the ``dmenu`` program of its configuration; here a script that picks
the line naming ``title``), as a person choosing it from the menu does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from ..processes import start_session_bus, start_xvfb, stop_all, wait_until

TOOLS = ("Xvfb", "dbus-daemon", "dunst", "dunstctl", "dbus-send")

#: dunst's menu program: it reads the menu's lines and prints the one holding the words in
#: the file ``choice`` (nothing, when none holds them: dunst then does nothing)
PICKER = """#!/bin/sh
cat > "{folder}/menu.part"
mv "{folder}/menu.part" "{folder}/menu"
grep -F -m1 -- "$(cat "{folder}/choice")" "{folder}/menu"
exit 0
"""


def missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


class NotificationServer:
    def __init__(self, folder: Path) -> None:
        self.dir = folder
        self.procs: list[subprocess.Popen] = []
        self.address = f"unix:path={folder / 'bus'}"
        self.env: dict[str, str] = {}

    def start(self) -> NotificationServer:
        display = start_xvfb(self.procs, "1280x800x24")
        self.env = {
            **os.environ,
            "DISPLAY": display,
            "DBUS_SESSION_BUS_ADDRESS": self.address,
            "XDG_CONFIG_HOME": str(self.dir / "config"),
            "XDG_RUNTIME_DIR": str(self.dir),
        }
        self.env.pop("WAYLAND_DISPLAY", None)
        start_session_bus(self.procs, self.env, self.dir / "bus")
        picker = self.dir / "pick"
        picker.write_text(PICKER.format(folder=self.dir))
        picker.chmod(0o755)
        (self.dir / "choice").write_text("")
        config = self.dir / "dunstrc"
        config.write_text(
            "[global]\n"
            '    geometry = "300x60-30+20"\n'
            f"    dmenu = {picker}\n"
            "    show_indicators = yes\n"
        )
        self.procs.append(
            subprocess.Popen(
                ["dunst", "-config", str(config)],
                env=self.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_until(self._serving, 10, "dunst owning org.freedesktop.Notifications")
        return self

    def _serving(self) -> bool:
        out = subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
             "string:org.freedesktop.Notifications"],
            env=self.env, capture_output=True, text=True,
        )  # fmt: skip
        return "true" in out.stdout

    def dunstctl(self, *args: str) -> str:
        out = subprocess.run(
            ["dunstctl", *args], env=self.env, capture_output=True, text=True, timeout=10
        )
        return out.stdout

    def displayed(self) -> int:
        """How many notifications are on screen."""
        return int(self.dunstctl("count", "displayed").strip() or 0)

    def history(self) -> list[dict]:
        """The notifications that left the screen, newest first (summary, body, ...)."""
        data = json.loads(self.dunstctl("history") or '{"data": [[]]}')
        return [{k: v["data"] for k, v in item.items()} for item in data["data"][0]]

    def take_all(self) -> list[str]:
        """Close what is on screen and return its titles (summaries), newest first: dunst
        lists only what left the screen."""
        before = len(self.history())
        self.dunstctl("close-all")
        wait_until(lambda: len(self.history()) > before or not self.displayed(), 5, "closing")
        return [h["summary"] for h in self.history()[: len(self.history()) - before]]

    def action(self, title: str) -> str:
        """Choose the button ``title`` from dunst's context menu; returns the menu dunst
        offered (its lines name each notification's buttons)."""
        menu = self._menu(title)
        wait_until(menu.exists, 10, "dunst's context menu")
        return menu.read_text()

    def offered(self, patience: float = 2) -> str:
        """The context menu dunst offers now, choosing nothing from it; "" when it offers
        none within ``patience`` seconds (dunst offers none while nothing is on screen, as
        between a message closed and the one replacing it)."""
        menu = self._menu("\x01")  # no menu line holds this control character
        try:
            wait_until(menu.exists, patience, "dunst's context menu")
        except TimeoutError:
            return ""
        return menu.read_text()

    def _menu(self, choice: str) -> Path:
        (self.dir / "choice").write_text(choice)
        menu = self.dir / "menu"
        menu.unlink(missing_ok=True)
        self.dunstctl("context")
        return menu

    def screenshot(self, name: str) -> None:
        """The screen dunst draws on, saved as NAME.png in the folder DJAMON_SHOTS names (when
        it names one, and ImageMagick's ``import`` is here)."""
        folder = os.environ.get("DJAMON_SHOTS")
        if folder and shutil.which("import"):
            Path(folder).mkdir(parents=True, exist_ok=True)
            shot = str(Path(folder) / f"{name}.png")
            subprocess.run(["import", "-window", "root", shot], env=self.env, timeout=30)

    def close(self) -> None:
        stop_all(self.procs, 5)
