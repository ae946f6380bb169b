"""End to end on a real X display with the accessibility bus: each window, opened the way a
person opens it with the keyboard (xdotool key presses), is read over AT-SPI as a screen reader
reads it (tests/e2e/atspi_walk.py, with Debian's pyatspi), and every control a person focuses or
uses must have a name or a label it is labelled by. A window the app opens by itself must leave
the keyboard where it was."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import document, group, site
from .desktop import Desktop, missing_tools, stop_app
from .test_desktop import cli, wait_for

WALKER = Path(__file__).with_name("atspi_walk.py")
SYSTEM_PYTHON = "/usr/bin/python3"


def _has_pyatspi() -> bool:
    if not os.access(SYSTEM_PYTHON, os.X_OK):
        return False
    found = subprocess.run([SYSTEM_PYTHON, "-c", "import pyatspi"], capture_output=True)
    return found.returncode == 0


MISSING = missing_tools("xembed", accessibility=True) + ([] if _has_pyatspi() else ["pyatspi"])
pytestmark = pytest.mark.skipif(
    bool(MISSING),
    reason=f"no accessible test desktop here (missing {', '.join(MISSING)}; .ci/setup installs it)",
)
SUFFIX = " — djamon-desktop"
HOSTILE = "<b>Bold</b> &amp; <i>title</i>"


@pytest.fixture
def desktop():
    d = Desktop("xembed", accessibility=True).start()
    yield d
    d.close()


def start_app(desktop: Desktop, data_dir: Path) -> subprocess.Popen:
    # (the tests' keyring backend stays: the desktop's own would prompt for a new keyring's
    # password, a window that takes the keyboard)
    return subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir)],
        env=desktop.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def walk(desktop: Desktop, pid: int, title: str) -> dict:
    """The window titled ``title`` (a prefix) as AT-SPI has it, once it is there."""

    def read() -> dict | None:
        out = subprocess.run(
            [SYSTEM_PYTHON, str(WALKER), str(pid), title],
            env=desktop.env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        windows = json.loads(out.stdout)
        return windows[0] if windows and windows[0]["controls"] else None

    return wait_for(read, 20, f"{title!r} on the accessibility bus")


def nameless(window: dict) -> list[str]:
    return [
        f"{c['role']} at {c['path']}"
        for c in window["controls"]
        if not c["name"].strip() and not c["labelled_by"]  # shown, or shown later
    ]


def named(window: dict, role: str) -> list[str]:
    return [
        c["name"] or c["labelled_by"][0]
        for c in window["controls"]
        if c["role"] == role and (c["name"] or c["labelled_by"])
    ]


def window_of(desktop: Desktop, title: str) -> str:
    found = wait_for(
        lambda: desktop.xdotool("search", "--onlyvisible", "--name", f"^{title}"), 20, title
    )
    return found.splitlines()[0]


def keys(desktop: Desktop, window: str, *pressed: str) -> None:
    """Key presses, as a person types them, into ``window`` (given the keyboard first: with no
    window manager nothing else gives it)."""
    desktop.xdotool("windowfocus", "--sync", window)
    time.sleep(0.3)  # Qt makes the window active when it has read the focus change
    for key in pressed:
        desktop.xdotool("key", "--clearmodifiers", key)


def test_every_window_names_every_control_over_at_spi(desktop, server, name, tmp_path):
    data_dir = tmp_path / "app-data"
    server.switch[name] = 500
    doc = tmp_path / "sites.json"
    doc.write_text(
        json.dumps(
            document(
                group(
                    "Production",
                    site("Payments", server.url(f"/switch/{name}"), priority="critical"),
                    site(HOSTILE, server.url("/status/200"), priority="low"),
                ),
                group("Marketing", site("Blog", server.url("/status/200"))),
                strikes=1,
            )
        )
    )
    env = desktop.env
    assert cli(data_dir, "import", str(doc), env=env).returncode == 0
    assert cli(data_dir, "check", env=env).returncode == 1  # an outage, for its window
    app = start_app(desktop, data_dir)

    def read(title: str) -> dict:
        """The window over AT-SPI; fails naming each of its nameless controls."""
        seen = walk(desktop, app.pid, title)
        bad = nameless(seen)
        assert not bad, f"nameless controls in {seen['title']}:\n" + "\n".join(bad)
        return seen

    try:
        # the dashboard, as a second launch (or a click on the tray) brings it
        wait_for(lambda: desktop.xdotool("search", "--pid", str(app.pid)), 30, "the tray icon")
        assert cli(data_dir, env=env).returncode == 0
        dashboard = window_of(desktop, ".*— Dashboard" + SUFFIX)
        seen = read("Dashboard")
        assert "Sites" in named(seen, "tree table") + named(seen, "tree")
        assert "Filter sites" in named(seen, "text")
        menus = [c["name"] for c in seen["controls"] if c["role"] == "menu item"]
        assert {"File", "Sites", "Monitor", "Help", "Check now", "Settings…"} <= set(menus)

        # a site's window: Ctrl+F, its title, Enter (to the row), Enter (opens it)
        keys(desktop, dashboard, "ctrl+f")
        desktop.xdotool("type", "--delay", "20", "Payments")
        keys(desktop, dashboard, "Return", "Return")
        window_of(desktop, "Payments" + SUFFIX)
        seen = read("Payments")
        assert "Last 10 checks" in named(seen, "table")

        # the outages list (Ctrl+O), and the outage's window from its first row (Enter)
        keys(desktop, dashboard, "ctrl+o")
        outages = window_of(desktop, "Outages" + SUFFIX)
        seen = read("Outages")
        assert "Outages" in named(seen, "table")
        keys(desktop, outages, "ctrl+Home", "Return")
        window_of(desktop, "Outage ")
        seen = read("Outage ")
        assert {"Note for the team", "Extra information"} <= set(named(seen, "text"))
        assert {"Timeline", "Alerts", "Sites, and why each failed"} <= set(named(seen, "list"))

        # Settings (Ctrl+,), each tab in turn (Ctrl+PageDown)
        keys(desktop, dashboard, "ctrl+comma")
        settings = window_of(desktop, "Settings" + SUFFIX)
        seen = read("Settings")
        tabs = named(seen, "page tab")
        assert len(tabs) >= 6, tabs
        for _tab in tabs:
            assert len(named(seen, "push button")) >= 2  # Save, Close at least
            keys(desktop, settings, "ctrl+Next")
            seen = read("Settings")
        keys(desktop, settings, "Escape")

        # the site and group editors (Ctrl+N, Ctrl+Shift+N)
        keys(desktop, dashboard, "ctrl+n")
        editor = window_of(desktop, "Add site" + SUFFIX)
        seen = read("Add site")
        assert {"Title:", "URL:"} <= set(named(seen, "text"))
        keys(desktop, editor, "Escape")
        keys(desktop, dashboard, "ctrl+shift+n")
        editor = window_of(desktop, "Add group" + SUFFIX)
        seen = read("Add group")
        keys(desktop, editor, "Escape")

        # pausing the site the filter left current (Ctrl+P)
        keys(desktop, dashboard, "ctrl+p")
        dialog = window_of(desktop, "Pause Payments" + SUFFIX)
        seen = read("Pause Payments")
        assert "Pause for:" in named(seen, "spin button")
        keys(desktop, dialog, "Escape")

        # Report… (Ctrl+R): its choices, the preview and the buttons; Escape closes it
        keys(desktop, dashboard, "ctrl+r")
        report = window_of(desktop, "Report" + SUFFIX)
        seen = read("Report")
        assert len(named(seen, "combo box")) >= 2  # the month, the group
        assert {"Save as PDF…", "Save as HTML…", "Save as CSV…"} <= set(named(seen, "push button"))
        keys(desktop, report, "Escape")
        gone = lambda: not desktop.xdotool("search", "--onlyvisible", "--name", "^Report")  # noqa: E731
        wait_for(gone, 10, "the Report window closed")
    finally:
        stop_app(app)


OTHER = """
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
field = QLineEdit()
field.setWindowTitle("Someone else's window")
field.resize(400, 60)
field.move(600, 500)
field.show()
app.exec()
"""


def test_a_window_the_app_opens_by_itself_leaves_the_keyboard_where_it_is(desktop, tmp_path):
    """The first launch shows the dashboard by itself (nothing is monitored yet): the person
    typing in another program's window goes on typing there."""
    other = subprocess.Popen([sys.executable, "-c", OTHER], env=desktop.env)
    app = None
    try:
        typing = window_of(desktop, "Someone else's window")
        desktop.xdotool("windowfocus", "--sync", typing)
        wait_for(lambda: desktop.xdotool("getwindowfocus") == typing, 10, "the other's focus")
        app = start_app(desktop, tmp_path / "app-data")
        window_of(desktop, ".*— Dashboard" + SUFFIX)
        seen = walk(desktop, app.pid, "Dashboard")  # on screen and read: it had its chance
        time.sleep(1)
        assert desktop.xdotool("getwindowfocus") == typing
        assert not seen["active"]
        assert "Add a site…" in named(seen, "push button")
    finally:
        # the stand-in goes first and at once (it needs no grace; a Qt program with the
        # accessibility bridge on once outlived SIGTERM by 10 s here)
        other.kill()
        other.wait(10)
        if app is not None:
            stop_app(app)
