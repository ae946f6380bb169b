"""A window's saved geometry comes back inside the screen it opens on: a size saved on a larger
screen or at a larger scale is shrunk to the available screen, and that shrunk size is not saved
back unless the person resizes the window (the larger screen gets its size back)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

from djamon_desktop.gui.windows.base import RememberedWindow
from djamon_desktop.gui.windows.dashboard import DashboardWindow

from .screen import shown


@pytest.fixture
def ini(tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "windows.ini"), QSettings.Format.IniFormat)
    monkeypatch.setattr(RememberedWindow, "settings", settings)
    return settings


def inside(window) -> bool:
    room = QGuiApplication.primaryScreen().availableGeometry()
    return room.contains(window.geometry())


def test_a_saved_oversized_geometry_is_fitted_to_the_screen_and_kept(qtbot, ini):
    room = QGuiApplication.primaryScreen().availableGeometry()
    first = shown(qtbot, DashboardWindow())
    first.setGeometry(room.x() - 50, room.y() + 30, room.width() * 2, room.height() * 2)
    qtbot.waitUntil(lambda: first.width() > room.width())
    first.close()
    oversized = ini.value("geometry/dashboard")
    assert oversized is not None

    second = shown(qtbot, DashboardWindow())
    assert inside(second), (second.geometry(), room)
    second.close()  # not resized by the person: what was saved stays
    assert ini.value("geometry/dashboard") == oversized

    third = shown(qtbot, DashboardWindow())
    third.resize(room.width() // 2, room.height() // 2)  # the person's own size: saved
    qtbot.waitUntil(lambda: third.width() == room.width() // 2)
    third.close()
    assert ini.value("geometry/dashboard") != oversized
    fourth = shown(qtbot, DashboardWindow())
    assert fourth.size() == third.size() and inside(fourth)


def test_a_default_size_larger_than_the_screen_is_fitted(qtbot, ini):
    room = QGuiApplication.primaryScreen().availableGeometry()
    assert room.width() < 1100 or room.height() < 600 or pytest.skip("a screen this large")
    dashboard = shown(qtbot, DashboardWindow())  # 1100 × 600 by default
    assert inside(dashboard)
