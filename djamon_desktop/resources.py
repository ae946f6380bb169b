"""Where the files in ``resources/`` are: inside the PyInstaller bundle (``sys._MEIPASS``),
inside an installed wheel (``djamon_desktop/_resources``), or beside the package in a source
checkout (an editable install)."""

from __future__ import annotations

import sys
from pathlib import Path


def resource_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    installed = Path(__file__).resolve().parent / "_resources"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parent.parent / "resources"


def icon_file(name: str, size: int) -> Path:
    """A rendered PNG, e.g. ``icon_file("down", 22)`` or ``icon_file("app", 256)``."""
    return resource_dir() / "icons" / "png" / f"{name}-{size}.png"


def font_file(bold: bool = False) -> Path:
    """The bundled DejaVu Sans (or its bold) that PDF reports are set in: the same font on
    every machine, with the glyphs of most scripts (see ``resources/fonts/LICENSE``)."""
    return resource_dir() / "fonts" / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
