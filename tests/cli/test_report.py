"""``report`` on known histories brought in through import (a Djamon fixture with checks and
outages at known times, a document with a maintenance window): the exact numbers in CSV, the
same in HTML and in the PDF (read back by pdftotext), on SQLite and a team's PostgreSQL; a
month with a clock change, a month with no data, a site added mid-month, outages over the
month's edges; checks from two vantages; bad input refused with one line and nothing written."""

from __future__ import annotations

import json
import os
import re
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from djamon_desktop.core.report_model import last_month

from ..conftest import document, group, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

HEADER = (
    "group,site,url,uptime_percent,monitored_seconds,outages,down_seconds,longest_down_seconds,"
    "response_median_ms,response_p95_ms,checks"
)

# -- the history -----------------------------------------------------------------------------
# Checkout: monitored since its first outage (28 February 22:00 UTC); 3 outages in March as
#   London counts it: 30 min of one that began in February, 5 min 30 s, and 10 min of one that
#   ends in April (London's April begins at 23:00 UTC); a Sunday window 03:00-04:00 local;
#   checks: one before March, 5 in it (one failed), one at 23:10 UTC on the 31st.
# Blog: first checked on 16 March at 12:00 UTC (added mid-month); 2 good checks.
# Printer: checked in January only: monitored all March, no checks in it.
CHECKS = [
    (1, "2026-02-28T23:30:00Z", 200, 90.0),
    (1, "2026-03-02T10:00:00Z", 200, 120.4),
    (1, "2026-03-02T10:01:00Z", 200, 80.5),  # 81 ms: a half rounds up
    (1, "2026-03-10T12:00:00Z", 503, 40.0),
    (1, "2026-03-10T12:05:00Z", 200, 99.9),
    (1, "2026-03-31T22:59:00Z", 200, 300.0),
    (1, "2026-03-31T23:10:00Z", 200, 1000.0),  # April in London, March in UTC
    (2, "2026-03-16T12:00:00Z", 200, 50.0),
    (2, "2026-03-20T08:00:00Z", 200, 70.0),
    (3, "2026-01-15T09:00:00Z", 200, 30.0),
]
OUTAGES = [
    ("A2FEB28X", "2026-02-28T22:00:00Z", "2026-03-01T00:30:00Z"),
    ("B3MAR10X", "2026-03-10T12:00:00Z", "2026-03-10T12:05:30Z"),
    ("C4MAR31X", "2026-03-31T22:50:00Z", "2026-04-01T01:00:00Z"),
]
SUNDAYS = [{"schedule": "0 3 * * 0", "minutes": 60}]


def djamon_fixture(path: Path) -> Path:
    """The history above as ``manage.py dumpdata monitor`` gives it."""
    objects = [
        {"model": "monitor.group", "pk": 1, "fields": {"title": "Shops"}},
        {"model": "monitor.group", "pk": 2, "fields": {"title": "Office"}},
    ]
    for pk, (grp, title, url) in enumerate(
        [
            (1, "Checkout", "https://shop.example.com/"),
            (1, "Blog", "https://blog.example.com/"),
            (2, "Printer", "http://printer.example.com/"),
        ],
        1,
    ):
        fields = {
            "group": grp,
            "title": title,
            "url": url,
            "active": True,
            "down_message": "There is a problem with the website.",
            "last_seen": None,
            "down_count": 0,
            "priority": 1,
        }
        objects.append({"model": "monitor.site", "pk": pk, "fields": fields})
    for n, (site_pk, when, code, elapsed) in enumerate(CHECKS):
        fields = {"site": site_pk, "datetime": when, "status_code": code, "elapsed": elapsed}
        pk = f"00000000-0000-4000-8000-{n:012d}"
        objects.append({"model": "monitor.siteview", "pk": pk, "fields": fields})
    for pk, (code, start, end) in enumerate(OUTAGES, 1):
        fields = {
            "code": code,
            "start_time": start,
            "end_time": end,
            "seconds_down": None,
            "content": "Checkout is down.",
            "extra_information": "",
            "notification_sent": True,
        }
        objects.append({"model": "monitor.outage", "pk": pk, "fields": fields})
        link = {"outage": pk, "site": 1, "primary": True, "start_time": start}
        objects.append({"model": "monitor.outagesites", "pk": pk, "fields": link})
    path.write_text(json.dumps(objects))
    return path


@pytest.fixture
def history(run, load, tmp_path):
    """The history imported: the fixture, then the document giving Checkout its window."""
    result = run("import", str(djamon_fixture(tmp_path / "djamon.json")))
    assert result.code == 0, result.err
    load(
        document(
            group(
                "Shops",
                site("Checkout", "https://shop.example.com/", maintenance=SUNDAYS),
                site("Blog", "https://blog.example.com/"),
            ),
            group("Office", site("Printer", "http://printer.example.com/")),
        )
    )


@pytest.fixture
def london(monkeypatch):
    monkeypatch.setenv("TZ", "Europe/London")


def csv_rows(out: str) -> list[str]:
    lines = out.splitlines()
    assert lines[0] == HEADER
    return lines[1:]


MARCH_IN_LONDON = [
    # 743 hours (the clocks went forward on the 29th) less five Sunday hours; down 30 min +
    # 5 min 30 s + 10 min; 5 checks, the good ones 81, 100, 120 and 300 ms
    "Shops,Checkout,https://shop.example.com/,99.90,2656800,3,2730,1800,100,300,5",
    # from 16 March 12:00 UTC to 31 March 23:00 UTC: 15 days 11 hours
    "Shops,Blog,https://blog.example.com/,100.00,1335600,0,0,0,50,70,2",
    "Office,Printer,http://printer.example.com/,100.00,2674800,0,0,0,,,0",
]


def test_a_march_in_london_counts_exactly(run, history, london):
    result = run("report", "--month", "2026-03", "--format", "csv")
    assert result.code == 0, result.err
    assert csv_rows(result.out) == MARCH_IN_LONDON
    assert result.err == ""


def test_the_same_march_in_utc_has_744_hours_and_its_last_hour(run, history, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    result = run("report", "--month", "2026-03", "--format", "csv")
    assert csv_rows(result.out) == [
        # 744 hours less 5; the last outage's 70 minutes to midnight UTC count; the 23:10
        # check too: 6 checks, times 81, 100, 120, 300, 1000
        "Shops,Checkout,https://shop.example.com/,99.76,2660400,3,6330,4200,120,1000,6",
        "Shops,Blog,https://blog.example.com/,100.00,1339200,0,0,0,50,70,2",
        "Office,Printer,http://printer.example.com/,100.00,2678400,0,0,0,,,0",
    ]


def cells_of(page: str, first: str) -> list[str]:
    """The figures of the HTML table's row that begins with ``first``."""
    row = re.search(rf"<tr(?: class=\"total\")?><td>{re.escape(first)}(?:<div.*?)?</td>(.*?)</tr>",
                    page, re.S)  # fmt: skip
    assert row is not None, first
    return re.findall(r'<td class="n">(.*?)</td>', row.group(1))


URLS = {
    "Checkout": "https://shop.example.com/",
    "Blog": "https://blog.example.com/",
    "Printer": "http://printer.example.com/",
}
ROWS_IN_WORDS = {
    "Checkout": ["99.90", "30 d 18 h", "45 min 30 s", "3", "30 min", "100 ms", "300 ms", "5"],
    "Blog": ["100.00", "15 d 11 h", "0 s", "0", "–", "50 ms", "70 ms", "2"],
    "Printer": ["100.00", "30 d 23 h", "0 s", "0", "–", "–", "–", "0"],
    # Shops: 46 d 5 h monitored; times 50, 70, 81, 100, 120, 300
    "Group total": ["99.93", "46 d 5 h", "45 min 30 s", "3", "30 min", "81 ms", "300 ms", "7"],
}


def test_html_and_pdf_say_the_same_numbers(run, history, london, tmp_path):
    html = run("report", "--month", "2026-03")  # html to stdout is the default
    assert html.code == 0, html.err
    page = html.out
    assert page.startswith("<!DOCTYPE html>")
    for first, cells in ROWS_IN_WORDS.items():
        assert cells_of(page, first) == cells
    assert "Excluded (maintenance windows, pauses, inactive): Checkout 5 h." in page
    assert "Days in local time (Europe/London)." in page
    assert "Uptime report: March 2026" in page and "All groups (2) · 3 sites" in page
    target = tmp_path / "march.pdf"
    pdf = run("report", "--month", "2026-03", "--format", "pdf", "--output", str(target))
    assert pdf.code == 0, pdf.err
    assert pdf.out == f"Wrote the PDF report of March 2026 to {target}.\n"
    text = subprocess.run(
        ["pdftotext", "-layout", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Uptime report: March 2026" in text and "All groups (2) · 3 sites" in text
    flat = re.sub(r"\s+", "", text)
    assert "Excluded(maintenancewindows,pauses,inactive):Checkout5h." in flat
    # the table's rows and the summary's tiles, in the order they are drawn: a row's title,
    # its address, then its figures (a figure that wraps in its cell stays in its place)
    drawn = subprocess.run(
        ["pdftotext", "-raw", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    for first, cells in ROWS_IN_WORDS.items():
        row = first + URLS.get(first, "") + "".join(cells)
        assert re.sub(r"\s+", "", row) in re.sub(r"\s+", "", drawn), first
    assert (
        "Uptime\n99.96 %\nTime monitored (sites added up)\n77 d 4 h\n"
        "Time down\n45 min 30 s\nOutages\n3\n"
        "Longest time down\n30 min\nResponse time, median\n81 ms\n"
        "Response time, 95th percentile\n300 ms\nChecks made\n7\n"
        "Excluded (maintenance, pauses)\n5 h\n"
    ) in drawn


def test_one_group(run, history, london):
    result = run("report", "--month", "2026-03", "--format", "csv", "--group", "office")
    assert result.code == 0, result.err
    assert csv_rows(result.out) == [MARCH_IN_LONDON[2]]  # the title matched without case
    html = run("report", "--month", "2026-03", "--group", "Office").out
    assert "Group Office · 1 site" in html and "Checkout" not in html


def test_a_month_before_any_data_has_nothing_monitored(run, history, london):
    result = run("report", "--month", "2025-12", "--format", "csv")
    assert csv_rows(result.out) == [
        "Shops,Checkout,https://shop.example.com/,,0,0,0,0,,,0",
        "Shops,Blog,https://blog.example.com/,,0,0,0,0,,,0",
        "Office,Printer,http://printer.example.com/,,0,0,0,0,,,0",
    ]
    page = run("report", "--month", "2025-12").out
    assert page.count("No data") == 2 + 2 * 2  # the overall charts and each group's


def test_a_span_of_days_counts_only_inside(run, history, london):
    """From 1 to 10 March: the outage that began in February counts its 30 minutes in March;
    the one of the 10th whole; the Sundays of the 1st and 8th are excluded."""
    result = run("report", "--from", "2026-03-01", "--to", "2026-03-10", "--format", "csv")
    assert csv_rows(result.out)[0] == (
        "Shops,Checkout,https://shop.example.com/,99.75,856800,2,2130,1800,100,120,4"
    )


def test_default_is_last_month_in_html(run, history, london):
    result = run("report")
    assert result.code == 0, result.err
    expected = last_month(datetime.now(UTC), ZoneInfo("Europe/London")).title
    assert f"<h1>Uptime report: {expected}</h1>" in result.out


def test_the_output_file_is_replaced_whole(run, history, london, tmp_path):
    target = tmp_path / "report.csv"
    target.write_text("an older report\n")
    result = run("report", "--month", "2026-03", "--format", "csv", "--output", str(target))
    assert result.code == 0, result.err
    assert csv_rows(target.read_text()) == MARCH_IN_LONDON
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["report.csv", "data", "djamon.json", "load.json"]
    )  # no temporary file left beside it
    umask = os.umask(0o022)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644 & ~umask  # as any file it would write


def test_a_team_database_counts_every_vantages_checks(run, load, server, engine, tmp_path):
    """Two desktops check the same site: the report counts both checks, and the percentiles
    are over both answers' times."""
    load(document(group("Team", site("Status", server.url("/status/200")))))
    times = []
    for vantage in ("office", "home"):
        result = run("--vantage", vantage, "check", "--json")
        assert result.code == 0, result.err
        [checked] = result.json()["results"]
        assert checked["ok"]
        times.append(int(checked["elapsed_ms"] + 0.5))
    today = datetime.now(UTC).date()
    result = run(
        "report",
        "--from",
        (today - timedelta(days=1)).isoformat(),
        "--to",
        (today + timedelta(days=1)).isoformat(),
        "--format",
        "csv",
    )
    [row] = csv_rows(result.out)
    fields = row.split(",")
    assert fields[:4] == ["Team", "Status", server.url("/status/200"), "100.00"]
    assert 0 <= int(fields[4]) < 600  # monitored from its import to now
    assert fields[5:] == ["0", "0", "0", str(min(times)), str(max(times)), "2"]


# -- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--month", "2026-13"], "--month: '2026-13' is not a month"),
        (["--month", "March"], "--month: 'March' is not a month"),
        (["--from", "2026-03-10", "--to", "2026-03-01"], "--from 2026-03-10 is after --to"),
        (["--from", "2026-02-30", "--to", "2026-03-01"], "is not a date in the calendar"),
        (["--month", "2026-03", "--from", "2026-03-01", "--to", "2026-03-02"], "together"),
        (["--from", "2026-03-01"], "--from needs --to"),
        (["--to", "2026-03-01"], "--to needs --from"),
        (["--group", "Nope"], "--group: there is no group titled 'Nope'"),
        (["--format", "docx"], "invalid choice: 'docx'"),
    ],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(run, history, tmp_path, args, said):
    target = tmp_path / "out" / "report.pdf"
    target.parent.mkdir()
    form = [] if "--format" in args else ["--format", "pdf"]
    result = run("report", *args, *form, "--output", str(target))
    assert result.code == 2
    assert said in result.err
    assert result.err.count("\n") == 1 and result.out == ""
    assert list(target.parent.iterdir()) == []


def test_pdf_needs_a_file_in_a_folder_that_exists(run, history, tmp_path):
    result = run("report", "--month", "2026-03", "--format", "pdf")
    assert (result.code, result.out) == (2, "")
    assert "--format pdf needs --output FILE" in result.err and result.err.count("\n") == 1
    missing = tmp_path / "no such folder" / "march.pdf"
    result = run("report", "--format", "pdf", "--output", str(missing))
    assert result.code == 2 and "does not exist" in result.err
    assert not missing.parent.exists()
    result = run("report", "--format", "csv", "--output", str(tmp_path))
    assert result.code == 2 and "is a folder" in result.err


def test_the_program_writes_a_pdf_in_a_process_of_its_own(run_process, history, tmp_path):
    """As a user runs it: the bundled font is found from the program's own files."""
    target = tmp_path / "march.pdf"
    result = run_process(
        "report", "--month", "2026-03", "--format", "pdf", "--output", str(target),
        env={"TZ": "Europe/London"},
    )  # fmt: skip
    assert result.code == 0, result.err
    assert target.read_bytes().startswith(b"%PDF-")
    text = subprocess.run(
        ["pdftotext", str(target), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Uptime report: March 2026" in text and "99.90" in text
