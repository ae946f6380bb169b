"""A private X desktop for the end-to-end tests: Xvfb, a session D-Bus, dunst as the
notification server (a left click runs the default action), and a tray host: trayer (an XEmbed
tray, as XFCE, MATE and LXDE have had) or xfce4-panel's systray (a StatusNotifierItem host, as
KDE and GNOME's AppIndicator), or none at all (``none``: GNOME without the AppIndicator
extension). ``notifications=False`` leaves the session bus with no notification server (the bus
starts none on demand, whether dunst runs or not: see ``stop_notifications``), and
``accessibility=True`` starts the accessibility (AT-SPI) bus and turns Qt's bridge on for the
programs started with ``env``. Everything is started here and stopped by ``close``."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from ..bare_bus import all_but_notifications, start_bare_bus
from ..processes import start_xvfb, stop_all, wait_until

#: dunst's menu program (its ``dmenu``): it keeps the menu's lines in ``menu`` and prints the
#: one holding the words in the file ``choice``, as a person picking that line does (nothing
#: when none holds them: dunst then does nothing)
PICKER = """#!/bin/sh
cat > "{folder}/menu.part"
mv "{folder}/menu.part" "{folder}/menu"
grep -F -m1 -- "$(cat "{folder}/choice")" "{folder}/menu"
exit 0
"""

TOOLS = ("Xvfb", "dbus-daemon", "dunst", "trayer", "xdotool", "import", "dunstctl")
TRAY_HOSTS = {"xembed": "trayer", "sni": "xfce4-panel", "none": None}
AT_SPI_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"

# xfce4-panel, one panel along the top holding only the systray (StatusNotifierItem) plugin
XFCE_PANEL = """<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
      <property name="plugin-ids" type="array"><value type="int" value="1"/></property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray">
      <property name="square-icons" type="bool" value="true"/>
    </property>
  </property>
</channel>
"""


def missing_tools(mode: str = "xembed", accessibility: bool = False) -> list[str]:
    host = TRAY_HOSTS[mode]
    tools = [t for t in TOOLS if t != "trayer"] + ([host] if host else [])
    missing = [t for t in tools if shutil.which(t) is None]
    if accessibility and not os.access(AT_SPI_LAUNCHER, os.X_OK):
        missing.append(AT_SPI_LAUNCHER)
    return missing


class Desktop:
    def __init__(
        self,
        mode: str = "xembed",
        markup: bool = False,
        notifications: bool = True,
        accessibility: bool = False,
    ) -> None:
        if mode not in TRAY_HOSTS:
            raise ValueError(f"no desktop mode {mode!r}")
        self.mode = mode
        self.markup = markup  # whether dunst reads markup in bodies (says body-markup)
        self.notifications = notifications  # whether dunst runs at all
        self.accessibility = accessibility
        self.dir = Path(tempfile.mkdtemp(prefix="djamon-desktop-e2e-"))
        self.procs: list[subprocess.Popen] = []
        self._logs: list = []
        self.env: dict[str, str] = {}

    def start(self) -> Desktop:
        for sub in ("config", "cache", "runtime", "data"):
            (self.dir / sub).mkdir()
        (self.dir / "runtime").chmod(0o700)
        display = start_xvfb(self.procs, "1280x800x24")
        env = {
            **os.environ,
            "DISPLAY": display,
            "XDG_CONFIG_HOME": str(self.dir / "config"),
            "XDG_CACHE_HOME": str(self.dir / "cache"),
            "XDG_RUNTIME_DIR": str(self.dir / "runtime"),
            "XDG_DATA_HOME": str(self.dir / "data"),
            "NO_AT_BRIDGE": "1",
            "GSETTINGS_BACKEND": "memory",
            "QT_QPA_PLATFORM": "xcb",
        }
        if self.accessibility:
            del env["NO_AT_BRIDGE"]
            env["QT_ACCESSIBILITY"] = "1"
            env["QT_LINUX_ACCESSIBILITY_ALWAYS_ON"] = "1"
        self.env = env
        # a bus that never starts a notification server on demand (an installed dunst would be
        # started by the first message to it): dunst runs only while this desktop runs it
        services = all_but_notifications(self.dir)
        env["DBUS_SESSION_BUS_ADDRESS"] = start_bare_bus(self.procs, self.dir, services, env)
        if self.accessibility:
            self._spawn([AT_SPI_LAUNCHER, "--launch-immediately"])
            wait_until(lambda: self._bus_has("org.a11y.Bus"), 10, "the accessibility bus")
        if self.notifications:
            self._start_dunst()
        self._start_tray_host()
        return self

    def _start_dunst(self) -> None:
        env = self.env
        dunstrc = self.dir / "config" / "dunstrc"
        picker = self.dir / "pick"
        picker.write_text(PICKER.format(folder=self.dir))
        picker.chmod(0o755)
        (self.dir / "choice").write_text("")
        dunstrc.write_text(
            "[global]\n    mouse_left_click = do_action, close_current\n"
            f"    mouse_right_click = context\n    dmenu = {picker}\n"
            '    geometry = "300x60-30+60"\n    origin = top-right\n    offset = 30x60\n'
            + ("    markup = full\n" if self.markup else "")
        )
        self.procs.append(
            subprocess.Popen(
                ["dunst", "-config", str(dunstrc)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        wait_until(self._notifications_ready, 10, "dunst owning org.freedesktop.Notifications")

    def stop_notifications(self) -> None:
        """End dunst, as when a notification server crashes; ``start_notifications`` again."""
        for proc in self.procs:
            if proc.args[0] == "dunst" and proc.poll() is None:
                proc.terminate()
                proc.wait(10)
        wait_until(
            lambda: not self._notifications_ready(), 10, "org.freedesktop.Notifications gone"
        )

    def start_notifications(self) -> None:
        self._start_dunst()

    def _start_tray_host(self) -> None:
        if self.mode == "none":
            return
        if self.mode == "sni":
            channel = self.dir / "config" / "xfce4" / "xfconf" / "xfce-perchannel-xml"
            channel.mkdir(parents=True)
            (channel / "xfce4-panel.xml").write_text(XFCE_PANEL)
            self._spawn(["xfce4-panel", "--disable-wm-check"])
            wait_until(self._sni_host_ready, 20, "the StatusNotifierItem host (xfce4-panel)")
        else:
            self._spawn(
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
                ]
            )
            wait_until(lambda: self.xdotool("search", "--classname", "trayer") != "", 10, "trayer")

    def stop_tray_host(self) -> None:
        """End the tray host, as when a panel crashes or the extension is turned off."""
        host = TRAY_HOSTS[self.mode]
        for proc in self.procs:
            if host and Path(str(proc.args[0])).name == host and proc.poll() is None:
                proc.terminate()
                proc.wait(10)

    def _spawn(self, argv: list[str]) -> None:
        log = open(self.dir / f"{Path(argv[0]).name}.log", "wb")  # noqa: SIM115 - kept open
        self.procs.append(subprocess.Popen(argv, env=self.env, stdout=log, stderr=log))
        self._logs.append(log)

    def _sni_host_ready(self) -> bool:
        return self._bus_has("org.kde.StatusNotifierWatcher")

    def _notifications_ready(self) -> bool:
        return self._bus_has("org.freedesktop.Notifications")

    def _bus_has(self, name: str) -> bool:
        out = subprocess.run(
            [
                "dbus-send",
                "--session",
                "--print-reply",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                f"string:{name}",
            ],
            env=self.env,
            capture_output=True,
            text=True,
        )
        return "true" in out.stdout

    def xdotool(self, *args: str) -> str:
        out = subprocess.run(["xdotool", *args], env=self.env, capture_output=True, text=True)
        return out.stdout.strip()

    def choose_from_menu(self, title: str) -> str:
        """Two clicks, as a person makes them: a right click on the notification on screen
        opens dunst's menu of its buttons, and the line naming ``title`` is chosen there.
        Returns the menu dunst offered (a line for each button: ``#TITLE (SUMMARY)``)."""
        (self.dir / "choice").write_text(title)
        menu = self.dir / "menu"
        menu.unlink(missing_ok=True)
        window = self.xdotool("search", "--classname", "Dunst").splitlines()[-1]
        self.xdotool("mousemove", "--window", window, "40", "20", "click", "3")
        wait_until(menu.exists, 10, "dunst's menu")
        return menu.read_text()

    def displayed(self) -> int:
        """How many notifications dunst has on screen."""
        out = subprocess.run(
            ["dunstctl", "count", "displayed"], env=self.env, capture_output=True, text=True
        )
        return int(out.stdout.strip() or 0)

    def tray_tooltip(self) -> str | None:
        """The tooltip of the tray's StatusNotifierItem as the tray host reads it over this
        desktop's session bus: its title and text, one line each (None while no item is
        registered). Only in the ``sni`` mode."""
        return asyncio.run(self._tooltip())

    async def _tooltip(self) -> str | None:
        from dbus_fast import Message, MessageType
        from dbus_fast.aio import MessageBus

        bus = await MessageBus(bus_address=self.env["DBUS_SESSION_BUS_ADDRESS"]).connect()
        try:

            async def get(service: str, path: str, interface: str, prop: str):
                reply = await bus.call(
                    Message(
                        destination=service,
                        path=path,
                        interface="org.freedesktop.DBus.Properties",
                        member="Get",
                        signature="ss",
                        body=[interface, prop],
                    )
                )
                if reply.message_type != MessageType.METHOD_RETURN:
                    return None
                return reply.body[0].value

            watcher = "org.kde.StatusNotifierWatcher"
            items = await get(
                watcher, "/StatusNotifierWatcher", watcher, "RegisteredStatusNotifierItems"
            )
            if not items:
                return None
            service, _, path = items[0].partition("/")
            tip = await get(
                service,
                "/" + (path or "StatusNotifierItem"),
                "org.kde.StatusNotifierItem",
                "ToolTip",
            )
            if tip is None:
                return None
            return "\n".join(part for part in (tip[2], tip[3]) if part)
        finally:
            bus.disconnect()

    def screenshot(self, path: Path) -> Path:
        subprocess.run(
            ["import", "-window", "root", str(path)], env=self.env, check=True, capture_output=True
        )
        return path

    def close(self) -> None:
        stop_all(self.procs, 5)
        for log in self._logs:
            log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def stop_app(app: subprocess.Popen) -> None:
    """End an app started on the desktop as the desktop ends a session (SIGTERM): it must quit
    within 15 s, exit 0 and print no traceback."""
    app.send_signal(signal.SIGTERM)
    try:
        code = app.wait(15)
    except subprocess.TimeoutExpired:
        app.kill()
        raise
    _, err = app.communicate()
    assert code == 0, err
    assert "Traceback" not in err
