"""A new dashboard's menus and buttons, each connected to what does it in the app."""

from __future__ import annotations

from typing import Any

from . import pausing
from .help import open_readme, show_about
from .windows.dashboard import DashboardWindow
from .windows.doctor import show_doctor


def wire_dashboard(app: Any, d: DashboardWindow) -> None:
    """``app`` is the :class:`~djamon_desktop.gui.app.App` (not imported: it imports this)."""
    w, e, t = app.windows, app.editing, app.transfer
    d.open_site.connect(w.show_site)
    d.add_site.connect(lambda: e.edit_site(None))
    d.add_group.connect(lambda: e.edit_group(None))
    d.edit_site.connect(e.edit_site)
    d.edit_group.connect(e.edit_group)
    d.toggle_site.connect(e.toggle_site)
    d.delete_site.connect(lambda i: e.delete_later("site", i))
    d.delete_group.connect(lambda i: e.delete_later("group", i))
    d.undo.connect(e.undo_last)
    d.import_file.connect(t.ask_import)
    d.export_file.connect(t.ask_export)
    d.check_now.connect(app.check_now)
    d.open_outages.connect(w.show_outages)
    d.open_report.connect(w.show_report)
    d.open_settings.connect(w.show_settings)
    d.open_sandbox_settings.connect(w.show_sandbox_settings)
    d.open_about.connect(lambda: show_about(app.data_dir, d))
    d.open_readme.connect(lambda: open_readme(app.data_dir, app._status, d))
    d.check_desktop.connect(lambda: show_doctor(app.data_dir, d))
    d.quit_app.connect(app.quit)
    d.pause_site.connect(
        lambda i: pausing.ask_pause_site(i, app.picture, d, app.clock, app.edit_then_show)
    )
    d.resume_site.connect(lambda i: pausing.resume_site(i, app.edit_then_show))
    e.show_undo()  # a change made before the dashboard opened can still be undone
    app.no_tray.dashboard_made(d)  # its title and icon say the state
    if app.poller.unreachable is not None:
        d.show_unreachable(app.poller.unreachable)
