"""The report benchmark (tests/bench/report.py) kept from rotting: its history, filled at a tiny
size on each engine, reads back as the report counts it; and the script itself runs to its
table on SQLite. Also: ``store.reports.report`` reads hour summaries a batch of sites at a time
(a year of 100 sites is too much to hold at once), and gives the same report as reading them
all at once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from djamon_desktop.core.report_counting import build_report
from djamon_desktop.core.report_model import days_span
from djamon_desktop.store import reports
from djamon_desktop.store.models import db
from tests.bench import report as bench

LONDON = ZoneInfo("Europe/London")
SCRIPT = Path(bench.__file__)


def test_the_benchmarks_history_reads_back_as_the_report_counts_it(engine, store, monkeypatch):
    span = days_span(date(2026, 10, 24), date(2026, 10, 26), LONDON)  # 73 hours: autumn
    counted = bench.fill(span, sites=7, groups=3, raw_days=90)
    assert counted["outages"] >= 4 and counted["pauses"] == 4
    raw = db.execute_sql('SELECT count(*), count(DISTINCT site_id) FROM "check"').fetchone()
    assert raw == (counted["checks"], 7)
    now = datetime(2026, 12, 1, tzinfo=UTC)

    queries: list[int] = []
    read = reports._hours

    def counted_read(ids, *args):
        queries.append(len(ids))
        return read(ids, *args)

    monkeypatch.setattr(reports, "_hours", counted_read)
    monkeypatch.setattr(reports, "BATCH_ROWS", 3 * 73)  # 3 sites a query
    made: list[tuple[int, int]] = []
    report = reports.report(span, now, LONDON, "Europe/London", None, lambda *p: made.append(p))
    assert queries == [3, 3, 1]
    assert made[-1] == (7, 7)

    # the history as filled: every raw check counted once (all kept, 3 days < 90), the first
    # site down across the span's start, the second still down at its end, sites quiet for
    # their pauses and windows (fewer checks than minutes), the last added mid-span
    figures = report.figures
    assert figures.checks == counted["checks"]
    assert figures.good < figures.checks < 7 * 73 * 60
    by_title = {s.title: s.figures for _g, s in report.sites()}
    assert by_title["Site 1"].days[0].down_ms >= 3_600_000  # from 2 h before the start
    assert by_title["Site 2"].days[-1].down_ms >= 3 * 3_600_000  # open: to the end
    assert 0 < by_title["Site 7"].monitored_ms < 0.75 * 73 * 3_600_000
    assert 0 < figures.response_median_ms <= figures.response_p95_ms <= 4900

    # the same report when every hour is read at once
    whole = reports.site_inputs(span.start, span.end, now)
    assert build_report(span, whole, now, LONDON, "Europe/London") == report


def test_the_benchmark_runs_to_its_table(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(SCRIPT.parents[2])}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--sites", "4", "--groups", "2", "--days", "2",
         "--runs", "1", "--no-postgres", "--keep", str(tmp_path)],
        capture_output=True, text=True, timeout=100, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("4 sites in 2 groups, ")
    table = {line[:46].strip(): line[46:].split() for line in lines if line[:46].strip()}
    report_ms, _ms, budget, over_floor = table["store.reports.report()"]
    assert float(report_ms) > 0 and float(budget) < 0.5 and float(over_floor) > 0
    peak, _mib, of_budget, of_version = table["process: --version"]  # its memory row, last
    assert float(peak) > 5 and float(of_version) == 1
    if bench.has_report_command():
        assert (tmp_path / "report.pdf").read_bytes().startswith(b"%PDF-")
        assert float(table["process: report --format pdf --output F"][2]) < 1
    else:
        assert table["process: report --format pdf --output F"] == ["-", "(no", "command)"]
