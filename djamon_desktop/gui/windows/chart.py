"""A light response-time chart drawn with QPainter: average and peak of good answers per hour,
each hour a dot joined to the next, and a red mark under each hour that had failed checks.
(QtCharts is not part of PySide6-Essentials, and one line chart does not justify the extra
40 MB.)

Labels are measured with the font in use, so "1,372 ms" and the last time at the right edge
are never cut; a legend above the plot says what the marks mean."""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ...core.clock import Clock, utc_now
from ...core.status import plural
from ..plain import tip

if TYPE_CHECKING:
    from ...store.history import HourPoint

AVERAGE = QColor(46, 120, 200)
PEAK = QColor(46, 160, 67)
FAILED = QColor(207, 34, 46)
HOUR = timedelta(hours=1)
EXPLAINED = (
    "Solid line: the average time of good answers in each hour; dashed: the slowest good answer "
    "of the hour; red: an hour with failed checks (full height when none was good)."
)


def nice_step(top: float, steps: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) that covers ``top`` in ``steps``."""
    raw = max(top, 1.0) / steps
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if factor * power >= raw:
            return factor * power
    return 10 * power  # pragma: no cover - the loop always returns


def ms_text(value: float) -> str:
    return f"{value:,.0f} ms"


class ResponseChart(QWidget):
    def __init__(self, hours: int, clock: Clock = utc_now) -> None:
        super().__init__()
        self.hours = hours
        self.points: list[HourPoint] = []
        self.end = clock().astimezone()  # until the first points come with their own end
        self.setMinimumHeight(170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # reached by Tab, so a screen reader says the chart's numbers (its accessible text)
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._describe()

    def show_points(self, points: list[HourPoint], end: datetime) -> None:
        self.points = points
        self.end = end
        self.setToolTip(tip(f"{self.summary()}\n{EXPLAINED}"))
        self._describe()
        self.update()

    def period(self) -> str:
        return "last 24 hours" if self.hours <= 24 else f"last {self.hours // 24} days"

    def _describe(self) -> None:
        """The chart's text alternative, kept up to date with its points: the name says what
        it shows and its summary, the description each hour's (or, for a week, each day's)
        figures, as a screen reader user reads a table."""
        self.setAccessibleName(f"Response time chart, {self.period()}: {self.summary()}")
        self.setAccessibleDescription(figures_text(self.points, self.hours <= 24))

    def summary(self) -> str:
        """The chart in words (its tooltip, and what tests read)."""
        good = [p.average_ms for p in self.points if p.average_ms is not None]
        failing = sum(1 for p in self.points if p.good < p.checks)
        if not good:
            return "No answers in this period"
        return (
            f"Average {sum(good) / len(good):,.0f} ms, slowest hour {max(good):,.0f} ms; "
            f"{plural(failing, 'hour')} with failures"
        )

    # -- geometry (kept apart from painting so tests can read it) -------------------------------

    def scale(self) -> tuple[float, list[float]]:
        """The top of the y axis and the values that get a label."""
        peaks = [pt.max_ms for pt in self.points if pt.max_ms is not None]
        highest = max(peaks, default=0.0) * 1.05
        step = nice_step(highest if highest > 0 else 100.0)
        count = max(1, math.ceil(highest / step)) if highest > 0 else 4
        return step * count, [step * n for n in range(count + 1)]

    def plot_area(self) -> QRectF:
        fm = QFontMetricsF(self.font())
        _top, ticks = self.scale()
        left = max(fm.horizontalAdvance(ms_text(v)) for v in ticks) + 10
        legend = fm.height() + 8
        half_time = fm.horizontalAdvance("00:00") / 2 + 4
        return QRectF(self.rect()).adjusted(left, legend + 6, -half_time, -(fm.height() + 8))

    def time_ticks(self) -> list[tuple[datetime, str]]:
        """Whole hours (last day) or midnights (last week) inside the period, with labels."""
        start = self.end - timedelta(hours=self.hours)
        local = start.astimezone()
        if self.hours <= 24:
            every, fmt = 6, "%H:%M"
            first = local.replace(minute=0, second=0, microsecond=0) + HOUR
            while first.hour % every:
                first += HOUR
            step = timedelta(hours=every)
        else:
            fmt = "%a"
            first = local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
            step = timedelta(days=1)
        ticks = []
        moment = first
        while moment <= self.end:
            ticks.append((moment, moment.strftime(fmt)))
            moment = (moment + step).astimezone()
        return ticks

    def x_of(self, area: QRectF, moment: datetime) -> float:
        start = self.end - timedelta(hours=self.hours)
        span = (self.end - start).total_seconds()
        return area.left() + area.width() * (moment - start).total_seconds() / span

    def point_x(self, area: QRectF, pt: HourPoint) -> float:
        """An hour's dot sits in its middle, or at "now" for the hour still running."""
        start = self.end - timedelta(hours=self.hours)
        middle = min(max(pt.start + HOUR / 2, start), self.end)
        return self.x_of(area, middle)

    def axis_labels(self, area: QRectF) -> list[tuple[QRectF, str, Qt.AlignmentFlag]]:
        """Where each axis label goes: value labels left of the plot, times under it."""
        fm = QFontMetricsF(self.font())
        top, ticks = self.scale()
        labels = []
        for value in ticks:
            y = area.bottom() - area.height() * value / top
            labels.append(
                (
                    QRectF(0, y - fm.height() / 2, area.left() - 6, fm.height()),
                    ms_text(value),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                )
            )
        for moment, text in self.time_ticks():
            x = self.x_of(area, moment)
            width = fm.horizontalAdvance(text) + 4
            left = min(max(x - width / 2, 0.0), self.width() - width)
            labels.append(
                (
                    QRectF(left, area.bottom() + 4, width, fm.height()),
                    text,
                    Qt.AlignmentFlag.AlignCenter,
                )
            )
        return labels

    # -- painting ------------------------------------------------------------------------------

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = QFontMetricsF(self.font())
        p.fillRect(self.rect(), self.palette().base())
        area = self.plot_area()
        top, ticks = self.scale()
        text_colour = self.palette().text().color()
        grid = self.palette().mid().color()
        grid.setAlpha(90)

        def y_of(ms: float) -> float:
            return area.bottom() - area.height() * min(ms, top) / top

        # gridlines, then labels measured to fit and kept inside the widget
        p.setPen(QPen(grid, 1))
        for value in ticks:
            p.drawLine(QPointF(area.left(), y_of(value)), QPointF(area.right(), y_of(value)))
        for moment, _text in self.time_ticks():
            x = self.x_of(area, moment)
            p.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        p.setPen(text_colour)
        for rect, text, align in self.axis_labels(area):
            p.drawText(rect, align, text)
        p.setPen(QPen(self.palette().mid().color(), 1))
        p.drawRect(area)

        # failed checks: a red bar under the hour, full height when no check was good
        for pt in self.points:
            if pt.good < pt.checks:
                x = self.point_x(area, pt)
                height = area.height() if pt.good == 0 else 8
                colour = QColor(FAILED)
                if pt.good == 0:
                    colour.setAlpha(50)
                p.fillRect(QRectF(x - 2.5, area.bottom() - height, 5, height), colour)
                p.fillRect(QRectF(x - 2.5, area.bottom() - 8, 5, 8), FAILED)

        # peak and average: lines between neighbouring hours, a dot on each hour
        answered = [pt for pt in self.points if pt.average_ms is not None]
        many = len(answered) > 48  # then a dot only where an hour stands alone
        starts = {pt.start for pt in answered}
        alone = {
            pt.start
            for pt in answered
            if pt.start - HOUR not in starts and pt.start + HOUR not in starts
        }
        for values, colour, style, width in (
            ([pt.max_ms or 0.0 for pt in answered], PEAK, Qt.PenStyle.DashLine, 1.2),
            ([pt.average_ms or 0.0 for pt in answered], AVERAGE, Qt.PenStyle.SolidLine, 2.0),
        ):
            path = QPainterPath()
            previous: HourPoint | None = None
            dots = []
            for pt, value in zip(answered, values, strict=True):
                spot = QPointF(self.point_x(area, pt), y_of(value))
                if previous is not None and pt.start - previous.start <= HOUR:
                    path.lineTo(spot)
                else:
                    path.moveTo(spot)  # an hour with no answer breaks the line
                previous = pt
                if not many or pt.start in alone:
                    dots.append(spot)
            p.setPen(QPen(colour, width, style))
            p.setBrush(Qt.BrushStyle.NoBrush)
            p.drawPath(path)
            p.setPen(QPen(colour, 1))
            p.setBrush(colour)
            for spot in dots:
                p.drawEllipse(spot, 3.0, 3.0)
        p.setBrush(Qt.BrushStyle.NoBrush)

        if not answered:
            p.setPen(text_colour)
            p.drawText(area, Qt.AlignmentFlag.AlignCenter, "No answers in this period")
        self._paint_legend(p, fm, area)
        if self.hasFocus():  # the keyboard is here: a frame says so
            p.setPen(QPen(self.palette().highlight().color(), 2))
            p.drawRect(QRectF(self.rect()).adjusted(1, 1, -1, -1))
        p.end()

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        self.update()

    def _paint_legend(self, p: QPainter, fm: QFontMetricsF, area: QRectF) -> None:
        y = 4 + fm.height() / 2
        x = area.left()
        items = [
            (AVERAGE, Qt.PenStyle.SolidLine, "average per hour"),
            (PEAK, Qt.PenStyle.DashLine, "slowest"),
            (FAILED, None, "failed checks"),
        ]
        text_colour = self.palette().text().color()
        for colour, style, text in items:
            if style is None:
                p.fillRect(QRectF(x + 6, y - 4, 5, 8), colour)
            else:
                p.setPen(QPen(colour, 2 if style == Qt.PenStyle.SolidLine else 1.2, style))
                p.drawLine(QPointF(x, y), QPointF(x + 18, y))
                p.setPen(QPen(colour, 1))
                p.setBrush(colour)
                p.drawEllipse(QPointF(x + 9, y), 2.5, 2.5)
                p.setBrush(Qt.BrushStyle.NoBrush)
            p.setPen(text_colour)
            width = fm.horizontalAdvance(text)
            p.drawText(
                QRectF(x + 22, y - fm.height() / 2, width + 2, fm.height()),
                Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            x += 22 + width + 16
        latest = self.latest_text()
        width = fm.horizontalAdvance(latest) + 2
        if latest and x + width <= self.width() - 4:  # the latest hour, in figures
            p.setPen(AVERAGE)
            p.drawText(
                QRectF(self.width() - 4 - width, y - fm.height() / 2, width, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                latest,
            )

    def latest_text(self) -> str:
        answered = [pt for pt in self.points if pt.average_ms is not None]
        return f"latest hour {ms_text(answered[-1].average_ms or 0.0)}" if answered else ""


def figures_text(points: list[HourPoint], by_hour: bool) -> str:
    """Each hour's (``by_hour``) or each day's figures in words, oldest first: ``09:00 120 ms,
    slowest 310 ms; 10:00 2 of 60 checks failed; ...``."""
    if not points:
        return "No answers in this period"
    groups: dict[str, list[HourPoint]] = {}
    for pt in points:
        local = pt.start.astimezone()
        groups.setdefault(local.strftime("%H:%M" if by_hour else "%a %d"), []).append(pt)
    parts = []
    for when, hours in groups.items():
        checks = sum(pt.checks for pt in hours)
        failed = checks - sum(pt.good for pt in hours)
        averages = [pt.average_ms for pt in hours if pt.average_ms is not None]
        slowest = [pt.max_ms for pt in hours if pt.max_ms is not None]
        words = []
        if averages:
            words.append(f"average {ms_text(sum(averages) / len(averages))}")
        if slowest:
            words.append(f"slowest {ms_text(max(slowest))}")
        if failed:
            words.append(f"{failed} of {plural(checks, 'check')} failed")
        parts.append(f"{when} {', '.join(words) or 'no answer'}")
    return "; ".join(parts)
