"""A site paused and resumed from the dashboard (Sites > Pause site… / Resume site): the same
stored pause as the command line's ``pause SITE`` and ``resume SITE``."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from ..store import maintenance
from .windows.pause import PauseDialog


def ask_pause_site(
    site_id: int, parent, clock: Callable[[], datetime], done: Callable[[], None]
) -> PauseDialog | None:
    """Ask how long, then pause the site; ``done`` redraws."""
    ref = maintenance.find_site(str(site_id))
    if ref is None or isinstance(ref, list):
        return None
    dialog = PauseDialog(ref.title, parent)
    dialog.setModal(True)

    def accepted() -> None:
        until = None if dialog.until_resumed() else clock() + timedelta(minutes=dialog.minutes())
        maintenance.pause_site(site_id, until)
        done()

    dialog.accepted.connect(accepted)
    dialog.show()
    return dialog


def resume_site(site_id: int, done: Callable[[], None]) -> None:
    maintenance.resume_site(site_id)
    done()
