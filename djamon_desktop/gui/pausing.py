"""A site paused and resumed from the dashboard (Sites > Pause site… / Resume site): the same
stored pause as the command line's ``pause SITE`` and ``resume SITE``. The site's title comes
from the last picture; the pause itself is stored on the reads thread (``change``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ..core.clock import Clock
from . import jobs as maintenance  # each runs on the reads thread
from .windows.pause import PauseDialog

Change = Callable[[Callable[[], object]], None]  # makes a change off the UI thread, then shows it


def ask_pause_site(
    site_id: int, picture, parent, clock: Clock, change: Change
) -> PauseDialog | None:
    """Ask how long, then pause the site."""
    site = picture.site(site_id) if picture is not None else None
    if site is None:
        return None
    dialog = PauseDialog(site.title, parent)
    dialog.setModal(True)

    def accepted() -> None:
        until = None if dialog.until_resumed() else clock() + timedelta(minutes=dialog.minutes())
        change(lambda: maintenance.pause_site(site_id, until))

    dialog.accepted.connect(accepted)
    dialog.show()
    return dialog


def resume_site(site_id: int, change: Change) -> None:
    change(lambda: maintenance.resume_site(site_id))
