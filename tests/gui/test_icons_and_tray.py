"""The tray icon's colour and shape, its tooltip, and its menu."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from djamon_desktop.core.status import Overview
from djamon_desktop.gui.icons import COLOURS, state_icon
from djamon_desktop.gui.tray import Tray

from .conftest import near, pixel_colour


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
    tray.menu.aboutToShow.emit()
    texts = tray.action_texts()
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
    tray.paused = True
    tray.menu.aboutToShow.emit()
    assert "Resume monitoring" in tray.action_texts()


def test_menu_entries_emit(qtbot):
    tray = Tray()
    with qtbot.waitSignal(tray.pause) as paused:
        tray.trigger("Until I resume")
    assert paused.args == [None]
    with qtbot.waitSignal(tray.check_now):
        tray.trigger("Check now")


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
    tray.menu.aboutToShow.emit()
    assert "Sandbox URLs in Settings…" not in tray.action_texts()
    tray.connectivity_lost = True
    tray.menu.aboutToShow.emit()
    assert tray.action_texts()[1] == "Sandbox URLs in Settings…"
    with qtbot.waitSignal(tray.open_sandbox_settings):
        tray.trigger("Sandbox URLs in Settings…")
