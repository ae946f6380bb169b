"""An uptime report as a PDF, with fpdf2 (pure Python: no Qt, no browser, so ``check`` from
cron on a server can attach it to the monthly mail): A4, the same content as the HTML (both
lay out :mod:`.report_words`), its charts drawn as vectors (:mod:`.report_pdf_draw`), its
tables breaking across pages with their heading repeated, and page numbers. Set in the bundled
DejaVu Sans (``resources/fonts``), so any title in Latin, Greek, Cyrillic and most other
scripts comes out as written. Pure: no database."""

from __future__ import annotations

import logging
import re
from io import BytesIO

from fpdf import FPDF
from fpdf.fonts import FontFace
from fpdf.image_datastructures import VectorImageInfo

from .. import APP_NAME
from ..resources import font_file
from . import report_pdf_draw as draw
from . import report_words as words
from .report_charts import COLOURS, Bar, response_chart, strip, uptime_chart
from .report_fonts import fallback_fonts
from .report_model import Figures, GroupReport, Report
from .report_svg import STRIP_HEIGHT, STRIP_WIDTH, strip_svg
from .urls import shown_url

FONT = draw.FONT

#: the table's column widths, as shares of the page's width (Site, then the figures); the
#: last column is the site's strip of days
WIDTHS = (38, 16, 17, 17, 14, 17, 13, 13, 17, 18)

#: a chart's height, and the room a group's heading and charts need at the foot of a page
CHART_H = 42.0
GROUP_START = 12.0 + CHART_H + 24.0

# fontTools, which fpdf2 subsets the font with, tells of every glyph it keeps at INFO level:
# a report is not worth a page of the program's log
logging.getLogger("fontTools").setLevel(logging.WARNING)

#: the page number's stand-in, swapped for the page count when the PDF is written: one that
#: text from others cannot hold (a control character), so a title is never taken for it
PAGES = "\x1dnb\x1d"

#: a number followed by its unit: ``5 s``, ``99.86 %``, ``240 ms``
_UNIT = re.compile(r"(\d) (?=[a-z%])")


class _ReportPdf(FPDF):
    def __init__(self, report: Report) -> None:
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.report = report
        self.footer_words = f"{words.title(report)} · {words.scope(report)}"
        self.add_font(FONT, "", str(font_file()))
        self.add_font(FONT, "B", str(font_file(bold=True)))
        self._fallbacks(report)
        self.str_alias_nb_pages = ""  # only the footer's own stand-in is swapped
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(True, margin=16)

    def image(self, name, x=None, y=None, w=0, h=0, *args, **kwargs):
        """A site's strip of days, as a table's cell asks for it (at the cell's place, its
        width, the height its proportions give), drawn as its rectangles straight away.
        fpdf2 would read and draw its SVG, twice a row (the table measures each row before it
        draws it): half the time of a month of 100 sites' PDF. Anything else: fpdf2's way."""
        if not isinstance(name, _Strip) or x is not None or y is not None or not w or h:
            return super().image(name, x, y, w, h, *args, **kwargs)
        h = w * STRIP_HEIGHT / STRIP_WIDTH
        self._perform_page_break_if_need_be(h)  # as fpdf2 places an image where the text runs
        x, y = self.x, self.y
        self.y += h
        with self.local_context():
            for bar in name.bars:
                self.set_fill_color(*COLOURS[bar.tone])
                self.rect(x + bar.x * w, y, bar.width * w, h, style="F")
        return VectorImageInfo(rendered_width=w, rendered_height=h)

    def _fallbacks(self, report: Report) -> None:
        """Fonts of this machine for the characters of titles and addresses that DejaVu Sans
        lacks (Chinese, Japanese, Korean...), used where it has no glyph."""
        regular, bold = self.fonts[FONT.lower()].cmap, self.fonts[FONT.lower() + "B"].cmap
        texts = [report.group or ""]
        for group in report.groups:
            texts.append(group.title)
            texts.extend(f"{site.title} {site.url}" for site in group.sites)
        names = []
        for number, (path, index) in enumerate(
            fallback_fonts(texts, lambda point: point in regular and point in bold)
        ):
            names.append(f"fallback{number}")
            self.add_font(names[-1], "", path, collection_font_number=index)
        if names:
            self.set_fallback_fonts(names, exact_match=False)

    def _render_styled_text_line(self, *args, **kwargs):
        """fpdf2 (2.8) draws a line's fragments in the fallback font with a font change that
        stays set after the line, while it takes its own font as still set: the next line's
        first words came out in the wrong font's glyphs (``https://`` as ``D22rol``). With
        fallback fonts in use each line sets its font again."""
        drawn = super()._render_styled_text_line(*args, **kwargs)
        if self._fallback_font_ids:
            self.current_font_is_set_on_page = False
        return drawn

    def footer(self) -> None:
        self.set_y(-11)
        self.set_font(FONT, "", 7)
        self.set_text_color(*draw.GREY)
        before, self.str_alias_nb_pages = self.str_alias_nb_pages, PAGES
        self.cell(0, 4, f"page {self.page_no()} of {PAGES}", align="R")
        self.str_alias_nb_pages = before
        self.set_x(self.l_margin)
        self.cell(self.epw * 0.75, 4, draw._fit(self, self.footer_words, self.epw * 0.75))
        self.set_text_color(*draw.INK)


def pdf_bytes(report: Report) -> bytes:
    """The whole report: its heading and summary with the overall charts, a section a group
    (its charts, its table of sites and their total, what was excluded), the counting rules."""
    pdf = _ReportPdf(report)
    pdf.set_title(f"{words.title(report)} · {words.scope(report)}")
    pdf.set_creator(APP_NAME)
    pdf.set_creation_date(report.made_at)
    pdf.add_page()
    _heading(pdf, report)
    _paragraph(pdf, words.EXCLUDED)
    _charts(pdf, report.figures, "all sites" if report.group is None else report.group)
    if not report.sites():
        _paragraph(pdf, words.empty_text(report))
    for group in report.groups:
        _group(pdf, group)
    _rules(pdf, report)
    pdf.str_alias_nb_pages = PAGES  # the pages' stand-ins are swapped only while it is set
    return bytes(pdf.output())


def _heading(pdf: FPDF, report: Report) -> None:
    pdf.set_font(FONT, "B", 17)
    pdf.multi_cell(0, 8, words.title(report), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(0, 6, words.scope(report), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*draw.GREY)
    pdf.multi_cell(0, 4.2, words.made_text(report), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*draw.INK)
    pdf.ln(3)
    draw.tiles(pdf, words.summary(report))
    pdf.ln(1)


def _paragraph(pdf: FPDF, text: str, size: float = 8) -> None:
    pdf.set_font(FONT, "", size)
    pdf.set_text_color(*draw.GREY)
    pdf.multi_cell(0, size * 0.5, text, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*draw.INK)
    pdf.ln(1.5)


def _charts(pdf: FPDF, figures: Figures, whose: str) -> None:
    """The uptime and the response-time chart side by side, on a new page if they don't fit."""
    if pdf.will_page_break(CHART_H + 2):
        pdf.add_page()
    y, gap = pdf.get_y(), 4.0
    width = (pdf.epw - gap) / 2
    draw.chart(
        pdf,
        uptime_chart(words.uptime_chart_title(whose), figures.days),
        pdf.l_margin,
        y,
        width,
        CHART_H,
    )
    draw.chart(
        pdf,
        response_chart(words.response_chart_title(whose), figures.days),
        pdf.l_margin + width + gap,
        y,
        width,
        CHART_H,
    )
    pdf.set_xy(pdf.l_margin, y + CHART_H + 3)


def _group(pdf: FPDF, group: GroupReport) -> None:
    if pdf.will_page_break(GROUP_START):
        pdf.add_page()
    else:
        pdf.ln(4)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, group.title, new_x="LMARGIN", new_y="NEXT")
    y = pdf.get_y()
    pdf.set_draw_color(*draw.RULE)
    pdf.set_line_width(0.5)
    pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
    pdf.ln(2.5)
    _charts(pdf, group.figures, group.title)
    _table(pdf, group)
    excluded = words.excluded_text(group)
    if excluded:
        _paragraph(pdf, excluded, 7.5)


def _table(pdf: FPDF, group: GroupReport) -> None:
    """A row a site (its title, address and figures, its strip of days), then the group's
    total; fpdf2 breaks it across pages and repeats the heading row on each."""
    pdf.set_font(FONT, "", 7)
    pdf.set_fill_color(255, 255, 255)  # a row's background (fpdf2 takes the current one)
    pdf.set_draw_color(*draw.RULE)
    pdf.set_line_width(0.2)
    with pdf.table(
        col_widths=WIDTHS,
        text_align=("LEFT", *["RIGHT"] * (len(WIDTHS) - 2), "LEFT"),
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", fill_color=(238, 238, 238)),
        line_height=3.4,
        padding=(1.0, 1.0),
        v_align="TOP",
        repeat_headings=1,
    ) as table:
        table.row([*words.COLUMNS, "Days"])
        for site in group.sites:
            row = table.row()
            name = site.title if site.active else f"{site.title} (inactive)"
            row.cell(f"{name}\n{shown_url(site.url)}")
            for cell in words.figure_cells(site.figures):
                row.cell(_together(cell))
            days = strip(site.figures.days)
            if days:
                row.cell(img=_strip_image(days), img_fill_width=True)
            else:
                row.cell("")
        total = table.row(style=FontFace(emphasis="BOLD"))
        total.cell("Group total")
        for cell in words.figure_cells(group.figures):
            total.cell(_together(cell))
        total.cell("")
    pdf.ln(2)


def _together(cell: str) -> str:
    """A figure whose number and unit never part when its cell wraps (``1 h 3 min`` and
    ``5 s``, never ``5`` and ``s``)."""
    return _UNIT.sub("\\1\u00a0", cell)


class _Strip(BytesIO):
    """A site's strip of days for a table's cell: the SVG the HTML shows, and its bars, which
    :meth:`_ReportPdf.image` draws (the SVG is what fpdf2 would draw without it)."""

    def __init__(self, bars: tuple[Bar, ...]) -> None:
        super().__init__(strip_svg(bars, "").encode())
        self.bars = bars


def _strip_image(days: tuple[Bar, ...]) -> _Strip:
    return _Strip(days)


def _rules(pdf: FPDF, report: Report) -> None:
    """The counting rules, numbered: on one page when they fit on one (a new page rather than
    a few lines at the foot of this one)."""
    pdf.set_font(FONT, "", 8.5)
    heights = [
        pdf.multi_cell(pdf.epw - 6, 4.3, rule, dry_run=True, output="HEIGHT") + 1.2
        for rule in report.rules
    ]
    if pdf.will_page_break(14 + sum(heights)):
        pdf.add_page()
    else:
        pdf.ln(5)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(0, 7, words.RULES_HEADING, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    pdf.set_font(FONT, "", 8.5)
    for number, (rule, height) in enumerate(zip(report.rules, heights, strict=True), 1):
        if pdf.will_page_break(height):  # rules longer than a page: never a number alone
            pdf.add_page()
            pdf.set_font(FONT, "", 8.5)
        y = pdf.get_y()
        pdf.cell(6, 4.3, f"{number}.")
        pdf.set_xy(pdf.l_margin + 6, y)
        pdf.multi_cell(pdf.epw - 6, 4.3, rule, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.2)
