"""Report… as a person uses it: opened from the dashboard with Ctrl+R, a month and a group
chosen with the keyboard, the preview read (the known history's numbers, hostile titles as the
characters they are), each format saved through the file dialog and compared with what the
writers give for the same span; a year of 100 sites shows its progress while the UI thread
goes on answering, and never runs a statement itself."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from djamon_desktop.core.report_csv import csv_text
from djamon_desktop.core.report_html import html_text
from djamon_desktop.core.report_model import days_span, month_span
from djamon_desktop.core.report_pdf import pdf_bytes
from djamon_desktop.store import reports

from ..conftest import Clock, document, group, site
from .screen import (
    UI_STALL_S,
    UiTicks,
    choose_file,
    dashboard_shown,
    menu_of,
    press,
)

NOW = datetime(2026, 4, 10, 9, 30, tzinfo=UTC)
MARCH = datetime(2026, 3, 1, tzinfo=UTC)
HOSTILE_GROUP = "<b>Ops</b> &amp; <img src=/dev/zero>"
HOSTILE_SITE = "<i>Shop</i> & <a href='x'>co</a>"
EVERY = timedelta(minutes=30)
CHECKS = 31 * 48  # a check every 30 minutes, all March


def djamon_history(path, server) -> None:
    """March 2026 of three sites in two groups, a check every 30 minutes each: Payments down
    from 08:00 to 09:00 UTC on the 10th (its two checks then failed; 120 ms otherwise), Blog
    answering in 200 and 400 ms by turns, the hostile group's shop in 250 ms."""
    objects = [
        {"model": "monitor.group", "pk": 1, "fields": {"title": "Production"}},
        {"model": "monitor.group", "pk": 2, "fields": {"title": HOSTILE_GROUP}},
    ]
    for pk, (grp, title) in enumerate([(1, "Payments"), (1, "Blog"), (2, HOSTILE_SITE)], start=1):
        fields = {"group": grp, "title": title, "url": server.url("/status/200"), "active": True}
        objects.append({"model": "monitor.site", "pk": pk, "fields": fields})
    down = (datetime(2026, 3, 10, 8, tzinfo=UTC), datetime(2026, 3, 10, 9, tzinfo=UTC))
    for n in range(CHECKS):
        when = MARCH + n * EVERY
        stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        failed = down[0] <= when < down[1]
        for pk, elapsed in ((1, 120.0), (2, 200.0 if n % 2 == 0 else 400.0), (3, 250.0)):
            status = 503 if failed and pk == 1 else 200
            fields = {"site": pk, "datetime": stamp, "status_code": status, "elapsed": elapsed}
            key = str(uuid.UUID(int=n * 4 + pk))
            objects.append({"model": "monitor.siteview", "pk": key, "fields": fields})
    outage = {
        "code": "K3X9QF2A",
        "start_time": "2026-03-10T08:00:00Z",
        "end_time": "2026-03-10T09:00:00Z",
        "seconds_down": 3600,
        "content": "Payments is down.",
        "extra_information": "",
        "notification_sent": True,
    }
    objects.append({"model": "monitor.outage", "pk": 1, "fields": outage})
    link = {"outage": 1, "site": 1, "primary": True, "start_time": "2026-03-10T08:00:00Z"}
    objects.append({"model": "monitor.outagesites", "pk": 1, "fields": link})
    path.write_text(json.dumps(objects))


@pytest.fixture
def utc(monkeypatch):
    """The local zone is UTC (``TZ``): the months' edges are the history's."""
    monkeypatch.setenv("TZ", "UTC")
    return ZoneInfo("UTC")


@pytest.fixture
def history(run, tmp_path, server, db, utc):
    path = tmp_path / "djamon.json"
    djamon_history(path, server)
    result = run("import", str(path))
    assert result.code == 0, result.err


@pytest.fixture
def ui_statements(monkeypatch):
    """Every SQL statement run on the UI (main) thread while ``watching`` is set."""
    import peewee

    seen: list[str] = []
    watching = threading.Event()
    original = peewee.Database.execute_sql

    def execute_sql(self, sql, *args, **kwargs):
        if watching.is_set() and threading.current_thread() is threading.main_thread():
            seen.append(sql)
        return original(self, sql, *args, **kwargs)

    monkeypatch.setattr(peewee.Database, "execute_sql", execute_sql)
    return seen, watching


def open_report(qtbot, app):
    """Ctrl+R in the dashboard, as a person presses it; the window, once its preview is in."""
    dashboard = dashboard_shown(qtbot, app)
    dashboard.tree.setFocus()
    press(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: app.windows.report is not None)
    window = app.windows.report
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    settle(qtbot, window)
    return window


def settle(qtbot, window, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: not window.reporting.busy, timeout=timeout)


def type_date(label_key: Qt.Key, day: str) -> None:
    """A date typed as a person types it: Alt and the label's key to its field (its year
    selected), then the digits, each its own key press (the field moves on from the year to
    the month to the day by itself)."""
    press(label_key, Qt.KeyboardModifier.AltModifier)
    for digit in day.replace("-", ""):
        press(Qt.Key(ord(digit)))


def page_text(window) -> str:
    return window.preview.document().toPlainText()


def as_shown(html: str) -> str:
    """A page's text as Qt's rich text shows it."""
    document = QTextDocument()
    document.setHtml(html)
    return document.toPlainText()


def test_the_report_window_shows_last_month_and_saves_what_it_shows(
    qtbot, make_app, history, utc, tmp_path, ui_statements
):
    statements, watching = ui_statements
    app = make_app(start_round=False, clock=Clock(NOW))
    watching.set()
    window = open_report(qtbot, app)
    # last month, every group: the known numbers
    assert window.month.currentText() == "March 2026"
    assert window.group.currentText() == "All groups"
    text = page_text(window)
    assert "March 2026" in text
    assert "99.87" in text  # Payments: down 1 hour of 744
    assert "100.00" in text  # Blog and the shop
    assert "Production" in text and HOSTILE_GROUP in text and HOSTILE_SITE in text
    assert window.status.text() == "March 2026: 3 sites."
    assert charts_drawn(window) >= 2  # uptime and response time by day, at least

    # saved as each format: the files are what the writers give for the same span
    folder = tmp_path / "out"
    folder.mkdir()
    watching.clear()  # (the expected files are read here, on the test's thread)
    expected = reports.report(month_span(2026, 3, utc), NOW, utc, "UTC")
    wanted = {
        "csv": csv_text(expected).encode(),
        "html": html_text(expected).encode(),
        "pdf": pdf_bytes(expected),
    }
    watching.set()
    for kind in ("csv", "html", "pdf"):
        qtbot.mouseClick(window.save_buttons[kind], Qt.MouseButton.LeftButton)
        choose_file(qtbot, folder / f"djamon-report-2026-03.{kind}")
        settle(qtbot, window)
        path = folder / f"djamon-report-2026-03.{kind}"
        assert window.status.text() == f"Saved {path}."
        assert window.focusWidget() is window.save_buttons[kind]  # the keyboard back there
        if kind == "pdf":
            assert path.read_bytes()[:5] == b"%PDF-"
            assert same_pdf_text(path.read_bytes(), wanted["pdf"], tmp_path)
        else:
            assert path.read_bytes() == wanted[kind], kind
    assert "uptime_percent" in (folder / "djamon-report-2026-03.csv").read_text()
    # the last folder is remembered: the next Save as… opens there, with the report's name
    dialog = window.ask_file("csv")
    assert dialog.selectedFiles()[0] == str(folder / "djamon-report-2026-03.csv")
    dialog.reject()
    assert statements == [], statements[:3]


def charts_drawn(window) -> int:
    """How many of the page's charts are drawn as images in the preview, each with something
    drawn on its white (none blank)."""
    from PySide6.QtCore import QUrl

    document = window.preview.document()
    drawn = 0
    while True:
        name = f"djamon-chart:{drawn}"
        image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        if image is None or name not in document.toHtml():
            return drawn
        colours = {
            image.pixelColor(x, y).name()
            for x in range(0, image.width(), 7)
            for y in range(0, image.height(), 7)
        }
        assert colours - {"#ffffff"}, f"chart {drawn} is blank"
        drawn += 1


def same_pdf_text(got: bytes, wanted: bytes, tmp_path) -> bool:
    """Two PDFs read the same (pdftotext -layout): their words and numbers."""
    import subprocess

    texts = []
    for n, data in enumerate((got, wanted)):
        path = tmp_path / f"compare-{n}.pdf"
        path.write_bytes(data)
        out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True)
        assert out.returncode == 0, out.stderr
        texts.append(out.stdout.decode())
    assert "99.87" in texts[0]
    return texts[0] == texts[1]


def test_a_month_a_group_and_days_chosen_with_the_keyboard(
    qtbot, make_app, history, utc, ui_statements, caplog
):
    statements, watching = ui_statements
    app = make_app(start_round=False, clock=Clock(NOW))
    watching.set()
    window = open_report(qtbot, app)
    assert QApplication.focusWidget() is window.month

    # February: nothing was monitored then
    press(Qt.Key.Key_Down)
    settle(qtbot, window)
    assert window.month.currentText() == "February 2026"
    text = page_text(window)
    assert "February 2026" in text and "99.87" not in text

    # this month so far: counted up to now
    press(Qt.Key.Key_Home)
    settle(qtbot, window)
    assert window.month.currentText() == "April 2026 (so far)"
    assert window.status.text() == "April 2026: 3 sites, counted up to 09:30."

    # the hostile group alone, in March: its title as the characters it is, everywhere
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)  # the label's key: to the list
    assert QApplication.focusWidget() is window.group
    assert window.group.itemText(2) == HOSTILE_GROUP
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_Down)
    settle(qtbot, window)
    assert window.group.currentText() == HOSTILE_GROUP
    text = page_text(window)
    assert HOSTILE_GROUP in text and HOSTILE_SITE in text
    assert "Payments" not in text and "99.87" not in text
    # Save as PDF… offers a file named by the month and the group's letters and digits
    press(Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is not None)
    dialog = QApplication.activeModalWidget()
    name = "djamon-report-2026-03-b-ops-b-amp-img-src-dev-zero.pdf"
    assert dialog.selectedFiles()[0].endswith("/" + name)
    focus = QApplication.focusWidget
    qtbot.waitUntil(lambda: focus() is not None and focus().window() is dialog)
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    press(Qt.Key.Key_G, Qt.KeyboardModifier.AltModifier)

    # one day of every group: the days typed (Alt+F, Alt+T: from, to)
    press(Qt.Key.Key_Home)
    type_date(Qt.Key.Key_F, "2026-03-10")
    assert QApplication.focusWidget() is window.first
    type_date(Qt.Key.Key_T, "2026-03-10")
    assert QApplication.focusWidget() is window.last
    settle(qtbot, window)
    assert window.month.currentText() == "Days from… to…"
    assert window.choice().span == days_span(date(2026, 3, 10), date(2026, 3, 10), utc)
    text = page_text(window)
    assert "10 March 2026" in text
    assert "95.83" in text  # Payments: down 1 hour of 24
    assert window.save_buttons["csv"].isEnabled()

    # the days the wrong way round: said, and nothing to save
    type_date(Qt.Key.Key_F, "2026-03-12")
    qtbot.waitUntil(lambda: "after" in window.status.text())
    assert window.status.text() == "The first day, 2026-03-12, is after the last, 2026-03-10."
    assert not window.save_buttons["pdf"].isEnabled()
    assert statements == []
    assert "nothing is loaded" not in caplog.text  # the page asked for no file, no URL


def test_ctrl_r_again_brings_the_one_window_forward_and_escape_closes_it(qtbot, make_app, history):
    app = make_app(start_round=False, clock=Clock(NOW))
    window = open_report(qtbot, app)
    assert window.screen().availableGeometry().contains(window.geometry())  # fitted to it
    dashboard = app.windows.dashboard
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    dashboard.tree.setFocus()
    press(Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    assert app.windows.report is window
    press(Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: app.windows.report is None)
    # the menu's entry (Alt+M, R) makes a new one (the closed one was deleted)
    dashboard.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dashboard)
    dashboard.tree.setFocus()
    press(Qt.Key.Key_M, Qt.KeyboardModifier.AltModifier)
    monitor = menu_of(dashboard, "&Monitor")
    qtbot.waitUntil(monitor.isVisible)
    QTest.keyClick(monitor, Qt.Key.Key_R)
    qtbot.waitUntil(lambda: app.windows.report is not None)
    assert app.windows.report is not window and app.windows.report.isVisible()
    settle(qtbot, app.windows.report)


# -- a year of 100 sites -----------------------------------------------------------------------


@pytest.fixture
def hundred_sites(load, server, db, utc):
    """100 sites in 4 groups with a year of hour summaries each (April 2025 to March 2026, 60
    checks an hour, the odd failure), stored as the rounds store them."""
    from djamon_desktop.store.bulk import executemany
    from djamon_desktop.store.engine import marks
    from djamon_desktop.store.history import HOUR_INSERT
    from djamon_desktop.store.models import Site
    from djamon_desktop.store.models import db as database

    url = server.url("/status/200")
    sites = [[site(f"Site {g}.{s}", url) for s in range(25)] for g in range(4)]
    groups = [group(f"Group {g}", *of_group) for g, of_group in enumerate(sites)]
    load(document(*groups))
    ids = [s.id for s in Site.select(Site.id).order_by(Site.id)]
    assert len(ids) == 100
    first = int(datetime(2025, 4, 1, tzinfo=UTC).timestamp()) // 3600
    last = int(datetime(2026, 4, 1, tzinfo=UTC).timestamp()) // 3600
    times = " ".join(["150"] * 59)
    rows = [
        (site_id, hour, 60, 59, 150.0 * 59, 150.0, times)
        for site_id in ids
        for hour in range(first, last)
    ]
    with database.atomic():
        executemany(f"{HOUR_INSERT} VALUES ({marks(7)})", rows)
    return ids


def test_a_year_of_100_sites_shows_its_progress_and_the_ui_goes_on(
    qtbot, make_app, hundred_sites, ui_statements
):
    statements, watching = ui_statements
    app = make_app(start_round=False, clock=Clock(NOW))
    watching.set()
    window = open_report(qtbot, app)
    shown: list[tuple[int, int, bool]] = []  # the bar's value, its maximum, whether shown
    window.bar.valueChanged.connect(
        lambda v: shown.append((v, window.bar.maximum(), window.bar.isVisible()))
    )
    ticks = UiTicks()
    ticks.start()
    type_date(Qt.Key.Key_F, "2025-04-01")  # (to the end of March 2026, as it was)
    qtbot.waitUntil(window.bar.isVisible, timeout=5000)
    assert window.cancel.isVisible()
    settle(qtbot, window, timeout=120000)
    ticks.stop()
    assert not window.bar.isVisible() and not window.cancel.isVisible()
    counted = [(value, top) for value, top, visible in shown if visible and top > 0]
    assert counted and {top for _, top in counted} == {100}, shown[:5]
    values = [value for value, _ in counted]
    assert values == sorted(values) and values[-1] == 100 and len(values) >= 50
    assert window.status.text().startswith("1 April 2025 – 31 March 2026: 100 sites")
    assert "Group 3" in page_text(window)
    print(f"longest UI stall {ticks.longest() * 1000:.0f} ms")
    assert ticks.longest() < UI_STALL_S
    assert statements == []


def test_a_file_that_cant_be_written_is_said_in_one_line(qtbot, make_app, history, tmp_path):
    app = make_app(start_round=False, clock=Clock(NOW))
    window = open_report(qtbot, app)
    qtbot.mouseClick(window.save_buttons["csv"], Qt.MouseButton.LeftButton)
    choose_file(qtbot, "/sys/djamon-report.csv")  # no one may write there, root included
    settle(qtbot, window)
    assert window.status.text() == "/sys/djamon-report.csv can't be written: Permission denied"
    assert "\n" not in window.status.text()
    assert window.save_buttons["csv"].isEnabled() and window.month.isEnabled()
