"""Report… (the dashboard's Monitor menu, Ctrl+R): an uptime report of a month, or of days
from one date to another, for every group or one; a preview of it as it will be saved, and Save
as PDF, HTML or CSV.

The window only asks and shows. The report is built, and each file written, on a worker thread
(``gui/report_worker.py``), which says how far it got: a progress bar shows meanwhile, with
Cancel. A new choice, Refresh or Cancel leaves what is under way to be thrown away when it
comes. Group titles come from others: plain text in the list, escaped in the page. Escape
closes the window."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from pathlib import Path

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ...core.clock import Clock, utc_now
from ...core.report_model import Span, days_span, last_month, month_span
from .. import plain
from .base import RememberedWindow, window_title
from .report_preview import Page, PreviewBrowser

#: months offered besides this one (hour summaries are kept 13 months at least)
MONTHS_BACK = 24
#: a choice settles this long before its report is built (dates typed a digit at a time)
SETTLE_MS = 300
#: each format: its button, what the file dialog lists
FORMATS = {
    "pdf": ("Save as &PDF…", "PDF files (*.pdf)"),
    "html": ("Save as &HTML…", "HTML files (*.html *.htm)"),
    "csv": ("Save as &CSV…", "CSV files (*.csv)"),
}
ALL_GROUPS = "All groups"
DAYS = "Days from… to…"
FOLDER_KEY = "report/folder"


@dataclass(frozen=True)
class Choice:
    """What a report is asked of: a span (local days in ``zone``) and a group's title (None:
    every group)."""

    span: Span
    group: str | None
    zone: tzinfo


def month_choices(now: datetime, zone: tzinfo, back: int = MONTHS_BACK) -> list[tuple[str, Span]]:
    """This month (so far) and the ``back`` before it, newest first, each with its words."""
    today = now.astimezone(zone).date()
    year, month = today.year, today.month
    out = []
    for n in range(back + 1):
        y, m = divmod(year * 12 + month - 1 - n, 12)
        span = month_span(y, m + 1, zone)
        out.append((f"{span.title} (so far)" if n == 0 else span.title, span))
    return out


def file_name(choice: Choice, kind: str) -> str:
    """``djamon-report-2026-03.pdf``; a span of days by its dates, a group by its title's
    letters and digits: ``djamon-report-2026-03-01-to-2026-03-15-production.csv``."""
    span = choice.span
    if span.month is not None:
        words = span.month
    elif span.first_day == span.last_day:
        words = span.first_day.isoformat()
    else:
        words = f"{span.first_day.isoformat()}-to-{span.last_day.isoformat()}"
    if choice.group is not None:
        slug = re.sub(r"[^a-z0-9]+", "-", choice.group.casefold()).strip("-")[:40].strip("-")
        words += f"-{slug}" if slug else "-group"
    return f"djamon-report-{words}.{kind}"


def _qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


class ReportWindow(RememberedWindow, QWidget):
    preview_wanted = Signal(object)  # a Choice: build its preview
    save_wanted = Signal(object, str, str)  # a Choice, the format ("pdf"...), the file's path
    cancel_wanted = Signal()  # Cancel, or the window closes

    def __init__(self, zone: tzinfo, clock: Clock = utc_now) -> None:
        super().__init__()
        self.zone, self.clock = zone, clock
        self.setWindowTitle(window_title("Report"))
        self._saving = False
        self._dialog: QFileDialog | None = None  # the last Save as… asked
        self._refocus: QWidget | None = None  # had the keyboard when its control was disabled
        self.reporting = None  # its jobs (gui/report_worker.Reporting), set by who makes it

        self.month = QComboBox()
        self.month.setAccessibleName("Month")
        self.month.setAccessibleDescription(
            "a calendar month in local time, or the days from and to below"
        )
        self.month.view().setAccessibleName("Months")
        for words, span in month_choices(clock(), zone):
            self.month.addItem(words, span)
        self.month.addItem(DAYS, None)
        self.month.setCurrentIndex(1)  # last month, the one owed
        month_label = QLabel("&Month:")
        month_label.setBuddy(self.month)
        default = last_month(clock(), zone)
        self.first = self._date_field("From", default.first_day)
        self.last = self._date_field("To", default.last_day)
        first_label, last_label = QLabel("&From"), QLabel("&to")
        first_label.setBuddy(self.first)
        last_label.setBuddy(self.last)
        self.group = QComboBox()
        self.group.setAccessibleName("Group")
        # as wide as 32 letters whatever the titles (a longer one shows whole in the list)
        fixed = QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        self.group.setSizeAdjustPolicy(fixed)
        self.group.setMinimumContentsLength(32)
        self.group.view().setAccessibleName("Groups")
        self.group.addItem(ALL_GROUPS, None)
        group_label = QLabel("&Group:")
        group_label.setBuddy(self.group)

        self.preview = PreviewBrowser()
        self.preview.setAccessibleName("Report preview")
        self.preview.setAccessibleDescription(
            "the report as Save as HTML writes it: the summary, each group's table, the charts "
            "and the counting rules"
        )
        self.preview.setMinimumHeight(80)  # (the window fits 1024×600 at twice the scale)
        self.bar = QProgressBar()
        self.bar.setAccessibleName("Progress")
        self.bar.setTextVisible(True)
        self.bar.setFixedWidth(220)
        keep = self.bar.sizePolicy()
        keep.setRetainSizeWhenHidden(True)  # the line keeps its room when they go
        self.bar.setSizePolicy(keep)
        self.cancel = QPushButton("Ca&ncel")
        self.cancel.setAccessibleDescription("stop building or saving the report")
        self.cancel.setSizePolicy(keep)
        self.status = plain.label()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.save_buttons = {kind: QPushButton(text) for kind, (text, _) in FORMATS.items()}
        self.refresh = QPushButton("&Refresh")
        self.refresh.setAccessibleDescription("build the report again from what is stored now")
        self.refresh.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.close_button = QPushButton("Close")

        grid = QGridLayout()
        grid.addWidget(month_label, 0, 0)
        left = Qt.AlignmentFlag.AlignLeft  # (a list as wide as it needs, not the window)
        grid.addWidget(self.month, 0, 1, 1, 4, left)
        grid.addWidget(first_label, 1, 0)
        grid.addWidget(self.first, 1, 1)
        grid.addWidget(last_label, 1, 2)
        grid.addWidget(self.last, 1, 3)
        grid.addWidget(group_label, 2, 0)
        grid.addWidget(self.group, 2, 1, 1, 4, left)
        grid.addWidget(self.refresh, 2, 5)  # at the choices' right: it builds them again
        grid.setColumnStretch(4, 1)
        working = QHBoxLayout()  # what is under way or came of it, the bar and Cancel by it
        working.addWidget(self.status, 1)
        working.addWidget(self.bar)
        working.addWidget(self.cancel)
        buttons = QHBoxLayout()
        for button in self.save_buttons.values():
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.preview, 1)
        layout.addLayout(working)
        layout.addLayout(buttons)
        order = [self.month, self.first, self.last, self.group, self.refresh, self.preview]
        order += [self.cancel, *self.save_buttons.values(), self.close_button]
        for before, after in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(before, after)

        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.ask_preview)
        self.month.currentIndexChanged.connect(lambda *_: self._month_chosen())
        self.first.dateChanged.connect(lambda *_: self._days_chosen())
        self.last.dateChanged.connect(lambda *_: self._days_chosen())
        self.group.currentIndexChanged.connect(lambda *_: self._changed())
        self.cancel.clicked.connect(lambda *_: self.cancel_wanted.emit())
        for kind, button in self.save_buttons.items():
            button.clicked.connect(lambda *_, kind=kind: self.ask_file(kind))
        self.refresh.clicked.connect(lambda *_: self.ask_preview())
        self.close_button.clicked.connect(lambda *_: self.close())
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.close)
        self.idle()
        self.remember("report", (1000, 660))  # the page's width (fitted to a smaller screen)
        self.month.setFocus()

    def _date_field(self, name: str, day: date) -> QDateEdit:
        field = QDateEdit(_qdate(day))
        field.setDisplayFormat("yyyy-MM-dd")
        field.setCalendarPopup(True)
        field.setMinimumDate(QDate(1970, 1, 1))
        field.setAccessibleName(name)
        field.setAccessibleDescription("a local date, YYYY-MM-DD; the report includes it")
        return field

    # -- the choice ------------------------------------------------------------------------------

    def choice(self) -> Choice | None:
        """What the controls ask for; None (and the line says why) when the days are the
        wrong way round."""
        group = self.group.currentData()
        month = self.month.currentData()
        if month is not None:
            return Choice(month, group, self.zone)
        first, last = _day(self.first.date()), _day(self.last.date())
        if first > last:
            return None
        return Choice(days_span(first, last, self.zone), group, self.zone)

    @property
    def settling(self) -> bool:
        """A choice was just made: its preview is asked for once it settles."""
        return self._settle.isActive()

    def _month_chosen(self) -> None:
        """A month chosen: the days below show it (the days' item leaves them as they are)."""
        span = self.month.currentData()
        if span is not None:
            for field, day in ((self.first, span.first_day), (self.last, span.last_day)):
                field.blockSignals(True)
                field.setDate(_qdate(day))
                field.blockSignals(False)
        self._changed()

    def _days_chosen(self) -> None:
        """A day changed: the report is of the days from and to (the month's list says so)."""
        self.month.blockSignals(True)
        self.month.setCurrentIndex(self.month.count() - 1)
        self.month.blockSignals(False)
        self._changed()

    def _changed(self) -> None:
        self._settle.start()

    def ask_preview(self) -> None:
        """Build the preview of the choice now (Refresh, or the choice settled)."""
        self._settle.stop()
        choice = self.choice()
        if choice is None:
            first, last = (d.date().toString("yyyy-MM-dd") for d in (self.first, self.last))
            self.cancel_wanted.emit()
            self.failed(f"The first day, {first}, is after the last, {last}.")
            self.preview.show_words("Choose a first day on or before the last one.")
            return
        self.preview_wanted.emit(choice)

    def show_groups(self, titles: list[str]) -> None:
        """The groups to choose from (each title shown as plain text); the one chosen stays
        chosen while it is there, and All groups is chosen when it goes."""
        shown = [self.group.itemData(i) for i in range(1, self.group.count())]
        if shown == titles:
            return
        chosen = self.group.currentData()
        self.group.blockSignals(True)
        self.group.clear()
        self.group.addItem(ALL_GROUPS, None)
        for title in titles:
            self.group.addItem(plain.visible(title), title)
        index = self.group.findData(chosen) if chosen is not None else 0
        self.group.setCurrentIndex(max(index, 0))
        self.group.blockSignals(False)
        if chosen is not None and index < 0:
            self._changed()

    # -- saving ----------------------------------------------------------------------------------

    def folder(self) -> str:
        settings = RememberedWindow.settings
        saved = settings.value(FOLDER_KEY) if settings is not None else None
        return str(saved) if saved and Path(str(saved)).is_dir() else str(Path.home())

    def ask_file(self, kind: str) -> QFileDialog | None:
        """Save as…: the file dialog in the last folder used, with the report's usual name."""
        if self._settle.isActive():  # a choice just made: its preview first, then the file
            self.ask_preview()
        choice = self.choice()
        if choice is None:
            return None
        default = str(Path(self.folder()) / file_name(choice, kind))
        dialog = QFileDialog(self, f"Save the report as {kind.upper()}", default, FORMATS[kind][1])
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(kind)
        dialog.selectFile(default)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.fileSelected.connect(lambda path: self._chosen(choice, kind, path))
        dialog.open()  # window-modal, without a nested event loop
        self._dialog = dialog
        return dialog

    def _chosen(self, choice: Choice, kind: str, path: str) -> None:
        if RememberedWindow.settings is not None:
            RememberedWindow.settings.setValue(FOLDER_KEY, str(Path(path).parent))
        self._saving = True
        self.save_wanted.emit(choice, kind, path)

    # -- what is shown ---------------------------------------------------------------------------

    def working(self, text: str) -> None:
        """Work under way (``text`` says what): the bar, busy until there is a count, and
        Cancel. While a file is written the choice can't change."""
        plain.set_text(self.status, text)
        self.bar.setRange(0, 0)
        self.bar.setFormat("")
        self.bar.show()
        self.cancel.show()
        self._enable(not self._saving)

    def show_progress(self, done: int, of: int, text: str) -> None:
        self.bar.setRange(0, max(of, 1))
        self.bar.setValue(done)
        self.bar.setFormat(f"{done} of {of}")
        plain.set_text(self.status, text)

    def idle(self, text: str = "") -> None:
        """Nothing under way: the bar and Cancel go, the line says ``text``."""
        self._saving = False
        if self.cancel.hasFocus():  # (its keyboard goes to the page, not somewhere by chance)
            self.preview.setFocus(Qt.FocusReason.OtherFocusReason)
        self.bar.hide()
        self.cancel.hide()
        plain.set_text(self.status, text)
        self._enable(True)

    def show_page(self, page: Page, text: str) -> None:
        self.preview.show_page(page)
        self.idle(text)

    def failed(self, line: str) -> None:
        """What went wrong, in one line (never a traceback)."""
        self.idle(line)

    def _enable(self, choosing: bool) -> None:
        """The choices and buttons usable or not; the keyboard, moved off a control while it
        can't be used (Save as… while the file is written), comes back to it after."""
        focused = self.focusWidget()
        if not choosing and focused is not None and self._refocus is None:
            self._refocus = focused
        for widget in (self.month, self.first, self.last):
            widget.setEnabled(choosing)
        self.group.setEnabled(choosing)
        self.refresh.setEnabled(choosing)
        valid = self.choice() is not None
        for button in self.save_buttons.values():
            button.setEnabled(choosing and valid)
        back, self._refocus = (self._refocus, None) if choosing else (None, self._refocus)
        if back is not None and back.isEnabled() and back.isVisible():
            back.setFocus(Qt.FocusReason.OtherFocusReason)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._settle.stop()
        self.cancel_wanted.emit()
        super().closeEvent(event)
