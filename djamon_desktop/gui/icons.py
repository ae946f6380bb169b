"""Tray and window icons, from the PNGs rendered out of ``resources/icons/*.svg``. Each state
differs in shape as well as colour: up a green disc with a tick, warning an amber triangle with
"!", down a red square with a cross, idle a grey ring with a bar."""

from __future__ import annotations

from PySide6.QtGui import QColor, QIcon

from ..core.states import State
from ..resources import icon_file

#: the main colour of each state's shape (what a screenshot of the tray shows)
COLOURS = {
    State.UP: QColor(46, 160, 67),
    State.WARNING: QColor(230, 162, 20),
    State.DOWN: QColor(207, 34, 46),
    State.IDLE: QColor(133, 133, 133),
}
STATES = tuple(COLOURS)
TRAY_SIZES = (16, 22, 24, 32, 48, 64)
APP_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)

_cache: dict[str, QIcon] = {}


def _load(name: str, sizes: tuple[int, ...]) -> QIcon:
    if name not in _cache:
        icon = QIcon()
        for size in sizes:
            path = icon_file(name, size)
            if not path.exists():
                raise FileNotFoundError(f"icon {path} is missing (resources/render_icons.py)")
            icon.addFile(str(path))
        _cache[name] = icon
    return _cache[name]


def state_icon(state: State) -> QIcon:
    return _load(state, TRAY_SIZES)


def app_icon() -> QIcon:
    return _load("app", APP_SIZES)
