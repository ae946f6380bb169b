"""Help › README the way a person uses it: the menu entry, then what the status line and any box
say. The viewer is opened by the real xdg-open, on a desktop whose applications the test sets up
(a .desktop file for text files, or none at all)."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint

from .screen import click_menu, dashboard_shown, menu_of, message_box

pytestmark = pytest.mark.skipif(shutil.which("xdg-open") is None, reason="needs xdg-open")


@pytest.fixture
def desktop_apps(tmp_path, monkeypatch):
    """``desktop_apps(viewer=True)``: xdg-open's world is this test's folders: with ``viewer``
    a text viewer (a script noting the file it was given) is the default for text files;
    without, the desktop has no application at all. Returns the file the viewer writes."""

    def make(viewer: bool) -> Path:
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
            script.write_text(f'#!/bin/sh\nprintf %s "$1" > {opened}\n')
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
