"""The report's charts as inline SVG, drawn from :mod:`.report_charts`' geometry (the PDF draws
the same). Every text in them is escaped: a chart's title may hold a group's title, which
is data. Pure: no Qt."""

from __future__ import annotations

from html import escape

from .report_charts import COLOURS, Bar, Chart

#: the chart's box in SVG units, and the room around the plot for its title, ticks and days
WIDTH, HEIGHT = 640, 180
LEFT, RIGHT, TOP, BOTTOM = 62, 8, 26, 22


def _e(text: str) -> str:
    return escape(text, quote=True)


def _fill(tone: str) -> str:
    r, g, b = COLOURS[tone]
    return f"rgb({r},{g},{b})"


def _n(value: float) -> str:
    """A coordinate, short: ``12.5``, ``40``."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def chart_svg(chart: Chart) -> str:
    """One chart: its title, the left axis's ticks with light grid lines, a bar a day with its
    value as a tooltip, the days under it; "No data" over an empty one."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_h

    def x_of(x: float) -> float:
        return LEFT + x * plot_w

    def y_of(y: float) -> float:
        return bottom - y * plot_h

    out = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{_e(chart.title)}">',
        f"<title>{_e(chart.title)}</title>",
        f'<text class="ct" x="{LEFT}" y="16">{_e(chart.title)}</text>',
    ]
    for tick in chart.ticks:
        y = _n(y_of(tick.y))
        out.append(f'<line class="grid" x1="{LEFT}" y1="{y}" x2="{WIDTH - RIGHT}" y2="{y}"/>')
        out.append(
            f'<text class="tick" x="{LEFT - 6}" y="{y}" text-anchor="end" '
            f'dominant-baseline="middle">{_e(tick.text)}</text>'
        )
    for bar in chart.bars:
        out.append(
            _rect(bar, x_of(bar.x), y_of(bar.height), bar.width * plot_w, bar.height * plot_h)
        )
    for x, text in chart.days:
        out.append(
            f'<text class="day" x="{_n(x_of(x))}" y="{HEIGHT - 6}" '
            f'text-anchor="middle">{_e(text)}</text>'
        )
    if chart.empty:
        out.append(
            f'<text class="nodata" x="{_n(LEFT + plot_w / 2)}" y="{_n(TOP + plot_h / 2)}" '
            'text-anchor="middle">No data</text>'
        )
    out.append("</svg>")
    return "\n".join(out)


#: a site's strip of days, in SVG units (the PDF draws it in the same proportions)
STRIP_WIDTH, STRIP_HEIGHT = 124, 14


def strip_svg(bars: tuple[Bar, ...], label: str) -> str:
    """A site's days as a strip of coloured cells (see ``report_charts.strip``), 124 × 14."""
    width, height = STRIP_WIDTH, STRIP_HEIGHT
    cells = [_rect(b, b.x * width, 0, b.width * width, height) for b in bars]
    return (
        f'<svg class="strip" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(label)}">' + "".join(cells) + "</svg>"
    )


def _rect(bar: Bar, x: float, y: float, width: float, height: float) -> str:
    return (
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" '
        f'fill="{_fill(bar.tone)}"><title>{_e(bar.label)}</title></rect>'
    )
