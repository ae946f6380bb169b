"""End to end on a real X display: the tray icon changes colour (seen in screenshots), the
notification is clicked, and the outage's window opens, found by its title."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from ..conftest import payments
from .desktop import Desktop, missing_tools


def needs(mode: str):
    missing = missing_tools(mode)
    return pytest.mark.skipif(
        bool(missing),
        reason=f"no {mode} test desktop here (missing {', '.join(missing)}; .ci/setup installs it)",
    )


STATE_RGB = {
    "up": (46, 160, 67),
    "warning": (230, 162, 20),
    "down": (207, 34, 46),
    "idle": (128, 128, 128),
}


@pytest.fixture
def desktop(request):
    d = Desktop(getattr(request, "param", "xembed")).start()
    yield d
    d.close()


def tray_state(desktop: Desktop, tmp_path: Path) -> str | None:
    """Which state colour fills the tray of a fresh screenshot: trayer sits in the top-right
    corner, xfce4-panel's systray at the left of a panel along the top."""
    from PySide6.QtGui import QImage

    image = QImage(str(desktop.screenshot(tmp_path / "shot.png")))
    counts: Counter = Counter()
    xs = range(0, 320) if desktop.mode == "sni" else range(image.width() - 320, image.width())
    for x in xs:
        for y in range(0, 34):
            c = image.pixelColor(x, y)
            for state, rgb in STATE_RGB.items():
                if all(
                    abs(a - b) < 25
                    for a, b in zip((c.red(), c.green(), c.blue()), rgb, strict=True)
                ):
                    counts[state] += 1
    if not counts:
        return None
    state, n = counts.most_common(1)[0]
    return state if n >= 20 else None


SUFFIX = " — djamon-desktop$"


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"{what} did not happen within {timeout:g} s")


def cli(data_dir: Path, *args: str, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmRSS")


def click_notification(desktop: Desktop, route: str) -> None:
    """Click, with a real pointer, the notification on screen: dunst's window when it went over
    D-Bus, Qt's balloon (a small djamon-desktop window beside the tray) otherwise."""
    if route == "dbus":
        found = wait_for(
            lambda: desktop.xdotool("search", "--classname", "Dunst"), 10, "the D-Bus notification"
        )
    else:

        def balloon() -> str:
            for window in desktop.xdotool(
                "search", "--onlyvisible", "--classname", "djamon-desktop"
            ).splitlines():
                geometry = desktop.xdotool("getwindowgeometry", window)
                width, height = geometry.rsplit("Geometry: ", 1)[1].split("x")
                if int(width) > 100 and int(height) < 200:
                    return window
            return ""

        found = wait_for(balloon, 10, "Qt's notification balloon")
    window = found.splitlines()[-1]
    desktop.xdotool("mousemove", "--window", window, "40", "40", "click", "1")


@pytest.mark.parametrize(
    "desktop, route",
    [
        pytest.param("xembed", "dbus", marks=needs("xembed")),
        pytest.param("xembed", "balloon", marks=needs("xembed")),
        pytest.param("sni", "dbus", marks=needs("sni")),
    ],
    indirect=["desktop"],
)
def test_tray_turns_red_notification_opens_the_outage(desktop, server, tmp_path, route, name):
    data_dir = tmp_path / "app-data"
    doc = tmp_path / "sites.json"
    doc.write_text(json.dumps(payments(server, name, blog=False, strikes=1)))
    env = {**desktop.env}
    env.pop("PYTHON_KEYRING_BACKEND", None)
    if route == "balloon":  # no session bus: Qt's own balloon, as on a bare XEmbed tray
        env.pop("DBUS_SESSION_BUS_ADDRESS")
    assert cli(data_dir, "import", str(doc), env=env).returncode == 0
    app = subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert wait_for(lambda: tray_state(desktop, tmp_path) == "up", 20, "a green tray icon")
        # idle memory, once the first round is done
        time.sleep(2)
        memory = rss_mib(app.pid)
        print(f"idle RSS of the app: {memory:.1f} MiB")
        # 85-87 MiB measured here with 2 sites; 120 MiB is the target with 206 sites
        # after every window was opened and closed (tests/bench/memory.py measures that case)
        assert memory <= 120

        if desktop.mode == "xembed":  # (with no window manager it would cover xfce's panel)
            # a second launch brings the first one's dashboard forward and exits 0
            second = cli(data_dir, env=env)
            assert second.returncode == 0, second.stderr
            assert wait_for(
                lambda: desktop.xdotool("search", "--name", f"^All up — Dashboard{SUFFIX}"),
                10,
                "the dashboard window",
            )

        # a check from the command line opens an outage; the app sees it and notifies
        server.switch[name] = 500
        assert cli(data_dir, "check", env=env).returncode == 1
        code = json.loads(cli(data_dir, "outage", "current", "--json", env=env).stdout)["code"]
        assert wait_for(lambda: tray_state(desktop, tmp_path) == "down", 10, "a red tray icon")
        click_notification(desktop, route)
        title = f"^Outage {code} — djamon-desktop$"
        found = wait_for(
            lambda: desktop.xdotool("search", "--name", title),
            5,
            "the outage window opening on a click",
        )
        # with no window manager, windows open at 0,0: move it off the panel before looking
        desktop.xdotool("windowmove", found.splitlines()[0], "300", "300")

        server.switch[name] = 200
        assert cli(data_dir, "check", env=env).returncode == 0
        assert wait_for(lambda: tray_state(desktop, tmp_path) == "up", 10, "green again")

        # closed with Ctrl+W, the windows are gone (deleted, not kept hidden) and so is their
        # memory: the bound the idle app has
        for window in desktop.xdotool("search", "--onlyvisible", "--name", SUFFIX).split():
            desktop.xdotool("windowfocus", "--sync", window)
            desktop.xdotool("key", "--clearmodifiers", "ctrl+w")
        assert wait_for(
            lambda: not desktop.xdotool("search", "--onlyvisible", "--name", SUFFIX),
            5,
            "every window closed",
        )
        time.sleep(1)
        memory = rss_mib(app.pid)
        print(f"RSS of the app once its windows were closed: {memory:.1f} MiB")
        assert memory <= 120
    finally:
        app.send_signal(signal.SIGTERM)
        try:
            code_ = app.wait(10)
        except subprocess.TimeoutExpired:
            app.kill()
            raise
        out, err = app.communicate()
    assert code_ == 0, err
    assert "Traceback" not in err
