"""End to end, the app's notifications on real desktops: with no notification server on the
session bus a "down" message shows as Qt's balloon beside the XEmbed tray and a click on it opens
the outage; with the server gone mid-run the balloon stands in, and once it is back the messages
go to it again; where the server has actions, an outage's messages offer "Open" (and the "down"
one "I'm on it"), and choosing "Open" from dunst's menu opens the outage's window."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from djamon_desktop.gui.notify import NOT_SHOWN

from ..conftest import payments
from .desktop import Desktop
from .test_desktop import cli, needs, tray_state, wait_for


@pytest.fixture
def desktops():
    made: list[Desktop] = []
    yield lambda *args, **kwargs: made.append(Desktop(*args, **kwargs).start()) or made[-1]
    for desktop in made:
        desktop.close()


def shots_folder(tmp_path: Path) -> Path:
    folder = Path(os.environ.get("DJAMON_SHOTS") or tmp_path / "shots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class Running:
    """The app in a process of its own on ``desktop``, with the "Payments" site of the usual
    document; ``fail()`` and ``recover()`` change the site and check it from the terminal (the
    app reads the outage from the database and tells it)."""

    def __init__(self, desktop: Desktop, server, name: str, tmp_path: Path) -> None:
        self.desktop, self.server, self.name = desktop, server, name
        self.data_dir = tmp_path / "app-data"
        self.env = {**desktop.env}
        self.env.pop("PYTHON_KEYRING_BACKEND", None)
        doc = tmp_path / "sites.json"
        doc.write_text(json.dumps(payments(server, name, blog=False, strikes=1)))
        assert cli(self.data_dir, "import", str(doc), env=self.env).returncode == 0
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(self.data_dir)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def fail(self) -> str:
        """The site goes down; the code of its outage."""
        self.server.switch[self.name] = 500
        assert cli(self.data_dir, "check", env=self.env).returncode == 1
        outage = cli(self.data_dir, "outage", "current", "--json", env=self.env)
        return json.loads(outage.stdout)["code"]

    def recover(self) -> None:
        self.server.switch[self.name] = 200
        assert cli(self.data_dir, "check", env=self.env).returncode == 0

    def outage_window(self, code: str) -> str:
        return self.desktop.xdotool("search", "--name", f"^Outage {code} — djamon-desktop$")

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise
        err = self.proc.communicate()[1]
        assert code == 0, err
        assert "Traceback" not in err


def balloon(desktop: Desktop) -> str:
    """Qt's balloon on screen (a small window of the app beside the tray), or ''."""
    for window in desktop.xdotool(
        "search", "--onlyvisible", "--classname", "djamon-desktop"
    ).splitlines():
        geometry = desktop.xdotool("getwindowgeometry", window)
        width, height = geometry.rsplit("Geometry: ", 1)[1].split("x")
        if int(width) > 100 and int(height) < 200:
            return window
    return ""


@needs("xembed")
def test_no_notification_server_the_balloon_shows_and_opens_the_outage(
    desktops, server, name, tmp_path
):
    desktop = desktops("xembed", notifications=False)
    app = Running(desktop, server, name, tmp_path)
    try:
        assert wait_for(lambda: tray_state(desktop, tmp_path) == "up", 20, "a green tray icon")
        code = app.fail()
        window = wait_for(lambda: balloon(desktop), 15, "Qt's balloon with the down message")
        assert not desktop._notifications_ready()  # nobody was started to show it instead
        desktop.screenshot(shots_folder(tmp_path) / "notify-balloon-no-server.png")
        desktop.xdotool("mousemove", "--window", window, "40", "40", "click", "1")
        wait_for(lambda: app.outage_window(code), 10, "the outage window opening on a click")
    finally:
        app.stop()


@needs("xembed")
def test_the_server_gone_the_balloon_stands_in_and_back_it_is_used_again(
    desktops, server, name, tmp_path
):
    desktop = desktops("xembed")
    app = Running(desktop, server, name, tmp_path)
    try:
        assert wait_for(lambda: tray_state(desktop, tmp_path) == "up", 20, "a green tray icon")
        first = app.fail()
        wait_for(lambda: desktop.displayed() == 1, 15, "the down message shown by dunst")
        assert not balloon(desktop)

        desktop.stop_notifications()  # as when the notification server crashes
        app.recover()  # its message would go to the server that answered before
        window = wait_for(lambda: balloon(desktop), 15, "Qt's balloon with the recovery")
        assert not desktop._notifications_ready()  # nobody was started to show it instead
        desktop.screenshot(shots_folder(tmp_path) / "notify-server-gone.png")
        desktop.xdotool("mousemove", "--window", window, "40", "40", "click", "1")
        wait_for(lambda: app.outage_window(first), 10, "the outage window opening on a click")
        wait_for(lambda: not balloon(desktop), 10, "the balloon going on a click")

        desktop.start_notifications()
        second = app.fail()
        assert second != first
        wait_for(lambda: desktop.displayed() == 1, 15, "the next message shown by dunst again")
        desktop.screenshot(shots_folder(tmp_path) / "notify-server-back.png")
        assert not balloon(desktop)  # not shown twice
    finally:
        app.stop()


@needs("sni")
def test_open_on_a_message_opens_its_outage(desktops, server, name, tmp_path):
    desktop = desktops("sni")
    app = Running(desktop, server, name, tmp_path)
    try:
        wait_for(lambda: desktop.tray_tooltip(), 20, "the tray icon")
        code = app.fail()
        wait_for(lambda: desktop.displayed() == 1, 15, "the down message on screen")
        desktop.screenshot(shots_folder(tmp_path) / "notify-down-with-actions.png")
        title = f"Payments is down — outage {code}"
        menu = desktop.choose_from_menu(f"#Open ({title})")
        assert f"#Open ({title})" in menu and f"#I'm on it ({title})" in menu, menu
        wait_for(lambda: app.outage_window(code), 10, "the outage window opening on Open")
        wait_for(lambda: desktop.displayed() == 0, 10, "the message going: Open did its job")

        app.recover()
        wait_for(lambda: desktop.displayed() == 1, 15, "the recovery message on screen")
        back = f"Payments is back — outage {code} is over"
        menu = desktop.choose_from_menu(f"#Open ({back})")
        assert f"#Open ({back})" in menu and "I'm on it" not in menu, menu
    finally:
        app.stop()


@needs("sni")
def test_no_server_on_a_status_notifier_tray_the_lost_message_is_said(
    desktops, server, name, tmp_path
):
    """Qt's balloon on a StatusNotifierItem tray is a message to the notification server too:
    with none, the dashboard's status line (and the log) says what was not shown."""
    desktop = desktops("sni", notifications=False)
    app = Running(desktop, server, name, tmp_path)
    try:
        wait_for(lambda: desktop.tray_tooltip(), 20, "the tray icon")
        # a second launch brings the dashboard forward (the first launch's) and exits
        assert cli(app.data_dir, env=app.env).returncode == 0
        dashboard = wait_for(
            lambda: desktop.xdotool("search", "--name", "— Dashboard — djamon-desktop$"),
            10,
            "the dashboard window",
        )
        desktop.xdotool("windowmove", dashboard.splitlines()[0], "0", "40")
        code = app.fail()
        words = f"{NOT_SHOWN}Payments is down — outage {code}"
        log = app.data_dir / "logs" / "djamon-desktop.log"
        wait_for(lambda: log.exists() and words in log.read_text(), 15, "the loss logged")
        assert not balloon(desktop) and not desktop._notifications_ready()
        desktop.screenshot(shots_folder(tmp_path) / "notify-lost-sni-status-line.png")
    finally:
        app.stop()
