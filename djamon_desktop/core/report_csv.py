"""An uptime report as CSV: one row a site, in the report's order, with the bare numbers (the
HTML and PDF writers show the same ones in words). Written through the csv module, so a title
with a comma or a quote stays one field. The values are exact, never prefixed: a title that
begins with ``=`` is written as it is, and a spreadsheet that opens the file may read it as a
formula (its import dialog, with the column as text, keeps it text). A password in a site's
URL is shown as ``***``, as everywhere the program shows a URL. Pure: no Qt, no database."""

from __future__ import annotations

import csv
import io

from .report_model import Report
from .urls import shown_url

HEADER = (
    "group",
    "site",
    "url",
    "uptime_percent",
    "monitored_seconds",
    "outages",
    "down_seconds",
    "longest_down_seconds",
    "response_median_ms",
    "response_p95_ms",
    "checks",
)


def csv_text(report: Report) -> str:
    """The report's sites as CSV text (``\\n`` line ends, as a command line's output has
    them; spreadsheets read either): the :data:`HEADER` line, then a row a site. An uptime is
    empty when nothing was monitored, a response time when no good answer was kept."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADER)
    for group, site in report.sites():
        f = site.figures
        writer.writerow(
            [
                group.title,
                site.title,
                shown_url(site.url),
                f.uptime_text(missing=""),
                f.monitored_seconds,
                f.outages,
                f.down_seconds,
                f.longest_down_seconds,
                "" if f.response_median_ms is None else f.response_median_ms,
                "" if f.response_p95_ms is None else f.response_p95_ms,
                f.checks,
            ]
        )
    return out.getvalue()
