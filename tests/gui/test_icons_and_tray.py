"""The tray icon's colour and shape, its tooltip, and its menu."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from djamon_desktop.core.status import Overview
from djamon_desktop.gui.icons import COLOURS, state_icon
from djamon_desktop.gui.tray import Tray

from .conftest import near, pixel_colour
from .screen import click_menu, menu_texts, open_menu


@pytest.mark.parametrize("state", ["up", "warning", "down", "idle"])
def test_each_state_has_its_colour(qtbot, state):
    expected = COLOURS[state]
    assert near(pixel_colour(state_icon(state), 64), expected.getRgb()[:3])


def test_each_state_has_its_own_shape(qtbot):
    def mask(state):
        image = state_icon(state).pixmap(32).toImage()
        return tuple(image.pixelColor(x, y).alpha() > 128 for x in range(32) for y in range(32))

    masks = {state: mask(state) for state in COLOURS}
    assert len(set(masks.values())) == 4


def test_overview_sets_icon_and_tooltip(qtbot):
    tray = Tray()
    tray.show_overview(Overview("down", "Payments down since 10:42 — outage K3X9QF2A"))
    assert pixel_colour(tray.icon.icon()) == pixel_colour(state_icon("down"))
    assert tray.icon.toolTip() == "djamon-desktop: Payments down since 10:42 — outage K3X9QF2A"


def test_menu_is_rebuilt_when_it_opens(qtbot):
    tray = Tray()
    tray.show_overview(Overview("up", "All 3 sites up"))
    tray.next_round = datetime(2026, 11, 27, 16, 59, tzinfo=UTC)
    texts = menu_texts(open_menu(qtbot, tray.menu))
    assert texts[0] == "All 3 sites up"
    assert not tray.menu.actions()[0].isEnabled()
    assert texts[1].startswith("Next round at ")
    assert texts[2:] == [
        "Open dashboard",
        "Check now",
        "Pause monitoring >",
        "  For 1 hour",
        "  Until I resume",
        "Outages…",
        "Settings…",
        "Quit",
    ]
    tray.menu.hide()
    tray.paused = True
    assert "Resume monitoring" in menu_texts(open_menu(qtbot, tray.menu))


def test_menu_entries_emit(qtbot):
    tray = Tray()
    with qtbot.waitSignal(tray.pause) as paused:
        click_menu(qtbot, tray.menu, "Pause monitoring", "Until I resume")
    assert paused.args == [None]
    with qtbot.waitSignal(tray.check_now):
        click_menu(qtbot, tray.menu, "Check now")


def test_rendered_pngs_match_their_svg_sources(qtbot):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "resources" / "render_icons.py"
    spec = importlib.util.spec_from_file_location("render_icons", path)
    render_icons = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(render_icons)
    from PySide6.QtGui import QImage

    checked = 0
    for svg, size, png in render_icons.targets():
        fresh = render_icons.render(svg, size).convertToFormat(QImage.Format.Format_ARGB32)
        stored = QImage(str(png)).convertToFormat(QImage.Format.Format_ARGB32)
        assert stored.size() == fresh.size(), png
        worst = max(
            abs(fresh.pixelColor(x, y).alpha() - stored.pixelColor(x, y).alpha())
            for x in range(size)
            for y in range(size)
        )
        assert worst <= 8, f"{png.name} is out of date: run resources/render_icons.py"
        checked += 1
    assert checked == 32


def test_connectivity_lost_offers_the_sandbox_urls_in_settings(qtbot):
    tray = Tray()
    assert "Sandbox URLs in Settings…" not in menu_texts(open_menu(qtbot, tray.menu))
    tray.menu.hide()
    tray.connectivity_lost = True
    assert menu_texts(open_menu(qtbot, tray.menu))[1] == "Sandbox URLs in Settings…"
    tray.menu.hide()
    with qtbot.waitSignal(tray.open_sandbox_settings):
        click_menu(qtbot, tray.menu, "Sandbox URLs in Settings…")
