"""Help › README the way a person uses it: the menu entry, then what the status line and any box
say. The viewer is opened by the real xdg-open, on a desktop whose applications the test sets up
(a .desktop file for text files, or none at all)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint

from .screen import click_menu, dashboard_shown, menu_of, message_box

pytestmark = pytest.mark.skipif(shutil.which("xdg-open") is None, reason="needs xdg-open")


@pytest.fixture
def desktop_apps(tmp_path, monkeypatch):
    """``desktop_apps(viewer=True, stays=False)``: xdg-open's world is this test's folders:
    with ``viewer`` a text viewer (a script noting the file it was given; with ``stays`` it
    then runs on, as a viewer does, its process id beside that file) is the default for text
    files; without, the desktop has no application at all. Returns the file the viewer
    writes."""

    def make(viewer: bool, stays: bool = False) -> Path:
        data, config = tmp_path / "data", tmp_path / "config"
        (data / "applications").mkdir(parents=True)
        config.mkdir()
        opened = tmp_path / "opened.txt"
        for name in ("XDG_CURRENT_DESKTOP", "DESKTOP_SESSION", "KDE_FULL_SESSION", "BROWSER"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DISPLAY", os.environ.get("DISPLAY") or ":99")  # xdg-open's "GUI"
        monkeypatch.setenv("XDG_DATA_HOME", str(data))
        monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "none"))
        monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
        monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path / "none"))
        monkeypatch.setenv("PATH", "/usr/bin:/bin")  # no browser to fall back on
        if viewer:
            script = tmp_path / "viewer.sh"
            stay = f"echo $$ > {opened}.pid\nexec sleep 120\n" if stays else ""
            script.write_text(f'#!/bin/sh\nprintf %s "$1" > {opened}\n{stay}')
            script.chmod(script.stat().st_mode | stat.S_IXUSR)
            (data / "applications" / "viewer.desktop").write_text(
                "[Desktop Entry]\nType=Application\nName=Viewer\n"
                f"Exec={script} %f\nMimeType=text/plain;text/markdown;\n"
            )
            (config / "mimeapps.list").write_text(
                "[Default Applications]\ntext/plain=viewer.desktop\ntext/markdown=viewer.desktop\n"
            )
        return opened

    return make


def test_readme_opens_in_the_desktops_viewer(qtbot, make_app, desktop_apps):
    opened = desktop_apps(viewer=True)
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    qtbot.mouseMove(dashboard, QPoint(5, 5))  # a move the menu sees, wherever the mouse was
    click_menu(qtbot, menu_of(dashboard, "&Help"), "&README")
    qtbot.waitUntil(
        lambda: dashboard.statusBar().currentMessage().startswith("Opened "), timeout=15000
    )
    path = opened.read_text()  # what the viewer was given
    assert path.endswith("README.md")
    assert "djamon-desktop" in Path(path).read_text(encoding="utf-8")


def test_readme_that_no_viewer_opens_says_so_and_offers_its_path(
    qtbot, make_app, desktop_apps, shot
):
    opened = desktop_apps(viewer=False)
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    dashboard.resize(1100, 600)  # as wide as on a desktop's screen (the test's is 800)
    qtbot.mouseMove(dashboard, QPoint(5, 5))  # a move the menu sees, wherever the mouse was
    click_menu(qtbot, menu_of(dashboard, "&Help"), "&README")
    box = message_box(qtbot, "README — djamon-desktop", timeout=15000)
    shot(box, "readme-not-opened")
    said = dashboard.statusBar().currentMessage()
    assert not said.startswith("Opened") and not opened.exists()
    assert said.startswith("The README was not opened: xdg-open said this desktop has no ")
    assert said.endswith("(exit status 3).") and "exit status 3" in box.text()
    path = box.text().rsplit("\n", 1)[1]  # the path offered, to open by hand
    assert Path(path).is_file() and path.endswith("README.md")
    box.close()


def test_a_viewer_that_xdg_open_runs_until_it_closes_is_opened_and_outlives_the_window(
    qtbot, make_app, desktop_apps
):
    """Some desktops' xdg-open runs the viewer itself and returns when it closes: the README
    is opened all the same, and closing the dashboard leaves the viewer open."""
    opened = desktop_apps(viewer=True, stays=True)
    app = make_app(start_round=False)
    dashboard = dashboard_shown(qtbot, app)
    qtbot.mouseMove(dashboard, QPoint(5, 5))
    click_menu(qtbot, menu_of(dashboard, "&Help"), "&README")
    pid_file = opened.with_name(opened.name + ".pid")
    qtbot.waitUntil(pid_file.exists, timeout=15000)
    pid = int(pid_file.read_text())
    try:
        qtbot.waitUntil(
            lambda: dashboard.statusBar().currentMessage().startswith("Opened "), timeout=20000
        )
        dashboard.close()
        qtbot.wait(300)
        os.kill(pid, 0)  # still running: closing the window did not take the viewer with it
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
