"""The PDF's strips of days (a site's days in its table row) are drawn as rectangles by the
writer itself rather than through fpdf2's SVG reader, which took half the time of a month of
100 sites' PDF. Rendered by poppler (``pdftoppm``), they look as fpdf2 drew them: each tone (a
good, a fair and a poor day, days with nothing monitored) in the same place, as large."""

from __future__ import annotations

import subprocess

from fpdf import FPDF

from djamon_desktop.core import report_pdf
from djamon_desktop.core.report_charts import COLOURS, FAIR, GOOD, NONE, POOR
from tests.core.test_report_writers import OFFICE, SHOPS, report

#: the table's last column (Days) at 300 dpi on A4, in pixels: x and width; the charts above
#: it show response times in another colour, so every tone's pixel here is a strip's
DAYS_X, DAYS_W = 2080, 240


def days_column(data: bytes, tmp_path, name: str, page: int) -> dict[str, tuple]:
    """Each tone's pixels in the Days column of ``page``: (how many, their box)."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data)
    ppm = subprocess.run(
        ["pdftoppm", "-r", "300", "-f", str(page), "-l", str(page),
         "-x", str(DAYS_X), "-W", str(DAYS_W), "-y", "0", "-H", "3508", str(path)],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    magic, width, _height, _depth, rgb = ppm.split(maxsplit=4)
    assert magic == b"P6" and int(width) == DAYS_W
    out = {}
    for tone in (GOOD, FAIR, POOR, NONE):
        colour = bytes(COLOURS[tone])
        at = [i // 3 for i in range(0, len(rgb), 3) if rgb[i : i + 3] == colour]
        xs, ys = [p % DAYS_W for p in at], [p // DAYS_W for p in at]
        out[tone] = (len(at), (min(xs), max(xs), min(ys), max(ys)) if at else None)
    return out


def test_strips_are_drawn_as_fpdf2_drew_their_svg_every_tone_in_its_place(tmp_path, monkeypatch):
    made = report(SHOPS, OFFICE)  # Shops on page 1, Office (never monitored) on page 2
    drawn = report_pdf.pdf_bytes(made)
    monkeypatch.setattr(report_pdf._ReportPdf, "image", FPDF.image)  # fpdf2's SVG reader
    read = report_pdf.pdf_bytes(made)
    for page, tones in ((1, (GOOD, FAIR, POOR)), (2, (NONE,))):
        mine = days_column(drawn, tmp_path, "drawn", page)
        fpdf2s = days_column(read, tmp_path, "read", page)
        for tone in tones:
            (count, box), (their_count, their_box) = mine[tone], fpdf2s[tone]
            assert count > 0 and box is not None, (page, tone)
            # the same box to a pixel (a cell's edge may round to the next one), as many
            # pixels within a quarter (a fair day is one cell, 4 or 5 pixels wide)
            assert all(abs(a - b) <= 1 for a, b in zip(box, their_box, strict=True)), tone
            assert abs(count - their_count) <= their_count / 4, (page, tone)
