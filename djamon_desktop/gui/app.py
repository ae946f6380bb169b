"""The tray app: wiring between the core, the poller and the windows.

Everything that touches the network runs on the poller's worker thread; the UI thread only
reads the local database (small, indexed queries) and shows what it finds.
"""

from __future__ import annotations

import gc
import logging
import os
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QSettings, QSocketNotifier, Qt, QTimer, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QWidget

from .. import __version__, desktop_entry
from ..core import config
from ..core.outages import duration_words
from ..core.schedule import Schedule, local_zone
from ..core.status import OpenOutage, SiteState, listed, overview, plural, unanswered_text
from ..core.urls import hide_passwords, shown_url
from ..paths import database_path, log_dir
from ..resources import resource_dir
from ..store import history, outbox, repo
from .icons import app_icon
from .notify import Notifier
from .poller import Poller, utc_now
from .single import InstanceServer
from .tray import Tray
from .windows.base import RememberedWindow
from .windows.dashboard import DashboardWindow
from .windows.editors import GroupEditor, SiteEditor
from .windows.outages import OutagesWindow, OutageWindow
from .windows.settings import SettingsWindow
from .windows.site import SiteWindow, site_history

log = logging.getLogger(__name__)

WATCH_MS = 2000  # how often to ask SQLite whether another process wrote (PRAGMA data_version)
UNDO_SECONDS = 8


@dataclass
class Undoable:
    """Something just done that can be taken back for ``UNDO_SECONDS``; ``finish`` makes it
    final (a pending delete happens), at the deadline or when the app quits."""

    text: str  # what happened: 'Site "Blog" deleted.'
    what: str  # for the Edit menu: 'delete of "Blog"'
    undo: Callable[[], None]
    finish: Callable[[], None]
    timer: QTimer


class App(QObject):
    def __init__(self, data_dir: Path, use_dbus: bool | None = None, clock=utc_now) -> None:
        super().__init__()
        self.data_dir = data_dir
        self.clock = clock
        RememberedWindow.settings = QSettings(
            str(data_dir / "windows.ini"), QSettings.Format.IniFormat
        )
        self.tray = Tray()
        self.notifier = Notifier(self.tray.icon, use_dbus)
        self.notifier.clicked.connect(self.open_outage_or_list)
        self.poller = Poller(self._next_after, clock=clock)
        self.connectivity = True
        self.last_error: str | None = None
        self.dashboard: DashboardWindow | None = None
        self.outages_window: OutagesWindow | None = None
        self.settings_window: SettingsWindow | None = None
        self.site_windows: dict[int, SiteWindow] = {}
        self.outage_windows: dict[int, OutageWindow] = {}
        self.pending_deletes: set[tuple[str, int]] = set()  # hidden now, deleted at the deadline
        self.undoables: list[Undoable] = []  # oldest first
        self.sandbox_failed: list[str] = []  # while connectivity is lost
        self._open_outage: int | None = None
        self._data_version: int | None = None
        self._quitting = False

        self.tray.open_dashboard.connect(self.show_dashboard)
        self.tray.open_outages.connect(self.show_outages)
        self.tray.open_settings.connect(self.show_settings)
        self.tray.open_sandbox_settings.connect(self.show_sandbox_settings)
        self.tray.check_now.connect(self.check_now)
        self.tray.pause.connect(self.pause)
        self.tray.resume.connect(self.poller.resume)
        self.tray.quit.connect(self.quit)
        self.poller.round_started.connect(self._round_started)
        self.poller.round_finished.connect(self._round_finished)
        self.poller.round_failed.connect(self._round_failed)
        self.poller.next_round.connect(self._next_round)
        self.poller.paused_changed.connect(self.refresh)

        self.watch = QTimer(self)
        self.watch.setInterval(WATCH_MS)
        self.watch.timeout.connect(self._watch_database)

    # -- life ------------------------------------------------------------------------------------

    def start(self, first_round: bool = True) -> None:
        current = repo.find_outage("current")
        self._open_outage = current.id if current else None
        self.tray.show()
        self.refresh()
        self._data_version = repo.data_version()
        self.watch.start()
        self.poller.start(first_round)
        if not repo.list_groups():
            self.show_dashboard()  # a first launch: offer to add a site or import

    def quit(self) -> None:
        if self._quitting:
            return
        self._quitting = True
        self.quit_windows()
        ended = self.poller.stop()
        self.notifier.close()
        self.dispose()
        if not ended:
            # A round still at the network. Its storing is one transaction, so leaving now
            # loses at most that round; Qt would abort on a thread still running at exit.
            log.warning("quitting with a round still running")
            logging.shutdown()
            os._exit(0)
        QApplication.quit()

    def quit_windows(self) -> None:
        """Finish what the user asked for (pending deletes) and save every window's geometry."""
        self.watch.stop()
        for entry in list(self.undoables):
            self._finish(entry)
        for window in self._windows():
            window.save_geometry()
        if RememberedWindow.settings is not None:
            RememberedWindow.settings.sync()

    def dispose(self) -> None:
        """Delete every window and the tray now, while Qt is still up (Python's collector
        would otherwise free them at exit, after QApplication, and crash). Undo deadlines still
        running stop here (quit_windows has finished them when the app quits)."""
        self.watch.stop()
        for entry in self.undoables:
            entry.timer.stop()
        self.undoables.clear()
        self.tray.hide()
        for window in self._windows():
            window.close()
            window.deleteLater()
        self.dashboard = self.outages_window = self.settings_window = None
        self.site_windows.clear()
        self.outage_windows.clear()
        self.tray.menu.deleteLater()
        self.tray.icon.deleteLater()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def _windows(self) -> list[QWidget]:
        fixed = [self.dashboard, self.outages_window, self.settings_window]
        return [w for w in fixed if w is not None] + [
            *self.site_windows.values(),
            *self.outage_windows.values(),
        ]

    # -- rounds ----------------------------------------------------------------------------------

    def _next_after(self, now: datetime) -> datetime | None:
        return Schedule(repo.load_settings()["schedule"], local_zone()).next_after(now)

    def check_now(self) -> None:
        if not self.poller.run_now():
            self._status("A round is running already.")

    def pause(self, length: timedelta | None) -> None:
        self.poller.pause(None if length is None else self.clock() + length)

    def _round_started(self) -> None:
        self.tray.checking = True
        self._status("Checking…")

    def _next_round(self, when) -> None:
        self.tray.next_round = when

    def _round_finished(self, report, deliveries) -> None:
        self.tray.checking = False
        self.last_error = None
        was = self.connectivity
        self.connectivity = report.connectivity
        # "lost" means no sandbox URL answered: every one of them failed
        self.sandbox_failed = (
            [] if report.connectivity else list(repo.load_settings()["sandbox_urls"])
        )
        if was and not report.connectivity:
            self.notifier.notify(
                "Connectivity lost",
                f"{unanswered_text(self.sandbox_failed).capitalize()}. "
                "No site is blamed until the connection is back.",
                state="idle",
            )
        elif report.connectivity and not was:
            self.notifier.notify("Connectivity back", "Sites are being checked again.", state="up")
        failed = [d for d in deliveries if not d.ok]
        if failed:
            self._status(f"{plural(len(failed), 'alert')} kept queued: {failed[0].what}")
        else:
            self._status(f"Round done at {datetime.now():%H:%M:%S}")
        self.refresh()

    def _round_failed(self, message: str) -> None:
        self.tray.checking = False
        self.last_error = message
        self._status(message)
        self.refresh()

    # -- what is shown ---------------------------------------------------------------------------

    def _watch_database(self) -> None:
        try:
            version = repo.data_version()
        except Exception:  # a locked or vanished file: try again next time
            log.exception("watching the database failed")
            return
        if self._data_version is not None and version != self._data_version:
            self.refresh()
        self._data_version = version

    def refresh(self) -> None:
        """Read the database and bring the tray and every open window up to date."""
        settings = repo.load_settings()
        sites = repo.list_sites(settings["strikes"])
        current = repo.find_outage("current")
        self._announce_outage_change(current)
        ov = overview(
            [SiteState(s.title, s.active, s.state, s.down_count) for s in sites],
            OpenOutage(current.code, current.start_time, [x.title for x in current.sites])
            if current
            else None,
            self.connectivity,
            paused_until=self.poller.paused_until,
            paused_forever=self.poller.paused_forever,
            sandbox_urls=self.sandbox_failed,
        )
        if self.last_error and ov.state != "down":
            ov = type(ov)(ov.state, f"{ov.text} (last round: {self.last_error})")
        self.tray.paused = self.poller.paused
        self.tray.connectivity_lost = not self.connectivity
        self.tray.show_overview(ov)
        hidden_sites = {i for kind, i in self.pending_deletes if kind == "site"}
        hidden_groups = {i for kind, i in self.pending_deletes if kind == "group"}
        if self.dashboard is not None:
            groups = [
                (g.group_id, g.title) for g in repo.list_groups() if g.group_id not in hidden_groups
            ]
            day = history.uptimes(self.clock(), 24)
            self.dashboard.show_sites(groups, sites, hidden_sites, day)
            self.dashboard.show_overview(ov.text)
            self.dashboard.show_connectivity(
                None
                if self.connectivity
                else f"<b>Connectivity lost</b>: {unanswered_text(self.sandbox_failed)}. "
                "No site is blamed until one answers again."
            )
        by_id = {s.site_id: s for s in sites}
        for site_id, window in list(self.site_windows.items()):
            if site_id in by_id:
                window.show_site(by_id[site_id], repo.recent_checks(site_id))
                window.show_history(site_history(site_id, self.clock()))
        for outage_id, window in self.outage_windows.items():
            info = repo.find_outage(str(outage_id))
            if info is not None:
                window.show_outage(info, outbox.alerts_of(outage_id))
        if self.outages_window is not None and self.outages_window.isVisible():
            self._show_outage_page(self.outages_window.page)

    def _announce_outage_change(self, current) -> None:
        """Notify when an outage opens or closes, whichever process's round did it."""
        now_open = current.id if current else None
        if now_open == self._open_outage:
            return
        before, self._open_outage = self._open_outage, now_open
        if before is not None:
            ended = repo.find_outage(str(before))
            if ended is not None and ended.end_time is not None:
                titles = [s.title for s in ended.sites] or ["Every site"]
                verb = "is" if len(titles) == 1 else "are"
                self.notifier.notify(
                    f"{listed(titles)} {verb} back — outage {ended.code} is over",
                    f"{listed(titles, 5)} {verb} answering again. "
                    f"The outage lasted {duration_words(ended.seconds_down or 0)}.",
                    ended.id,
                    state="up",
                )
        if current is not None:
            self.notifier.notify(*self._down_message(current), current.id, critical=True)

    @staticmethod
    def _down_message(current) -> tuple[str, str]:
        """The title and body of an outage's opening notification, passwords hidden."""
        titles = [s.title for s in current.sites] or ["A site"]
        urls = {s.title: s.url for s in repo.list_sites(1)}
        primary = titles[0]
        title = f"{listed(titles)} {'is' if len(titles) == 1 else 'are'} down"
        body = hide_passwords(current.content, urls.values()) or f"{primary} failed its checks."
        if primary in urls:
            body += f"\n{shown_url(urls[primary])}"
        return f"{title} — outage {current.code}", body

    def _status(self, text: str) -> None:
        if self.dashboard is not None:
            self.dashboard.show_status(text)

    # -- windows ---------------------------------------------------------------------------------

    @staticmethod
    def _raise(window: QWidget) -> None:
        window.show()
        window.setWindowState(window.windowState() & ~window.windowState().WindowMinimized)
        window.raise_()
        window.activateWindow()

    def show_dashboard(self) -> DashboardWindow:
        if self.dashboard is None:
            d = DashboardWindow()
            d.open_site.connect(self.show_site)
            d.add_site.connect(lambda: self.edit_site(None))
            d.add_group.connect(lambda: self.edit_group(None))
            d.edit_site.connect(self.edit_site)
            d.edit_group.connect(self.edit_group)
            d.toggle_site.connect(self.toggle_site)
            d.delete_site.connect(lambda i: self.delete_later("site", i))
            d.delete_group.connect(lambda i: self.delete_later("group", i))
            d.undo.connect(self.undo_last)
            d.open_sandbox_settings.connect(self.show_sandbox_settings)
            d.open_about.connect(self.show_about)
            d.open_readme.connect(self.open_readme)
            d.import_file.connect(self.import_file)
            d.export_file.connect(self.export_file)
            d.check_now.connect(self.check_now)
            d.open_outages.connect(self.show_outages)
            d.open_settings.connect(self.show_settings)
            d.quit_app.connect(self.quit)
            self.dashboard = d
            self.refresh()
            self._show_undo()
        self._raise(self.dashboard)
        return self.dashboard

    def show_site(self, site_id: int) -> SiteWindow:
        window = self.site_windows.get(site_id)
        if window is None:
            window = SiteWindow(site_id)
            window.destroyed.connect(lambda *_: self.site_windows.pop(site_id, None))
            self.site_windows[site_id] = window
            self.refresh()
        self._raise(window)
        return window

    def show_outages(self) -> OutagesWindow:
        if self.outages_window is None:
            self.outages_window = OutagesWindow()
            self.outages_window.open_outage.connect(self.show_outage)
            self.outages_window.page_wanted.connect(self._show_outage_page)
        self._show_outage_page(1)
        self._raise(self.outages_window)
        return self.outages_window

    def _show_outage_page(self, page: int) -> None:
        items, total = repo.outage_page(page)
        pages = max(1, -(-total // repo.OUTAGES_PER_PAGE))
        if page > pages:
            page = pages
            items, total = repo.outage_page(page)
        self.outages_window.show_page(page, items, total)

    def show_outage(self, outage_id: int) -> OutageWindow | None:
        if repo.find_outage(str(outage_id)) is None:
            return None
        window = self.outage_windows.get(outage_id)
        if window is None:
            window = OutageWindow(outage_id)
            window.save_extra.connect(self._save_extra)
            self.outage_windows[outage_id] = window
            self.refresh()
        self._raise(window)
        return window

    def open_outage_or_list(self, outage_id: int) -> None:
        """A notification was clicked."""
        if not outage_id or self.show_outage(outage_id) is None:
            self.show_dashboard()

    def _save_extra(self, outage_id: int, text: str) -> None:
        repo.set_extra_information(outage_id, text)

    def show_settings(self) -> SettingsWindow:
        if self.settings_window is None:
            command = desktop_entry.launch_command(self._explicit_data_dir())
            self.settings_window = SettingsWindow(
                repo.save_settings,
                autostart=(
                    desktop_entry.autostart_enabled,
                    lambda on: desktop_entry.set_autostart(on, command),
                ),
            )
            self.settings_window.saved.connect(self._settings_saved)
        self.settings_window.show_settings(repo.load_settings())
        self._raise(self.settings_window)
        return self.settings_window

    def show_sandbox_settings(self) -> SettingsWindow:
        """Settings, at the sandbox URLs (when connectivity is lost)."""
        window = self.show_settings()
        window.show_sandbox_urls()
        return window

    def about_text(self) -> str:
        return (
            f"<h3>djamon-desktop {__version__}</h3>"
            "<p>A calm desktop monitor for the web resources a small team depends on.</p>"
            f"<p>Data folder: {escape(str(self.data_dir))}<br>"
            f"Database: {escape(str(database_path(self.data_dir)))}<br>"
            f"Logs: {escape(str(log_dir(self.data_dir)))}</p>"
        )

    def show_about(self) -> QMessageBox:
        box = QMessageBox(
            QMessageBox.Icon.NoIcon,
            "About — djamon-desktop",
            self.about_text(),
            parent=self.dashboard,
        )
        box.setIconPixmap(app_icon().pixmap(64))
        box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.setModal(False)
        box.show()
        self.about_box = box
        return box

    def readme_url(self) -> QUrl | None:
        """The README beside the package (a source checkout), else the one in the installed
        package's metadata, written to the data folder to be opened."""
        beside = resource_dir().parent / "README.md"
        if beside.is_file():
            return QUrl.fromLocalFile(str(beside))
        from importlib import metadata

        try:
            text = metadata.metadata("djamon-desktop").get_payload()  # type: ignore[attr-defined]
        except metadata.PackageNotFoundError:
            text = None
        if not text:
            return None
        copy = self.data_dir / "README.md"
        copy.write_text(text, encoding="utf-8")
        return QUrl.fromLocalFile(str(copy))

    def open_readme(self) -> bool:
        url = self.readme_url()
        if url is None or not QDesktopServices.openUrl(url):
            self._status("No README could be opened: this copy was installed without one.")
            return False
        self._status(f"Opened {url.toLocalFile()}")
        return True

    def _explicit_data_dir(self) -> str | None:
        """The data folder, when it is not the default one (autostart must name it then)."""
        from platformdirs import user_data_dir

        default = Path(user_data_dir("djamon-desktop", appauthor=False)).resolve()
        return None if self.data_dir.resolve() == default else str(self.data_dir)

    def _settings_saved(self) -> None:
        self.poller.arm()
        self.refresh()

    # -- editing ---------------------------------------------------------------------------------

    def edit_site(self, site_id: int | None) -> SiteEditor:
        site = None
        if site_id is not None:
            settings = repo.load_settings()
            site = next(
                (s for s in repo.list_sites(settings["strikes"]) if s.site_id == site_id), None
            )

        def save(group_title: str, fields: dict) -> None:
            repo.save_site(group_title, fields, site_id)
            self.refresh()

        editor = SiteEditor(repo.list_groups(), save, site, parent=self.dashboard)
        editor.setModal(True)
        editor.show()
        return editor

    def edit_group(self, group_id: int | None) -> GroupEditor:
        title = next((g.title for g in repo.list_groups() if g.group_id == group_id), "")

        def save(new_title: str) -> None:
            repo.save_group(new_title, group_id)
            self.refresh()

        editor = GroupEditor(save, title, parent=self.dashboard)
        editor.setModal(True)
        editor.show()
        return editor

    def toggle_site(self, site_id: int) -> None:
        site = next((s for s in repo.list_sites(1) if s.site_id == site_id), None)
        if site is None:
            return
        repo.save_site(site.group, {"active": not site.active}, site_id)
        verb = "activated" if not site.active else "deactivated"
        self.refresh()

        def undo() -> None:
            now = next((s for s in repo.list_sites(1) if s.site_id == site_id), None)
            if now is not None:  # still there (and maybe moved to another group since)
                repo.save_site(now.group, {"active": site.active}, site_id)

        self.offer_undo(
            f"“{site.title}” {verb}.", f"{verb[:-2]}ion of “{site.title}”", undo, lambda: None
        )

    def delete_later(self, kind: str, item_id: int) -> None:
        """Hide it now, delete it after a few seconds unless the user clicks Undo."""
        key = (kind, item_id)
        if key in self.pending_deletes:
            return
        if kind == "site":
            found = [s.title for s in repo.list_sites(1) if s.site_id == item_id]
            text = f"Site “{found[0]}” deleted." if found else "Site deleted."
        else:
            found = [g.title for g in repo.list_groups() if g.group_id == item_id]
            title = found[0] if found else ""
            count = sum(1 for s in repo.list_sites(1) if s.group == title)
            text = f"Group “{title}” and its {plural(count, 'site')} deleted."
        if not found:
            return
        self.pending_deletes.add(key)
        self.refresh()
        self.offer_undo(
            text,
            f"delete of “{found[0]}”",
            lambda: self.pending_deletes.discard(key),
            lambda: self._delete_now(key),
        )

    def offer_undo(self, text: str, what: str, undo, finish) -> Undoable:
        """Show ``text`` with an Undo button (and Ctrl+Z) for ``UNDO_SECONDS``."""
        timer = QTimer(self)
        timer.setSingleShot(True)
        entry = Undoable(text, what, undo, finish, timer)
        timer.timeout.connect(lambda: self._finish(entry))
        timer.start(UNDO_SECONDS * 1000)
        self.undoables.append(entry)
        self._show_undo()
        return entry

    def undo_last(self) -> None:
        """Take back the newest thing that can still be undone."""
        if not self.undoables:
            return
        entry = self.undoables.pop()
        entry.timer.stop()
        entry.undo()
        self.refresh()
        self._show_undo()
        self._status(f"Undone: {entry.text}")

    def _finish(self, entry: Undoable) -> None:
        if entry in self.undoables:
            self.undoables.remove(entry)
            entry.timer.stop()
            entry.finish()
            self._show_undo()

    def _show_undo(self) -> None:
        if self.dashboard is None or self._quitting:
            return
        if not self.undoables:
            self.dashboard.show_undo(None)
            return
        newest = self.undoables[-1]
        more = len(self.undoables) - 1
        also = f" ({plural(more, 'earlier change')} can be undone too.)" if more else ""
        self.dashboard.show_undo(newest.text + also, newest.what)

    def _delete_now(self, key: tuple[str, int]) -> None:
        if key not in self.pending_deletes:
            return
        self.pending_deletes.discard(key)
        kind, item_id = key
        if kind == "site":
            repo.delete_site(item_id)
            window = self.site_windows.pop(item_id, None)
            if window is not None:
                window.close()
        else:
            repo.delete_group(item_id)
        if not self._quitting:
            self.refresh()

    def import_file(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getOpenFileName(
                self.dashboard, "Import", str(Path.home()), "JSON files (*.json);;All files (*)"
            )
            if not path:
                return False
        try:
            what = repo.import_data(Path(path).read_bytes())
        except OSError as exc:
            self._problem("Import", f"{path} can't be read: {exc.strerror}")
            return False
        except config.DocumentRefused as refused:
            self._problem(
                "Import", f"Nothing was imported from {path}:", "\n".join(refused.problems)
            )
            return False
        self.poller.arm()
        self.refresh()
        self._status(f"Imported {Path(path).name}: {what}.")
        return True

    def export_file(self, path: str | None = None) -> bool:
        if path is None:
            path, _ = QFileDialog.getSaveFileName(
                self.dashboard,
                "Export",
                str(Path.home() / "djamon-desktop.json"),
                "JSON files (*.json)",
            )
            if not path:
                return False
        try:
            Path(path).write_text(repo.export_text(), encoding="utf-8")
        except OSError as exc:
            self._problem("Export", f"{path} can't be written: {exc.strerror}")
            return False
        self._status(f"Exported to {path}.")
        return True

    def _problem(self, title: str, text: str, details: str = "") -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, f"{title} — djamon-desktop", text, parent=self.dashboard
        )
        if details:
            box.setInformativeText(details)
        box.setModal(False)
        box.show()
        self._last_problem = box


# -- running it -----------------------------------------------------------------------------------


def _install_error_dialog(app: App) -> None:
    """An unexpected exception becomes a readable dialog and a log entry; the tray stays."""

    def show(kind, value, tb) -> None:
        log.error("unexpected error", exc_info=(kind, value, tb))
        try:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Unexpected error — djamon-desktop",
                f"Something went wrong: {kind.__name__}: {value}",
            )
            box.setInformativeText(
                f"djamon-desktop keeps running. The details are in {app.data_dir / 'logs'}."
            )
            box.setDetailedText("".join(traceback.format_exception(kind, value, tb)))
            box.setModal(False)
            box.show()
            app._error_box = box
        except Exception:  # never let the handler itself take the app down
            pass

    sys.excepthook = show
    threading.excepthook = lambda args: show(args.exc_type, args.exc_value, args.exc_traceback)


def _quit_on_sigterm(app: App) -> QSocketNotifier | None:
    """SIGTERM and SIGINT end the app cleanly: a wake-up pipe lets Qt's loop notice them."""
    try:
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno())
    except (OSError, ValueError):
        return None
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)

    def woke() -> None:
        reader.recv(64)
        app.quit()

    notifier.activated.connect(woke)
    notifier._keep = (reader, writer)  # type: ignore[attr-defined]
    return notifier


def run(data_dir: Path) -> int:
    """Start the tray app for ``data_dir``; returns the exit code."""
    from .single import ask_running_instance

    # argv[0] names the X11 window class: the same whichever way the app was started
    qapp = QApplication.instance() or QApplication(["djamon-desktop"])
    qapp.setApplicationName("djamon-desktop")
    qapp.setApplicationDisplayName("djamon-desktop")
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName("djamon-desktop")
    qapp.setWindowIcon(app_icon())
    qapp.setQuitOnLastWindowClosed(False)
    if ask_running_instance(data_dir):
        print(
            "djamon-desktop is already running for this data folder; "
            "its dashboard was brought forward."
        )
        return 0
    instance = InstanceServer(data_dir)
    app = App(data_dir)
    instance.show_requested.connect(app.show_dashboard)
    _install_error_dialog(app)
    keep = _quit_on_sigterm(app)  # noqa: F841 - must live as long as the loop
    app.start()
    code = qapp.exec()
    instance.close()
    del app, instance
    gc.collect()  # free Qt objects held in cycles now, not after QApplication is gone
    return code
