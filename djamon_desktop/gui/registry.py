"""The app's windows: one dashboard, one outages list, one Settings, one window per site and
per outage. Each is made on first ask and raised after; their geometry is remembered in the data
folder's windows.ini; ``dispose`` deletes them all while Qt is still up.

A window shows what the last picture (``djamon_desktop.picture``) holds for it: ``wants`` tells
the reader what the open windows need, ``show_picture`` hands each its part. A new window asks
for a new picture and is filled when it comes."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QEvent, QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget

from .. import desktop_entry
from ..core.clock import Clock, utc_now
from ..core.people import person
from ..core.settings_value import Settings
from ..core.vantage_words import down_from_words
from ..errors import UserError
from ..picture import Picture, Wants, vantage_counts
from . import jobs  # each runs on the reads thread
from .memory import release_memory
from .windows.base import RememberedWindow
from .windows.dashboard import DashboardWindow
from .windows.outage import OutageWindow
from .windows.outages import OutagesWindow
from .windows.settings import SettingsWindow
from .windows.site import SiteWindow

if TYPE_CHECKING:
    from .poller import Poller
    from .reader import Reads
    from .windows.report import ReportWindow


class Owner(Protocol):
    """What the windows need of the app that owns them (the App is one): the picture shown,
    whether the database is away, the reads thread, and an edit that is then shown. Declared
    here, so this module needs nothing of the App's."""

    picture: Picture | None
    poller: Poller
    reads: Reads
    person: str  # who is at this desktop: acknowledgements and notes are signed so

    def edit_then_show(self, job: Callable[[], Any]) -> None: ...


def raise_window(window: QWidget, activate: bool = True) -> None:
    """Show it, un-minimised, in front, with the keyboard: what a person asked for. A window
    the app opens by itself (``activate=False``) is only shown, and leaves the keyboard where
    the person has it (a screen reader user would otherwise be moved mid-sentence)."""
    if not activate:
        if not window.isVisible():
            window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
            window.show()
            window.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating, False)
        return
    window.show()
    window.setWindowState(window.windowState() & ~window.windowState().WindowMinimized)
    window.raise_()
    window.activateWindow()


class WindowRegistry:
    """Create-or-raise for every window kind. ``refresh`` fills a new window (the app's
    redraw), ``wire_dashboard`` connects a new dashboard's signals, ``settings_saved`` runs
    after Settings saved."""

    def __init__(
        self,
        data_dir: Path,
        refresh: Callable[[], None],
        wire_dashboard: Callable[[DashboardWindow], None],
        settings_saved: Callable[[], None],
        restart: Callable[[], None] | None = None,
        app: Owner | None = None,
    ) -> None:
        self.app = app
        #: what the windows show the time by: the app's clock
        self._clock: Clock = app.clock if app is not None else utc_now
        self.data_dir = data_dir
        self._refresh = refresh
        self._wire_dashboard = wire_dashboard
        self._settings_saved = settings_saved
        self._restart = restart
        RememberedWindow.settings = QSettings(
            str(data_dir / "windows.ini"), QSettings.Format.IniFormat
        )
        self.dashboard: DashboardWindow | None = None
        self.outages: OutagesWindow | None = None
        self.settings: SettingsWindow | None = None
        self.report: ReportWindow | None = None
        self.sites: dict[int, SiteWindow] = {}
        self.outage: dict[int, OutageWindow] = {}
        self._page_wanted = 1  # of the outages list
        self._settings_unread = False  # Settings shows the defaults: nothing was read yet

    def all(self) -> list[QWidget]:
        fixed = [self.dashboard, self.outages, self.settings, self.report]
        return [w for w in fixed if w is not None] + [*self.sites.values(), *self.outage.values()]

    # -- create or raise -------------------------------------------------------------------------

    def show_dashboard(self, activate: bool = True) -> DashboardWindow:
        """``activate=False`` when the app opens it by itself (see raise_window)."""
        if self.dashboard is None:
            self.dashboard = DashboardWindow(self._clock)
            self._wire_dashboard(self.dashboard)
            self._refresh()
        raise_window(self.dashboard, activate)
        return self.dashboard

    def show_site(self, site_id: int) -> SiteWindow:
        window = self.sites.get(site_id)
        if window is None:
            window = SiteWindow(site_id, self._clock)
            window.recheck.asked.connect(lambda: self._ask_recheck(site_id))
            self._deleted_on_close(
                window, lambda w: self.sites.pop(site_id) if self.sites.get(site_id) is w else 0
            )
            self.sites[site_id] = window
            known = self.app.picture.site(site_id) if self.app and self.app.picture else None
            if known is not None:  # what is known now; its checks and history as they come
                window.show_site(known, [])
            self._refresh()
        raise_window(window)
        return window

    def _ask_recheck(self, site_id: int) -> None:
        """The site window's Recheck everywhere: asked on the reads thread, then read back."""
        by, now = person(None, os.environ)[0], self._clock()

        def done(_) -> None:
            if site_id in self.sites:  # (a window closed meanwhile is gone)
                self.sites[site_id].recheck.taken()
            self._refresh()

        def refused(why: str) -> None:
            if site_id in self.sites:
                self.sites[site_id].recheck.refused(why)

        self.app.reads.call(lambda: jobs.ask_recheck(site_id, by, now), done, refused)

    def close_site(self, site_id: int) -> None:
        """A deleted site's window goes with it."""
        window = self.sites.pop(site_id, None)
        if window is not None:
            window.close()

    def show_outages(self) -> OutagesWindow:
        if self.outages is None:
            self.outages = OutagesWindow(self._clock)
            self.outages.open_outage.connect(self.show_outage)
            self.outages.page_wanted.connect(self.show_outage_page)
            self._deleted_on_close(self.outages, lambda w: self._forget("outages", w))
        raise_window(self.outages)
        self.show_outage_page(1)
        return self.outages

    @staticmethod
    def _deleted_on_close(window: QWidget, forget: Callable[[QWidget], None]) -> None:
        """A closed window is deleted, and ``forget(window)`` drops the registry's hold on it:
        a window kept hidden keeps its widgets, rows and charts (megabytes with hundreds of
        sites) for as long as the app runs. Opening it again makes a new one, at the geometry
        the closed one saved. (Settings with unsaved edits asks first; kept, it stays open.)"""
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.destroyed.connect(lambda *_: (forget(window), release_memory()))

    def show_report(self) -> ReportWindow:
        """Report…: one window (a second ask brings it forward), its groups the picture's.
        Its modules (the PDF writer with fpdf2, fontTools and Pillow; QtSvg) load on the first
        ask, not at start: the app idles in the tray all day with them unused."""
        from .report_worker import report_window

        if self.report is None:
            picture = self.app.picture if self.app else None
            titles = [g.title for g in picture.groups] if picture else []
            self.report = report_window(titles, self._clock)
            self._deleted_on_close(self.report, lambda w: self._forget("report", w))
        raise_window(self.report)
        return self.report

    def _forget(self, name: str, window: QWidget) -> None:
        """A closed window of one of a kind is forgotten (unless another is open already)."""
        if getattr(self, name) is window:
            setattr(self, name, None)

    def show_outage_page(self, page: int) -> None:
        """Page ``page`` of the outages list (the last one, when fewer are left), as soon as
        it is read."""
        self._page_wanted = page
        self._refresh()

    def show_outage(self, outage_id: int) -> OutageWindow | None:
        """The outage's window (one the next picture finds no such outage for closes again,
        and the dashboard shows instead)."""
        window = self.outage.get(outage_id)
        if window is None:
            window = OutageWindow(outage_id, self._clock, self.app.person if self.app else "")
            window.save_extra.connect(self._save_extra)
            window.acknowledge.connect(self._acknowledge)
            window.unacknowledge.connect(self._unacknowledge)
            window.add_note.connect(self._add_note)
            self._deleted_on_close(
                window,
                lambda w: self.outage.pop(outage_id) if self.outage.get(outage_id) is w else 0,
            )
            self.outage[outage_id] = window
            self._refresh()
        raise_window(window)
        return window

    def _save_extra(self, outage_id: int, text: str) -> None:
        self.app.edit_then_show(lambda: jobs.set_extra_information(outage_id, text))

    def _incident(self, outage_id: int, job: Callable[[str, datetime], Any]) -> None:
        """An acknowledgement or a note the outage window asked for, made on the reads thread
        (``job(person, now)``); the window hears whether it was made, and the next picture
        shows it (on every desktop of a team alike)."""
        app = self.app

        def back(answer: Callable[[OutageWindow, Any], None]) -> Callable[[Any], None]:
            def hand(result: Any) -> None:
                window = self.outage.get(outage_id)
                if window is not None:
                    answer(window, result)
                app.refresh()

            return hand

        person, now = app.person, self._clock()
        app.reads.call(
            lambda: job(person, now),
            back(lambda w, _: w.incident.done()),
            back(lambda w, line: w.incident.failed(line)),
        )

    def _acknowledge(self, outage_id: int, take_over: bool) -> None:
        self._incident(
            outage_id, lambda by, now: jobs.acknowledge(outage_id, by, now, take_over=take_over)
        )

    def _unacknowledge(self, outage_id: int) -> None:
        self._incident(outage_id, lambda by, now: jobs.unacknowledge(outage_id, by, now))

    def _add_note(self, outage_id: int, text: str) -> None:
        self._incident(outage_id, lambda by, now: jobs.add_note(outage_id, by, text, now))

    def show_settings(self) -> SettingsWindow:
        if self.settings is None:
            command = desktop_entry.launch_command(self._explicit_data_dir())
            self.settings = SettingsWindow(
                self._save_settings,
                self._clock,
                autostart=(
                    desktop_entry.autostart_enabled,
                    lambda on: desktop_entry.set_autostart(on, command),
                ),
                data_dir=self.data_dir,
                restart=self._restart,
            )
            self.settings.saved.connect(self._settings_saved)
            self._deleted_on_close(self.settings, lambda w: self._forget("settings", w))
        picture = self.app.picture if self.app else None
        unreachable = self.app.poller.unreachable if self.app else None
        self.settings.show_settings(picture.settings if picture else Settings.defaults())
        self._settings_unread = picture is None
        if unreachable is not None or picture is None:
            self.settings.show_database_away(unreachable or "the database was not read yet")
        raise_window(self.settings)
        return self.settings

    def _save_settings(self, partial: dict[str, Any]) -> Settings:
        if self._settings_unread:  # the form holds defaults, not what is stored
            raise UserError("the settings were not read from the database yet")
        return self.app.reads.wait(lambda: jobs.save_settings(partial))

    def show_sandbox_settings(self) -> SettingsWindow:
        """Settings, at the sandbox URLs (when connectivity is lost)."""
        window = self.show_settings()
        window.show_sandbox_urls()
        return window

    def _explicit_data_dir(self) -> str | None:
        """The data folder, when it is not the default one (autostart must name it then)."""
        from platformdirs import user_data_dir

        default = Path(user_data_dir("djamon-desktop", appauthor=False)).resolve()
        return None if self.data_dir.resolve() == default else str(self.data_dir)

    # -- what is shown ---------------------------------------------------------------------------

    def wants(self) -> Wants:
        """What the open windows need of the next picture."""
        outages = self.outages
        return Wants(
            dashboard=self.dashboard is not None,
            site_ids=frozenset(self.sites),
            outage_ids=frozenset(self.outage),
            outage_page=self._page_wanted if outages is not None and outages.isVisible() else None,
        )

    def show_picture(self, picture: Picture, overview: str, connectivity, editing) -> None:
        """Hand every open window its part of ``picture``."""
        if self.dashboard is not None:
            hidden = editing.hidden("group")
            groups = [(g.group_id, g.title) for g in picture.groups if g.group_id not in hidden]
            self.dashboard.show_sites(
                groups,
                list(picture.sites),
                editing.hidden("site"),
                dict(picture.day),
                dict(picture.vantage_states),
            )
            self.dashboard.show_overview(overview)
            self.dashboard.show_connectivity(connectivity)
        for site_id, window in list(self.sites.items()):
            detail = picture.site_details.get(site_id)
            if detail is not None:
                counts = vantage_counts(picture.vantage_states.get(site_id, {}))
                window.show_site(detail.site, list(detail.checks), counts)
                window.show_history(detail.history)
                window.recheck.show_recheck(detail.recheck)
        for outage_id, window in list(self.outage.items()):
            found = picture.outages.get(outage_id)
            if found is not None:
                window.show_outage(
                    found.info,
                    list(found.alerts),
                    list(found.failures),
                    list(found.events),
                    self._down_from(picture, found.info),
                )
            elif outage_id in picture.wants.outage_ids:  # no such outage (any more)
                self.outage.pop(outage_id, None)
                window.close()
                window.deleteLater()
                self.show_dashboard(activate=False)  # (not asked for: no keyboard taken)
        if self.report is not None:
            self.report.show_groups([g.title for g in picture.groups])
        if self.settings is not None and self._settings_unread:
            self._settings_unread = False
            self.settings.show_settings(picture.settings)  # (edits made meanwhile stay)
        asked = picture.wants.outage_page
        if (
            picture.outage_page is not None
            and self.outages is not None
            and asked == self._page_wanted
        ):
            page, items, total = picture.outage_page
            self.outages.show_page(page, list(items), total)

    @staticmethod
    def _down_from(picture: Picture, info) -> dict[int, str]:
        """For each site of an outage, from how many live desktops of a team it is down."""
        out = {}
        for site in info.sites:
            counts = vantage_counts(picture.vantage_states.get(site.site_id, {}))
            words = down_from_words(counts, picture.settings.strikes) if counts else ""
            if words:
                out[site.site_id] = words
        return out

    # -- the end ---------------------------------------------------------------------------------

    def save_geometry(self) -> None:
        for window in self.all():
            window.save_geometry()
        if RememberedWindow.settings is not None:
            RememberedWindow.settings.sync()

    def dispose(self) -> None:
        """Delete every window now, while Qt is still up (Python's collector would otherwise
        free them at exit, after QApplication, and crash)."""
        for window in self.all():
            window.close()
            window.deleteLater()
        self.dashboard = self.outages = self.settings = self.report = None
        self.sites.clear()
        self.outage.clear()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
