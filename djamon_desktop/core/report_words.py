"""What an uptime report says, as text: its heading, its summary, its table's cells and its
notes. The HTML and the PDF writer both lay out these same strings, so the two say the same
numbers in the same words (the CSV gives the bare numbers). Pure: no Qt, no database."""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .report_model import Figures, GroupReport, Report, seconds

#: the table's columns: a row a site, then the group's total
COLUMNS = (
    "Site",
    "Uptime %",
    "Monitored",
    "Down",
    "Outages",
    "Longest",
    "Median",
    "95th pct.",
    "Checks",
)

#: what a cell says when there is nothing to say (nothing monitored, no good answer)
NOTHING = "–"

EXCLUDED = (
    "Maintenance windows, pauses and inactive times are excluded: they are not monitored "
    "time and count neither for nor against uptime."
)

RULES_HEADING = "How the figures are counted"


def duration_text(total: int) -> str:
    """Whole seconds as a person reads them, exact: ``45 s``, ``1 h 3 min 5 s``, ``30 d 23 h``
    (units that are 0 left out)."""
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("min", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count} {unit}")
    return " ".join(parts) or "0 s"


def ms_text(ms: int | None) -> str:
    return NOTHING if ms is None else f"{ms:,} ms"


def count_text(n: int) -> str:
    return f"{n:,}"


def uptime_cell(figures: Figures) -> str:
    text = figures.uptime_text(missing="")
    return f"{text} %" if text else NOTHING


def figure_cells(figures: Figures) -> list[str]:
    """The cells after a row's first (the site or the total), in :data:`COLUMNS`' order."""
    return [
        figures.uptime_text(missing=NOTHING),
        duration_text(figures.monitored_seconds),
        duration_text(figures.down_seconds),
        count_text(figures.outages),
        duration_text(figures.longest_down_seconds) if figures.outages else NOTHING,
        ms_text(figures.response_median_ms),
        ms_text(figures.response_p95_ms),
        count_text(figures.checks),
    ]


def title(report: Report) -> str:
    return f"Uptime report: {report.span.title}"


def scope(report: Report) -> str:
    """Which groups the report covers, and how many sites."""
    sites = len(report.sites())
    count = f"{sites} site" if sites == 1 else f"{sites} sites"
    if report.group is not None:
        return f"Group {report.group} · {count}"
    groups = len(report.groups)
    return f"All groups ({groups}) · {count}"


def zone_of(report: Report) -> tzinfo:
    """The zone the report was counted in, by its name; UTC when the name is not one."""
    try:
        return ZoneInfo(report.zone)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def moment_text(when: datetime, zone: tzinfo) -> str:
    local = when.astimezone(zone)
    return f"{local.day} {local.strftime('%B %Y')} at {local.strftime('%H:%M')}"


def made_text(report: Report) -> str:
    """When the report was made and in which zone its days are; and, for a span that runs past
    that moment, that it was counted up to then."""
    zone = zone_of(report)
    words = f"Days in local time ({report.zone}). Made {moment_text(report.made_at, zone)}."
    if report.now < report.span.end:
        words += f" Counted up to {moment_text(report.now, zone)}; the rest is yet to come."
    return words


def summary(report: Report) -> list[tuple[str, str]]:
    """The overall figures as (label, value) lines."""
    f = report.figures
    return [
        ("Uptime", uptime_cell(f)),
        ("Time monitored (sites added up)", duration_text(f.monitored_seconds)),
        ("Time down", duration_text(f.down_seconds)),
        ("Outages", count_text(f.outages)),
        ("Longest time down", duration_text(f.longest_down_seconds) if f.outages else NOTHING),
        ("Response time, median", ms_text(f.response_median_ms)),
        ("Response time, 95th percentile", ms_text(f.response_p95_ms)),
        ("Checks made", count_text(f.checks)),
        ("Excluded (maintenance, pauses)", duration_text(seconds(f.excluded_ms))),
    ]


def excluded_text(group: GroupReport) -> str:
    """Which of the group's sites had time excluded and how much; "" when none had."""
    had = [(s.title, s.figures.excluded_ms) for s in group.sites if s.figures.excluded_ms > 0]
    if not had:
        return ""
    listed = "; ".join(f"{name} {duration_text(seconds(ms))}" for name, ms in had)
    return f"Excluded (maintenance windows, pauses, inactive): {listed}."


def empty_text(report: Report) -> str:
    """What a report with no site says instead of tables."""
    if report.group is not None:
        return f"The group {report.group} has no sites."
    return "There are no sites to report on."


def uptime_chart_title(whose: str) -> str:
    return f"Uptime by day · {whose}"


def response_chart_title(whose: str) -> str:
    return f"Mean response time by day · {whose}"
