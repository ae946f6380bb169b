"""One site: what it is and its last 10 checks."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QWidget,
)

from ...core.certs import expiry_words
from ...core.clock import Clock, utc_now
from ...core.expect import MISSING, Expect
from ...core.sites import SiteInfo
from ...core.states import State
from ...core.status import answer_text, failure_words, local_text
from ...core.text import one_line
from ...core.urls import shown_url
from ...core.vantage_words import vantage_failure_words
from .. import plain
from .base import RememberedWindow, label_form, window_title
from .chart import ResponseChart
from .columns import FittedColumns
from .fit import scrolled_column
from .recheck_box import RecheckBox
from .site_table import UPTIME_WORDS, uptime_line

if TYPE_CHECKING:
    from ...store.history import SiteHistory
    from ...store.queries import CheckInfo


def certificate_text(site: SiteInfo, now: datetime | None = None) -> str:
    """When the site's certificate expires, and whether it is due a warning."""
    if site.cert_expires_at is None:
        return "none seen" if site.url.lower().startswith("https:") else "none (http)"
    now = now or utc_now()
    text = f"{expiry_words(site.cert_expires_at, now)}: {local_text(site.cert_expires_at)}"
    return f"⚠ {text} (renew it soon)" if site.cert_expiring else text


def expect_text(expect: Expect) -> str:
    """What a site expects of its answer, in words: ``contains 'OK'; status.db is "ok"``."""
    said = []
    if expect.text is not None:
        said.append(f"contains {expect.text!r}")
    if expect.absent is not None:
        said.append(f"does not contain {expect.absent!r}")
    if expect.json_path is not None and expect.json_equals is not MISSING:
        value = json.dumps(expect.json_equals, ensure_ascii=False)
        said.append(f"{'.'.join(expect.json_path)} is {value}")
    if expect.max_ms is not None:
        said.append(f"within {expect.max_ms:,} ms")
    if expect.codes is not None:
        said.append(f"good codes {', '.join(map(str, expect.codes))}")
    return "; ".join(said) if said else "a good code (the setting's)"


class SiteWindow(RememberedWindow, QWidget):
    def __init__(self, site_id: int, clock: Clock = utc_now) -> None:
        super().__init__()
        self.site_id = site_id
        self.clock = clock
        layout = scrolled_column(self, "The site's details")  # (fits a small screen)
        form, self.labels = label_form(
            (
                "Group",
                "URL",
                "Priority",
                "State",
                "Last seen",
                "Certificate",
                "Answer must",
                "Down message",
            )
        )
        layout.addLayout(form)
        self.recheck = RecheckBox(clock)  # its ``asked`` is wired by the registry
        layout.addWidget(self.recheck)
        self.uptime = QLabel()
        layout.addWidget(self.uptime)
        self.charts = QTabWidget()
        self.day_chart = ResponseChart(24, clock)
        self.week_chart = ResponseChart(24 * 7, clock)
        self.charts.addTab(self.day_chart, "Response time, last day")
        self.charts.addTab(self.week_chart, "Last week")
        layout.addWidget(self.charts, 2)
        checks = QLabel("Last 10 checks:")
        layout.addWidget(checks)
        self.table = QTableWidget(0, 4)
        checks.setBuddy(self.table)
        self.table.setAccessibleName("Last 10 checks")
        self.table.setTabKeyNavigation(False)  # arrows move in it, Tab moves on
        self.table.setHorizontalHeaderLabels(["Time", "Answer", "Elapsed", "Detail"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)  # what a failure saw
        # fitted once, not at every refresh (ResizeToContents made them jump and undraggable)
        self.columns = FittedColumns(self.table, "site", title_column=None)
        self.columns.restore(RememberedWindow.settings)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        layout.addWidget(self.table)
        self.remember("site", (640, 680))
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.close)  # as Settings

    def show_site(
        self, site: SiteInfo, checks: list[CheckInfo], counts: dict[str, int] | None = None
    ) -> None:
        """``counts``: each live vantage's own failures in a row, on a team database with
        several (named where counts are shown: "3rd failure from alice, 11th from bob")."""
        self.setWindowTitle(window_title(site.title))
        state = site.state if site.active else f"{site.state} (inactive)"
        if counts and any(counts.values()):
            state += f", {vantage_failure_words(counts)}"
        elif site.down_count:
            state += f", {failure_words(site.down_count)}"
        if site.state == State.MAINTENANCE:  # a window or a pause: strikes kept, not checked
            state += f", until {local_text(site.quiet_until) if site.quiet_until else 'resumed'}"
        values = {
            "Group": site.group,
            "URL": shown_url(site.url),
            "Priority": site.priority,
            "State": state,
            "Last seen": local_text(site.last_seen),
            "Certificate": certificate_text(site, self.clock()),
            "Answer must": expect_text(site.expect),
            "Down message": site.down_message,
        }
        for key, value in values.items():
            self.labels[key].setText(value)
        self.table.setRowCount(len(checks))
        for row, check in enumerate(checks):
            # what a failed check saw beyond its kind ("body lacks 'OK' (1,204 bytes read)")
            detail = (getattr(check, "detail", None) or "") if check.error else ""
            cells = [
                local_text(check.time),
                answer_text(check.status_code, check.error),
                f"{check.elapsed_ms:.1f} ms",
                detail,
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(one_line(text))  # plain text, one line
                if text:
                    item.setToolTip(plain.tip(text))
                self.table.setItem(row, column, item)
        self.columns.fit_new(bool(checks))

    def show_history(self, history: SiteHistory) -> None:
        self.uptime.setText(
            f"Uptime: {history.day.text()} over 24 hours, {history.week.text()} over 7 days, "
            f"{history.month.text()} over 30 days"
        )
        lines = [
            uptime_line(history.day, "the last 24 hours"),
            uptime_line(history.week, "the last 7 days"),
            uptime_line(history.month, "the last 30 days"),
        ]
        self.uptime.setToolTip(plain.tip(".\n".join(lines) + f".\n{UPTIME_WORDS}"))
        now = self.clock().astimezone()
        self.day_chart.show_points(history.last_day, now)
        self.week_chart.show_points(history.last_week, now)
