"""The PDF report's drawn parts, with fpdf2's vector primitives: a chart from
:mod:`.report_charts`' geometry (the HTML's SVG draws the same) and the summary's tiles.
Units are millimetres. Pure: no Qt, no database."""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF

from .report_charts import COLOURS, Chart

FONT = "DejaVu"

#: room inside a chart's box for its title (top), its ticks (left) and its days (bottom)
TITLE_H, TICKS_W, DAYS_H, PAD = 6.0, 15.0, 5.0, 2.0

INK, GREY, RULE = (27, 27, 27), (85, 85, 85), (215, 215, 215)


def chart(pdf: FPDF, drawn: Chart, x: float, y: float, w: float, h: float) -> None:
    """``drawn`` in the box at (x, y), w × h: a thin frame, the title, the left axis's ticks
    with light grid lines, a bar a day and the days under them; "No data" over an empty one."""
    pdf.set_line_width(0.2)
    pdf.set_draw_color(*RULE)
    pdf.rect(x, y, w, h)
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 7.5)
    pdf.set_xy(x + PAD, y + 1.2)
    pdf.cell(w - 2 * PAD, 4, _fit(pdf, drawn.title, w - 2 * PAD))
    left, top = x + TICKS_W, y + TITLE_H
    plot_w, plot_h = w - TICKS_W - PAD, h - TITLE_H - DAYS_H
    bottom = top + plot_h
    pdf.set_font(FONT, "", 6)
    pdf.set_text_color(*GREY)
    for tick in drawn.ticks:
        ty = bottom - tick.y * plot_h
        pdf.line(left, ty, left + plot_w, ty)
        width = pdf.get_string_width(tick.text)
        pdf.text(left - 1.2 - width, ty + 0.8, tick.text)
    for bar in drawn.bars:
        pdf.set_fill_color(*COLOURS[bar.tone])
        pdf.rect(
            left + bar.x * plot_w,
            bottom - bar.height * plot_h,
            bar.width * plot_w,
            bar.height * plot_h,
            style="F",
        )
    for at, text in drawn.days:
        width = pdf.get_string_width(text)
        pdf.text(left + at * plot_w - width / 2, bottom + 3.4, text)
    if drawn.empty:
        pdf.set_font(FONT, "", 8)
        text = "No data"
        pdf.text(left + (plot_w - pdf.get_string_width(text)) / 2, top + plot_h / 2, text)
    pdf.set_text_color(*INK)


def tiles(pdf: FPDF, lines: Sequence[tuple[str, str]], per_row: int = 3) -> None:
    """(label, value) lines as tiles, ``per_row`` a row across the page: the label small and
    grey, the value large and bold under it."""
    width = pdf.epw / per_row
    height = 12.5
    x0 = pdf.l_margin
    for index, (label, value) in enumerate(lines):
        column = index % per_row
        if column == 0 and index:
            pdf.set_y(pdf.get_y() + height)
        x, y = x0 + column * width, pdf.get_y()
        pdf.set_fill_color(245, 245, 245)
        pdf.rect(x + 0.8, y + 0.8, width - 1.6, height - 1.6, style="F")
        pdf.set_xy(x + 3, y + 1.8)
        pdf.set_font(FONT, "", 7.5)
        pdf.set_text_color(*GREY)
        pdf.cell(width - 6, 3.8, _fit(pdf, label, width - 6))
        pdf.set_xy(x + 3, y + 5.8)
        pdf.set_font(FONT, "B", 11)
        pdf.set_text_color(*INK)
        pdf.cell(width - 6, 5, _fit(pdf, value, width - 6))
        pdf.set_xy(x0, y)
    pdf.set_y(pdf.get_y() + height)


def _fit(pdf: FPDF, text: str, width: float) -> str:
    """``text`` cut with an ellipsis to fit ``width`` in the current font (a chart's title that
    holds a long group title)."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text + "…"
