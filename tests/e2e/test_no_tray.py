"""End to end on an X display with no tray host (GNOME without the AppIndicator extension), and
with one that goes away (a panel that crashed): the real app process says so once and keeps
the dashboard as a normal window, its title starting with the state and its icon set; closing
it minimizes it, never hides it (tests/gui/test_no_tray.py sees it minimized: these desktops
have no window manager to iconify it)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import payments
from .desktop import Desktop, stop_app
from .test_desktop import cli, needs, tray_state, wait_for

DASHBOARD = " — Dashboard — djamon-desktop$"
STATE_WORDS = re.compile(
    r"^(All up|\d+ failing|\d+ down|\d+ waiting|Paused|No connection|Database unreachable|"
    r"Nothing monitored) — Dashboard — djamon-desktop$"
)


@pytest.fixture
def desktop(request):
    d = Desktop(request.param).start()
    yield d
    d.close()


def start_app(desktop: Desktop, data_dir: Path, server, name: str) -> subprocess.Popen:
    doc = data_dir.parent / "sites.json"
    doc.write_text(json.dumps(payments(server, name, blog=False, strikes=1)))
    assert cli(data_dir, "import", str(doc), env=desktop.env).returncode == 0
    return subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir)],
        env=desktop.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def dashboard(desktop: Desktop, timeout: float = 20) -> str:
    found = wait_for(
        lambda: desktop.xdotool("search", "--onlyvisible", "--name", DASHBOARD),
        timeout,
        "the dashboard on screen",
    )
    return found.splitlines()[0]


def xprop(desktop: Desktop, window: str, *names: str) -> str:
    out = subprocess.run(
        ["xprop", "-id", window, *names], env=desktop.env, capture_output=True, text=True
    )
    return out.stdout


def viewable(desktop: Desktop, window: str) -> bool:
    out = subprocess.run(
        ["xwininfo", "-id", window], env=desktop.env, capture_output=True, text=True
    ).stdout
    return "Map State: IsViewable" in out


def notices(desktop: Desktop) -> int:
    """How many notifications dunst has had, shown now or in its history (while every site is
    up, the app has nothing else to say than that there is no tray)."""
    out = subprocess.run(["dunstctl", "history"], env=desktop.env, capture_output=True, text=True)
    history = json.loads(out.stdout or '{"data": [[]]}')["data"][0]
    return len(history) + desktop.displayed()


@pytest.mark.parametrize("desktop", [pytest.param("none", marks=needs("none"))], indirect=True)
def test_no_tray_the_dashboard_is_a_window_with_the_state(desktop, server, name, tmp_path):
    app = start_app(desktop, tmp_path / "app-data", server, name)
    try:
        window = dashboard(desktop)  # shown at start, asked by no one
        assert wait_for(
            lambda: desktop.xdotool("getwindowname", window).startswith("All up — "),
            20,
            "the first round's state in the title",
        )
        assert STATE_WORDS.match(desktop.xdotool("getwindowname", window))
        props = xprop(desktop, window, "_NET_WM_ICON", "_NET_WM_WINDOW_TYPE")
        assert "_NET_WM_ICON(CARDINAL) = " in props  # the state's icon
        assert "_NET_WM_WINDOW_TYPE_NORMAL" in props
        shots = Path(os.environ.get("DJAMON_SHOTS") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        desktop.screenshot(shots / "no-tray-desktop.png")
        time.sleep(7)  # the app has looked for a tray twice more meanwhile
        assert notices(desktop) == 1  # said once, not at each look

        # the title follows the state
        server.switch[name] = 500
        assert cli(tmp_path / "app-data", "check", env=desktop.env).returncode == 1
        assert wait_for(
            lambda: desktop.xdotool("getwindowname", window).startswith("1 down — "),
            15,
            "the title saying 1 down",
        )

        # Ctrl+W minimizes it (a window manager iconifies it; this desktop has none to): it
        # is not hidden, as it is where a tray can bring it back (the other test)
        desktop.xdotool("windowfocus", "--sync", window)
        desktop.xdotool("key", "--clearmodifiers", "ctrl+w")
        time.sleep(3)
        assert viewable(desktop, window)
        # launching the app again brings it forward (un-minimized), and exits 0
        again = cli(tmp_path / "app-data", env=desktop.env)
        assert again.returncode == 0, again.stderr
        assert viewable(desktop, window)
    finally:
        stop_app(app)


@pytest.mark.parametrize("desktop", [pytest.param("xembed", marks=needs("xembed"))], indirect=True)
def test_the_tray_host_going_away_brings_the_dashboard(desktop, server, name, tmp_path):
    app = start_app(desktop, tmp_path / "app-data", server, name)
    try:
        assert wait_for(lambda: tray_state(desktop, tmp_path) == "up", 20, "a green tray icon")
        assert not desktop.xdotool("search", "--onlyvisible", "--name", DASHBOARD)

        desktop.stop_tray_host()
        window = dashboard(desktop, 15)  # noticed within a few seconds
        assert desktop.xdotool("getwindowname", window).startswith("All up — ")
        assert "_NET_WM_ICON(CARDINAL) = " in xprop(desktop, window, "_NET_WM_ICON")
        assert wait_for(lambda: notices(desktop), 10, "the notice")
        time.sleep(8)  # several looks for a tray later
        assert notices(desktop) == 1
        shots = Path(os.environ.get("DJAMON_SHOTS") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        desktop.screenshot(shots / "tray-gone-desktop.png")

        # a tray host again: the icon is back in it, and the dashboard closes to it
        desktop._start_tray_host()
        assert wait_for(lambda: tray_state(desktop, tmp_path) == "up", 20, "the tray icon back")
        time.sleep(4)  # the app has looked again
        desktop.xdotool("windowfocus", "--sync", window)
        desktop.xdotool("key", "--clearmodifiers", "ctrl+w")
        assert wait_for(
            lambda: not desktop.xdotool("search", "--onlyvisible", "--name", DASHBOARD),
            10,
            "the dashboard closed to the tray",
        )
    finally:
        stop_app(app)
