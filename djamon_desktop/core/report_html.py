"""An uptime report as one self-contained HTML page: its style inline, its charts inline SVG,
no script and nothing fetched (no external address in any ``src``, ``href`` or ``url()``), so
it opens the same from a mail, a share or a file, and prints on A4. It says what the PDF says
(both lay out :mod:`.report_words`); the site's own text (group and site titles, addresses)
is escaped everywhere, inside the SVG too. Pure: no Qt, no database."""

from __future__ import annotations

from html import escape

from . import report_words as words
from .report_charts import COLOURS, FAIR, GOOD, NONE, POOR, response_chart, strip, uptime_chart
from .report_model import Figures, GroupReport, Report
from .report_svg import chart_svg, strip_svg
from .urls import shown_url

CSS = """
@page { size: A4; margin: 14mm; }
:root { color-scheme: light; }
body { font: 14px/1.45 "DejaVu Sans", "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
  color: #1b1b1b; background: #fff; margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #ccc;
  padding-bottom: .2rem; }
p.scope { font-size: 1.05rem; margin: 0; }
p.made, p.note, .url { color: #555; }
p.made, p.note { font-size: .9rem; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1.2rem;
  margin: 1rem 0; }
dl.summary dt { color: #555; }
dl.summary dd { margin: 0; font-weight: bold; }
.charts { display: grid; grid-template-columns: 1fr 1fr; gap: .8rem; }
svg.chart { width: 100%; height: auto; border: 1px solid #ddd; background: #fff; }
svg.chart .ct { font-size: 13px; font-weight: bold; fill: #1b1b1b; }
svg.chart .tick, svg.chart .day { font-size: 11px; fill: #555; }
svg.chart .nodata { font-size: 14px; fill: #777; }
svg.chart .grid { stroke: #ddd; stroke-width: 1; }
table { border-collapse: collapse; width: 100%; margin: .8rem 0 .3rem; font-size: .85rem; }
th, td { padding: .3rem .4rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { text-align: left; background: #f0f0f0; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; border-top: 2px solid #999; }
.url { font-size: .8rem; overflow-wrap: anywhere; }
.legend span { display: inline-block; width: .8em; height: .8em; margin: 0 .25em 0 .8em;
  vertical-align: -.05em; }
ol.rules li { margin-bottom: .4rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  .charts, svg, tr { break-inside: avoid; }
  thead { display: table-header-group; }
}
"""


def _e(text: str) -> str:
    return escape(text, quote=True)


def html_text(report: Report) -> str:
    """The whole page: heading, summary and overall charts, a section a group (its charts,
    its table of sites with their total, what was excluded), the counting rules."""
    title = words.title(report)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)} · {_e(words.scope(report))}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<header>",
        f"<h1>{_e(title)}</h1>",
        f'<p class="scope">{_e(words.scope(report))}</p>',
        f'<p class="made">{_e(words.made_text(report))}</p>',
        "</header>",
        '<section class="overall">',
        "<h2>Summary</h2>",
        _summary(report),
        f'<p class="note">{_e(words.EXCLUDED)}</p>',
        _charts(report.figures, "all sites" if report.group is None else report.group),
        "</section>",
    ]
    if not report.groups or not report.sites():
        parts.append(f'<p class="note">{_e(words.empty_text(report))}</p>')
    for group in report.groups:
        parts.append(_group(group))
    parts += [
        '<section class="rules">',
        f"<h2>{_e(words.RULES_HEADING)}</h2>",
        '<ol class="rules">',
        *(f"<li>{_e(rule)}</li>" for rule in report.rules),
        "</ol>",
        "</section>",
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(parts)


def _summary(report: Report) -> str:
    rows = "".join(
        f"<dt>{_e(label)}</dt><dd>{_e(value)}</dd>" for label, value in words.summary(report)
    )
    return f'<dl class="summary">{rows}</dl>'


def _charts(figures: Figures, whose: str) -> str:
    return (
        '<div class="charts">'
        + chart_svg(uptime_chart(words.uptime_chart_title(whose), figures.days))
        + chart_svg(response_chart(words.response_chart_title(whose), figures.days))
        + "</div>"
    )


def _group(group: GroupReport) -> str:
    head = "".join(
        f'<th{"" if i == 0 else " class=n"} scope="col">{_e(name)}</th>'
        for i, name in enumerate(words.COLUMNS)
    )
    head += '<th scope="col">Days</th>'
    rows = []
    for site in group.sites:
        cells = "".join(f'<td class="n">{_e(c)}</td>' for c in words.figure_cells(site.figures))
        days = strip(site.figures.days)
        chart = strip_svg(days, f"Uptime by day · {site.title}") if days else ""
        rows.append(
            f"<tr><td>{_e(site.title)}{'' if site.active else ' (inactive)'}"
            f'<div class="url">{_e(shown_url(site.url))}</div></td>'
            f"{cells}<td>{chart}</td></tr>"
        )
    total = "".join(f'<td class="n">{_e(c)}</td>' for c in words.figure_cells(group.figures))
    rows.append(f'<tr class="total"><td>Group total</td>{total}<td></td></tr>')
    excluded = words.excluded_text(group)
    return "\n".join(
        [
            '<section class="group">',
            f"<h2>{_e(group.title)}</h2>",
            _charts(group.figures, group.title),
            f"<table><thead><tr>{head}</tr></thead><tbody>",
            *rows,
            "</tbody></table>",
            _legend(),
            f'<p class="note">{_e(excluded)}</p>' if excluded else "",
            "</section>",
        ]
    )


def _legend() -> str:
    """What the colours of the days' strips say."""

    def swatch(tone: str, text: str) -> str:
        r, g, b = COLOURS[tone]
        return f'<span style="background: rgb({r},{g},{b})"></span>{_e(text)}'

    return (
        '<p class="note legend">Days:'
        + swatch(GOOD, "never down")
        + swatch(FAIR, "down under 1 %")
        + swatch(POOR, "down 1 % or more")
        + swatch(NONE, "not monitored")
        + "</p>"
    )
