"""Report…'s work, off the UI thread: the report read and counted (``store.reports.report``, a
few seconds for a year of 100 sites), its preview page made (``core.report_html`` with the
charts drawn: ``windows/report_preview.py``), a file written (``core.report_pdf``,
``report_html``, ``report_csv``). One thread of its own does one job at a time, in the order
asked, and says how far the counting got.

:class:`Reporting` is the UI side: it numbers each job, and shows in the window only the
answers still wanted. A new choice or Refresh cancels every job before it (Cancel and closing
the window too): a job cancelled stops at its next site, and what it still says is thrown away.
A Save as… right after a choice waits for that choice's preview and writes the report it shows
(counted once, and the file is what was previewed)."""

from __future__ import annotations

import contextlib
import gc
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from ..core.clock import Clock, utc_now
from ..core.report_model import Report
from ..core.schedule import local_zone
from ..core.status import plural
from ..errors import UserError
from ..files import write_whole
from ..store import reports
from ..store.database import close_database, reaching
from ..store.engine import DatabaseUnreachable
from .windows.report import Choice, ReportWindow
from .windows.report_preview import Page, preview_page

log = logging.getLogger(__name__)

PREVIEW = "preview"


def written(kind: str, report: Report) -> bytes:
    """What a file of ``kind`` (pdf, html, csv) holds. Each writer is loaded when first used,
    on the report's thread (the PDF's brings fpdf2, fontTools and Pillow)."""
    if kind == "pdf":
        from ..core.report_pdf import pdf_bytes

        return pdf_bytes(report)
    if kind == "csv":
        from ..core.report_csv import csv_text

        return csv_text(report).encode("utf-8")
    from ..core.report_html import html_text

    return html_text(report).encode("utf-8")


class Cancelled(Exception):
    """The job is not wanted any more."""


@dataclass
class Job:
    number: int
    kind: str  # PREVIEW, or the format to save as
    choice: Choice
    now: datetime  # the report counts up to it
    path: str = ""  # the file to write
    cancel: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        if self.cancel.is_set():
            raise Cancelled


@dataclass(frozen=True)
class Built:
    choice: Choice
    report: Report
    page: Page


def read_report(choice: Choice, now: datetime, progress: Callable[[int, int], None]) -> Report:
    """The report of ``choice`` counted up to ``now``; a group no longer there (renamed or
    deleted meanwhile) is said so."""
    group = None
    if choice.group is not None:
        try:
            group = reports.group_title(choice.group)
        except DatabaseUnreachable:
            raise
        except UserError:
            raise UserError(f"There is no group titled {choice.group!r} any more.") from None
    return reports.report(choice.span, now, choice.zone, str(choice.zone), group, progress)


@contextlib.contextmanager
def collector_paused():
    """No cyclic garbage collection while a report is read and counted. A year of 100 sites
    is about a million new objects (an hour summary's row each), and each full collection over
    them held the GIL, and so the UI thread, for up to a third of a second; reference counting
    still frees them (they make no cycles). The collector runs again as it was after."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


class Reporting(QObject):
    """The window's jobs, run on the report thread; their answers shown while still wanted."""

    _progressed = Signal(int, int, int)  # from the thread: a job's number, sites counted, of
    _ended = Signal(int, object, str)  # from the thread: a job's number, what it made, or why not

    def __init__(self, window: ReportWindow, clock: Clock = utc_now) -> None:
        super().__init__(window)
        self.window = window
        self.clock = clock
        self._jobs: dict[int, Job] = {}  # asked and still wanted
        self._numbers = 0
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._last: Built | None = None  # the thread's own: the last preview's report
        self._progressed.connect(self._show_progress)
        self._ended.connect(self._show_end)
        window.preview_wanted.connect(self.preview)
        window.save_wanted.connect(self.save)
        window.cancel_wanted.connect(self.cancel)
        window.destroyed.connect(lambda *_: self.stop())

    @property
    def busy(self) -> bool:
        """A choice is settling, or a job is under way or waiting (the tests wait for it)."""
        return self.window.settling or bool(self._jobs)

    # -- asked on the UI thread ------------------------------------------------------------------

    def preview(self, choice: Choice) -> int:
        """Build ``choice``'s preview; every job before it is cancelled."""
        self.cancel()
        number = self._ask(PREVIEW, choice)
        self.window.preview.show_words(f"Reading {choice.span.title} from the database…")
        self.window.working(f"Reading {choice.span.title} from the database…")
        return number

    def save(self, choice: Choice, kind: str, path: str) -> int:
        number = self._ask(kind, choice, path=path)
        self.window.working(f"Saving {Path(path).name}…")
        return number

    def cancel(self) -> None:
        """Every job asked is cancelled, and nothing more is shown of it."""
        was = bool(self._jobs)
        previewing = any(job.kind == PREVIEW for job in self._jobs.values())
        for job in self._jobs.values():
            job.cancel.set()
        self._jobs.clear()
        if previewing:
            self.window.preview.show_words("Cancelled: Refresh (F5) builds the report again.")
        if was:
            self.window.idle("Cancelled.")

    def stop(self) -> None:
        """The window is going: every job cancelled, the thread ends after the one under way
        (a statement's deadline at most; it is a daemon, so it never holds up a quit)."""
        for job in self._jobs.values():
            job.cancel.set()
        self._jobs.clear()
        if self._thread is not None:
            self._queue.put(None)
            self._thread = None

    def _ask(self, kind: str, choice: Choice, **more) -> int:
        self._numbers += 1
        job = Job(self._numbers, kind, choice, self.clock(), **more)
        self._jobs[job.number] = job
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="djamon-report", daemon=True)
            self._thread.start()
        self._queue.put(job)
        return job.number

    # -- back on the UI thread -------------------------------------------------------------------

    def _show_progress(self, number: int, done: int, of: int) -> None:
        job = self._jobs.get(number)
        if job is None:
            return
        title = job.choice.span.title
        if done < 0:  # counted: the page is being made
            self.window.working(f"Drawing the charts of {title}…")
        else:
            text = f"Counting {title}: {done} of {plural(of, 'site')}…"
            self.window.show_progress(done, of, text)

    def _show_end(self, number: int, made: object, why: str) -> None:
        job = self._jobs.pop(number, None)
        if job is None:
            return  # cancelled, or replaced by a newer choice: not shown
        if job.kind == PREVIEW:
            if why:
                self.window.preview.show_words(f"No report: {why}")
            else:
                self.window.preview.show_page(made.page)
        if self._jobs:  # a Save as… asked meanwhile is still to come: it says how it went
            return
        if why:
            self.window.failed(why)
        elif job.kind == PREVIEW:
            report = made.report
            text = f"{job.choice.span.title}: {plural(len(report.sites()), 'site')}"
            if report.now < report.span.end:  # (this month: so far)
                text += f", counted up to {report.now.astimezone(job.choice.zone):%H:%M}"
            self.window.idle(f"{text}.")
        else:
            self.window.idle(f"Saved {made}.")

    # -- on the report thread --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if job.cancel.is_set():
                continue
            try:
                made, why = self._do(job), ""
            except Cancelled:
                continue
            except UserError as exc:  # DatabaseUnreachable, a group gone: one line
                made, why = None, exc.message
            except Exception as exc:  # a bug: logged, said in one line
                log.exception("the report failed")
                made, why = None, f"The report failed: {type(exc).__name__}: {exc}"
            finally:
                close_database()  # this thread's own connection, let go between jobs
            with contextlib.suppress(RuntimeError):  # (the window went meanwhile)
                self._ended.emit(job.number, made, why)

    def _do(self, job: Job) -> object:
        report = self._counted(job)
        job.check()
        if job.kind == PREVIEW:
            with contextlib.suppress(RuntimeError):
                self._progressed.emit(job.number, -1, 0)
            from ..core.report_html import html_text

            page = preview_page(html_text(report))
            self._last = Built(job.choice, report, page)
            return self._last
        data = written(job.kind, report)
        job.check()
        path = Path(job.path)
        try:
            write_whole(path, data)
        except OSError as exc:
            raise UserError(f"{path} can't be written: {exc.strerror or exc}") from None
        return str(path)

    def _counted(self, job: Job) -> Report:
        """The report the job's choice asks for: the last preview's, when it is of that
        choice (what was previewed is what is saved), else read and counted now."""
        last = self._last
        if job.kind != PREVIEW and last is not None and last.choice == job.choice:
            return last.report
        shown = [-1]

        def progress(done: int, of: int) -> None:
            job.check()
            step = done * 100 // max(of, 1)  # at most a hundred steps shown
            if step != shown[0]:
                shown[0] = step
                with contextlib.suppress(RuntimeError):
                    self._progressed.emit(job.number, done, of)

        with reaching(), collector_paused():
            return read_report(job.choice, job.now, progress)


def report_window(titles: list[str], clock: Clock = utc_now) -> ReportWindow:
    """A new Report window for the groups ``titles``, with its jobs' thread; its first preview
    (last month, every group) is asked for at once."""
    window = ReportWindow(local_zone(), clock)
    window.show_groups(titles)
    window.reporting = Reporting(window, clock)
    window.ask_preview()
    return window
