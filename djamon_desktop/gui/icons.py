"""Tray and window icons, drawn so that each state differs in shape as well as colour:
up a green disc with a tick, warning an amber triangle, down a red square with a cross, idle a
grey ring with a bar."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPen, QPixmap, QPolygonF

COLOURS = {
    "up": QColor(46, 160, 67),
    "warning": QColor(230, 162, 20),
    "down": QColor(207, 34, 46),
    "idle": QColor(128, 128, 128),
}
SIZES = (16, 22, 24, 32, 48, 64)


def _draw(state: str, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    p = QPainter(pixmap)
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = COLOURS[state]
    s = float(size)
    m = s * 0.06
    mark = QPen(
        QColor(255, 255, 255),
        max(1.5, s * 0.12),
        Qt.PenStyle.SolidLine,
        Qt.PenCapStyle.RoundCap,
        Qt.PenJoinStyle.RoundJoin,
    )
    if state == "up":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawEllipse(QRectF(m, m, s - 2 * m, s - 2 * m))
        p.setPen(mark)
        tick = QPainterPath(QPointF(s * 0.28, s * 0.52))
        tick.lineTo(s * 0.44, s * 0.68)
        tick.lineTo(s * 0.72, s * 0.34)
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPath(tick)
    elif state == "warning":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawPolygon(QPolygonF([QPointF(s / 2, m), QPointF(s - m, s - m), QPointF(m, s - m)]))
        p.setPen(mark)
        p.drawLine(QPointF(s / 2, s * 0.38), QPointF(s / 2, s * 0.64))
        p.drawPoint(QPointF(s / 2, s * 0.80))
    elif state == "down":
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(colour)
        p.drawRoundedRect(QRectF(m, m, s - 2 * m, s - 2 * m), s * 0.12, s * 0.12)
        p.setPen(mark)
        p.drawLine(QPointF(s * 0.32, s * 0.32), QPointF(s * 0.68, s * 0.68))
        p.drawLine(QPointF(s * 0.68, s * 0.32), QPointF(s * 0.32, s * 0.68))
    else:
        ring = QPen(colour, max(2.0, s * 0.16))
        p.setPen(ring)
        p.setBrush(Qt.BrushStyle.NoBrush)
        inset = m + ring.widthF() / 2
        p.drawEllipse(QRectF(inset, inset, s - 2 * inset, s - 2 * inset))
        p.setPen(QPen(colour, max(2.0, s * 0.14), Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        p.drawLine(QPointF(s * 0.34, s / 2), QPointF(s * 0.66, s / 2))
    p.end()
    return pixmap


_cache: dict[str, QIcon] = {}


def state_icon(state: str) -> QIcon:
    if state not in _cache:
        icon = QIcon()
        for size in SIZES:
            icon.addPixmap(_draw(state, size))
        _cache[state] = icon
    return _cache[state]


def app_icon() -> QIcon:
    return state_icon("up")
