"""The monthly report's e-mail words, from a report as plain data: the month and the overall
uptime in the subject; the uptime of every group in the body, titles as one line each (text
from others); "no data" where nothing was monitored, never a made-up 100%."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from djamon_desktop.alerts.report_mail import attachment_name, report_email
from djamon_desktop.core.report_model import Figures, GroupReport, Report, SiteReport, month_span

HOUR = 3_600_000


def figures(monitored_h: int, down_ms: int = 0, outages: int = 0) -> Figures:
    return Figures(monitored_h * HOUR, down_ms, outages, down_ms, 0, None, None, 0, 0, ())


def make_report(*groups: tuple[str, Figures], overall: Figures) -> Report:
    zone = ZoneInfo("Europe/Berlin")
    made = datetime(2026, 4, 1, tzinfo=UTC)
    return Report(
        span=month_span(2026, 3, zone),
        zone="Europe/Berlin",
        made_at=made,
        now=made,
        group=None,
        groups=tuple(
            GroupReport(title, (SiteReport(n, f"site {n}", "https://x/", True, f),), f)
            for n, (title, f) in enumerate(groups)
        ),
        figures=overall,
    )


def test_the_month_the_overall_uptime_and_each_group():
    report = make_report(
        ("Shops", figures(743, down_ms=30 * 60_000, outages=1)),
        ("Blog\nBcc: x@evil.example", figures(743)),
        overall=figures(2 * 743, down_ms=30 * 60_000, outages=1),
    )
    subject, body = report_email(report)
    assert subject == "[djamon] UPTIME REPORT: March 2026, 99.97% overall"
    assert body.splitlines() == [
        "The uptime report of March 2026 (Europe/Berlin time) is attached:"
        " djamon-report-2026-03.pdf.",
        "",
        "Overall uptime: 99.97% over 2 sites (1 outage, 30 minutes down in all).",
        "",
        "By group:",
        "- Shops: 99.93%",
        "- Blog\ufffdBcc: x@evil.example: 100.00%",
        "",
        "How each figure is counted is written at the end of the report.",
        "-- djamon-desktop",
    ]


def test_nothing_monitored_is_no_data():
    subject, body = report_email(make_report(overall=figures(0)))
    assert subject == "[djamon] UPTIME REPORT: March 2026, no data"
    assert "Overall uptime: no data over 0 sites (no outage)." in body
    assert "By group" not in body
    assert attachment_name("2026-03") == "djamon-report-2026-03.pdf"
