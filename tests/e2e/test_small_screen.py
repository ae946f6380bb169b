"""On a small screen at a large scale (1024×600 at QT_SCALE_FACTOR=2, as a newcomer met it) the
dashboard, Settings and the other windows open inside the screen, Settings' Save in reach; the
size a window was shrunk to is not saved as the person's choice. On a real X display (Xvfb, no
window manager: the available geometry is the whole screen)."""

from __future__ import annotations

import configparser
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import payments
from ..processes import start_xvfb, stop_all
from .desktop import stop_app
from .test_desktop import cli, wait_for

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in ("Xvfb", "xdotool", "import")),
    reason="needs Xvfb, xdotool and ImageMagick's import (.ci/setup installs them)",
)
WIDTH, HEIGHT = 1024, 600


@pytest.fixture
def small_screen(tmp_path):
    procs: list[subprocess.Popen] = []
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DBUS_SESSION_BUS_ADDRESS", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update(
        DISPLAY=start_xvfb(procs, f"{WIDTH}x{HEIGHT}x24"),
        QT_QPA_PLATFORM="xcb",
        QT_SCALE_FACTOR="2",
        XDG_RUNTIME_DIR=str(runtime),
        NO_AT_BRIDGE="1",
    )
    yield env
    stop_all(procs, 5)


def window_named(env, title: str) -> str:
    found = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--name", title],
        env=env,
        capture_output=True,
        text=True,
    ).stdout.split()
    return found[0] if found else ""


def geometry(env, window: str) -> tuple[int, int, int, int]:
    """x, y, width, height of ``window`` in the screen's pixels."""
    out = subprocess.run(
        ["xdotool", "getwindowgeometry", "--shell", window],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    values = dict(line.split("=", 1) for line in out.split())
    return tuple(int(values[k]) for k in ("X", "Y", "WIDTH", "HEIGHT"))  # type: ignore[return-value]


def fits(box: tuple[int, int, int, int]) -> bool:
    x, y, width, height = box
    return x >= 0 and y >= 0 and x + width <= WIDTH and y + height <= HEIGHT


def test_the_dashboard_and_settings_fit_a_small_screen_at_scale_2(
    small_screen, server, tmp_path, name
):
    env = small_screen
    data_dir = tmp_path / "app-data"
    doc = tmp_path / "sites.json"
    doc.write_text(json.dumps(payments(server, name, blog=False, strikes=1)))
    app = subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    shots = Path(os.environ.get("DJAMON_SHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    try:
        # a first launch opens the dashboard; the sites imported then fill it
        dashboard = wait_for(
            lambda: window_named(env, "— Dashboard — djamon-desktop$"), 30, "the dashboard"
        )
        assert cli(data_dir, "import", str(doc), env=env).returncode == 0
        time.sleep(3)  # (the app sees the import within a second or two)
        assert wait_for(lambda: fits(geometry(env, dashboard)), 5, "the dashboard fitting")
        subprocess.run(["import", "-window", "root", str(shots / "small-dashboard.png")], env=env)
        subprocess.run(["xdotool", "windowfocus", "--sync", dashboard], env=env, check=True)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+comma"], env=env, check=True)
        settings = wait_for(
            lambda: window_named(env, "^Settings — djamon-desktop$"), 15, "Settings"
        )
        # Qt never makes a window smaller than its layout's minimum: a window that fits shows
        # all its rows, the Save button at the bottom with them
        box = wait_for(lambda: fits(geometry(env, settings)) and geometry(env, settings), 5, "")
        assert box[2] <= WIDTH and box[3] <= HEIGHT
        subprocess.run(["import", "-window", "root", str(shots / "small-settings.png")], env=env)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "Escape"], env=env, check=True)
        wait_for(lambda: not window_named(env, "^Settings — djamon-desktop$"), 10, "closed")
        # the site editor, a form taller than this screen: it scrolls, Save below it
        subprocess.run(["xdotool", "windowfocus", "--sync", dashboard], env=env, check=True)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+n"], env=env, check=True)
        editor = wait_for(lambda: window_named(env, "^Add site — djamon-desktop$"), 15, "editor")
        assert wait_for(lambda: fits(geometry(env, editor)), 5, "the site editor fitting")
        subprocess.run(["import", "-window", "root", str(shots / "small-editor.png")], env=env)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "Escape"], env=env, check=True)
        wait_for(lambda: not window_named(env, "^Add site — djamon-desktop$"), 10, "closed")
        # a site's window (its details, charts and last checks), opened from its row
        subprocess.run(["xdotool", "windowfocus", "--sync", dashboard], env=env, check=True)
        for key in ("Home", "Down", "Return"):
            subprocess.run(["xdotool", "key", "--clearmodifiers", key], env=env, check=True)
        found = wait_for(lambda: window_named(env, "^Payments — djamon-desktop$"), 15, "site")
        assert wait_for(lambda: fits(geometry(env, found)), 5, "the site's window fitting")
        subprocess.run(["import", "-window", "root", str(shots / "small-site.png")], env=env)
        # Report… (Ctrl+R): its choices, the preview and its buttons
        subprocess.run(["xdotool", "windowfocus", "--sync", dashboard], env=env, check=True)
        subprocess.run(["xdotool", "key", "--clearmodifiers", "ctrl+r"], env=env, check=True)
        found = wait_for(lambda: window_named(env, "^Report — djamon-desktop$"), 15, "Report")
        assert wait_for(lambda: fits(geometry(env, found)), 5, "the Report window fitting")
        subprocess.run(["import", "-window", "root", str(shots / "small-report.png")], env=env)
    finally:
        stop_app(app)
    # the sizes they were shrunk to are not saved as chosen: a larger screen gets them back
    saved = configparser.RawConfigParser()
    saved.read(data_dir / "windows.ini")
    kept = dict(saved["geometry"]) if saved.has_section("geometry") else {}
    assert "dashboard" not in kept and "settings" not in kept, kept
