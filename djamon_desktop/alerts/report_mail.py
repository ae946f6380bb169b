"""The words of the monthly report's e-mail: a plain subject and body that give the overall
uptime and the month (the numbers themselves are in the attached PDF), and the PDF's file name.
Pure: the report is plain data (``core.report_model``)."""

from __future__ import annotations

from ..core.outages import duration_words
from ..core.report_model import Report
from ..core.status import plural
from ..core.text import one_line

#: what the uptime reads as when nothing was monitored in the month
NO_DATA = "no data"


def attachment_name(month: str) -> str:
    """The PDF's file name: ``djamon-report-2026-03.pdf``."""
    return f"djamon-report-{month}.pdf"


def report_email(report: Report) -> tuple[str, str]:
    """The subject and body of ``report``'s e-mail (a whole month's)."""
    month = report.span.month or ""
    overall = report.figures
    shown = _percent(overall.uptime_text(missing=NO_DATA))
    said = NO_DATA if shown == NO_DATA else f"{shown} overall"
    subject = f"[djamon] UPTIME REPORT: {report.span.title}, {said}"
    sites = len(report.sites())
    down = (
        f"{plural(overall.outages, 'outage')}, {duration_words(overall.down_seconds)} down in all"
        if overall.outages
        else "no outage"
    )
    groups = [
        f"- {one_line(g.title)}: {_percent(g.figures.uptime_text(missing=NO_DATA))}"
        for g in report.groups
    ]
    body = "\n".join(
        [
            f"The uptime report of {report.span.title} ({report.zone} time) is attached:"
            f" {attachment_name(month)}.",
            "",
            f"Overall uptime: {shown} over {plural(sites, 'site')} ({down}).",
            *(["", "By group:", *groups] if groups else []),
            "",
            "How each figure is counted is written at the end of the report.",
            "-- djamon-desktop",
        ]
    )
    return subject, body + "\n"


def _percent(uptime: str) -> str:
    return uptime if uptime == NO_DATA else f"{uptime}%"
