"""The app's windows: one dashboard, one outages list, one Settings, one window per site and
per outage. Each is made on first ask and raised after; their geometry is remembered in the data
folder's windows.ini; ``dispose`` deletes them all while Qt is still up."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QSettings
from PySide6.QtWidgets import QApplication, QWidget

from .. import desktop_entry
from ..store import editing, queries
from ..store.settings import load_settings, save_settings
from .windows.base import RememberedWindow
from .windows.dashboard import DashboardWindow
from .windows.outages import OutagesWindow, OutageWindow
from .windows.settings import SettingsWindow
from .windows.site import SiteWindow


def raise_window(window: QWidget) -> None:
    """Show it, un-minimised, in front, with the keyboard."""
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
    ) -> None:
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
        self.sites: dict[int, SiteWindow] = {}
        self.outage: dict[int, OutageWindow] = {}

    def all(self) -> list[QWidget]:
        fixed = [self.dashboard, self.outages, self.settings]
        return [w for w in fixed if w is not None] + [*self.sites.values(), *self.outage.values()]

    # -- create or raise -------------------------------------------------------------------------

    def show_dashboard(self) -> DashboardWindow:
        if self.dashboard is None:
            self.dashboard = DashboardWindow()
            self._wire_dashboard(self.dashboard)
            self._refresh()
        raise_window(self.dashboard)
        return self.dashboard

    def show_site(self, site_id: int) -> SiteWindow:
        window = self.sites.get(site_id)
        if window is None:
            window = SiteWindow(site_id)
            window.destroyed.connect(lambda *_: self.sites.pop(site_id, None))
            self.sites[site_id] = window
            self._refresh()
        raise_window(window)
        return window

    def close_site(self, site_id: int) -> None:
        """A deleted site's window goes with it."""
        window = self.sites.pop(site_id, None)
        if window is not None:
            window.close()

    def show_outages(self) -> OutagesWindow:
        if self.outages is None:
            self.outages = OutagesWindow()
            self.outages.open_outage.connect(self.show_outage)
            self.outages.page_wanted.connect(self.show_outage_page)
        self.show_outage_page(1)
        raise_window(self.outages)
        return self.outages

    def show_outage_page(self, page: int) -> None:
        """Page ``page`` of the outages list (the last one, when fewer are left)."""
        items, total = queries.outage_page(page)
        pages = max(1, -(-total // queries.OUTAGES_PER_PAGE))
        if page > pages:
            page = pages
            items, total = queries.outage_page(page)
        self.outages.show_page(page, items, total)

    def show_outage(self, outage_id: int) -> OutageWindow | None:
        """The outage's window; None when there is no such outage."""
        if queries.find_outage(str(outage_id)) is None:
            return None
        window = self.outage.get(outage_id)
        if window is None:
            window = OutageWindow(outage_id)
            window.save_extra.connect(editing.set_extra_information)
            self.outage[outage_id] = window
            self._refresh()
        raise_window(window)
        return window

    def show_settings(self) -> SettingsWindow:
        if self.settings is None:
            command = desktop_entry.launch_command(self._explicit_data_dir())
            self.settings = SettingsWindow(
                save_settings,
                autostart=(
                    desktop_entry.autostart_enabled,
                    lambda on: desktop_entry.set_autostart(on, command),
                ),
                data_dir=self.data_dir,
                restart=self._restart,
            )
            self.settings.saved.connect(self._settings_saved)
        self.settings.show_settings(load_settings())
        raise_window(self.settings)
        return self.settings

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
        self.dashboard = self.outages = self.settings = None
        self.sites.clear()
        self.outage.clear()
        QApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
