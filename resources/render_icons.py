"""Render the SVG sources in resources/icons/ to the PNG sizes the app and the desktop use.

    .venv/bin/python resources/render_icons.py

The PNGs are committed: the app loads them (no SVG renderer needed at run time) and
tests/gui/test_icons_and_tray.py checks they match their sources.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent / "icons"
STATES = ("up", "warning", "down", "idle")
TRAY_SIZES = (16, 22, 24, 32, 48, 64)
APP_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)


def render(svg: Path, size: int):
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    return image


def targets():
    for state in STATES:
        for size in TRAY_SIZES:
            yield ICONS / f"{state}.svg", size, ICONS / "png" / f"{state}-{size}.png"
    for size in APP_SIZES:
        yield ICONS / "app.svg", size, ICONS / "png" / f"app-{size}.png"


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication([])  # noqa: F841
    (ICONS / "png").mkdir(exist_ok=True)
    for svg, size, png in targets():
        render(svg, size).save(str(png))
    print(f"rendered {len(list(targets()))} PNGs in {ICONS / 'png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
