"""Where the files in ``resources/`` are: beside the package in a source checkout, or inside
the PyInstaller bundle (``sys._MEIPASS``)."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def icon_file(name: str, size: int) -> Path:
    """A rendered PNG, e.g. ``icon_file("down", 22)`` or ``icon_file("app", 256)``."""
    return resource_dir() / "icons" / "png" / f"{name}-{size}.png"
