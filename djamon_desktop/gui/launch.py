"""Starting the tray app as a process: one per data folder (a second launch has the first one
show its dashboard), the error dialog and SIGTERM installed, and a restart (the Team tab's
Restart now) once the event loop has ended."""

from __future__ import annotations

import gc
from pathlib import Path

from .app import App
from .process import (
    already_running,
    application,
    install_error_dialog,
    quit_on_sigterm,
    start_again,
)
from .single import InstanceServer


def run(data_dir: Path, unreachable: str | None = None, target: str | None = None) -> int:
    """Start the tray app for ``data_dir``; returns the exit code. ``unreachable``: the team
    database could not be reached at start (why): the app starts grey and keeps trying.
    ``target``: the team database as messages show it (None on SQLite)."""
    qapp = application()
    if already_running(data_dir):  # (one started meanwhile)
        return 0
    instance = InstanceServer(data_dir)
    app = App(data_dir, target=target)
    if unreachable:
        app.poller.lost(unreachable)
    instance.show_requested.connect(app.windows.show_dashboard)
    install_error_dialog(data_dir / "logs", app.poller.lost)
    keep = quit_on_sigterm(app.quit)  # noqa: F841 - must live as long as the loop
    app.start()
    code = qapp.exec()
    instance.close()
    restarting = app.restarting
    del app, instance
    gc.collect()  # free Qt objects held in cycles now, not after QApplication is gone
    if restarting:
        start_again()
    return code
