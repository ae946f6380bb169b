"""A light response-time chart drawn with QPainter: average and peak of good answers per hour,
and a red mark under each hour that had failures. (QtCharts is not part of
PySide6-Essentials, and one line chart does not justify the extra 40 MB.)"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...store.history import HourPoint


class ResponseChart(QWidget):
    def __init__(self, hours: int) -> None:
        super().__init__()
        self.hours = hours
        self.points: list[HourPoint] = []
        self.end = datetime.now().astimezone()
        self.setMinimumHeight(140)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def show_points(self, points: list[HourPoint], end: datetime) -> None:
        self.points = points
        self.end = end
        self.setToolTip(self.summary())
        self.update()

    def summary(self) -> str:
        """The chart in words (its tooltip, and what tests read)."""
        good = [p.average_ms for p in self.points if p.average_ms is not None]
        failing = sum(1 for p in self.points if p.good < p.checks)
        if not good:
            return "No answers in this period"
        return (
            f"Average {sum(good) / len(good):.0f} ms, slowest hour {max(good):.0f} ms; "
            f"{failing} hour{'s' if failing != 1 else ''} with failures"
        )

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        area = QRectF(self.rect()).adjusted(48, 10, -10, -24)
        p.fillRect(self.rect(), self.palette().base())
        p.setPen(QPen(self.palette().mid().color(), 1))
        p.drawRect(area)
        start = self.end - timedelta(hours=self.hours)
        span = (self.end - start).total_seconds()
        peaks = [pt.max_ms for pt in self.points if pt.max_ms is not None]
        top = max(peaks, default=100.0) * 1.1 or 100.0

        def x_of(moment: datetime) -> float:
            return area.left() + area.width() * (moment - start).total_seconds() / span

        def y_of(ms: float) -> float:
            return area.bottom() - area.height() * min(ms, top) / top

        p.setPen(self.palette().text().color())
        for fraction in (0.0, 0.5, 1.0):
            value = top * fraction
            p.drawText(
                QRectF(0, y_of(value) - 8, 44, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{value:.0f} ms",
            )
        label = "%H:%M" if self.hours <= 24 else "%a"
        for n in range(5):
            moment = start + (self.end - start) * n / 4
            p.drawText(
                QRectF(x_of(moment) - 30, area.bottom() + 4, 60, 16),
                Qt.AlignmentFlag.AlignCenter,
                moment.astimezone().strftime(label),
            )
        peak_line, mean_line = QPainterPath(), QPainterPath()
        started = False
        for pt in self.points:
            x = x_of(pt.start + timedelta(minutes=30))
            if pt.good < pt.checks:
                p.fillRect(QRectF(x - 2, area.bottom() - 6, 4, 6), QColor(207, 34, 46))
            if pt.average_ms is None:
                continue
            if not started:
                peak_line.moveTo(x, y_of(pt.max_ms or 0))
                mean_line.moveTo(x, y_of(pt.average_ms))
                started = True
            else:
                peak_line.lineTo(x, y_of(pt.max_ms or 0))
                mean_line.lineTo(x, y_of(pt.average_ms))
        p.setPen(QPen(QColor(46, 160, 67, 110), 1, Qt.PenStyle.DashLine))
        p.drawPath(peak_line)
        p.setPen(QPen(QColor(46, 120, 200), 2))
        p.drawPath(mean_line)
        if not started:
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "No answers in this period")
        else:
            p.setPen(QPen(QColor(46, 120, 200), 2))
            p.drawPoint(QPointF(mean_line.currentPosition()))
        p.end()
