"""A site paused and resumed from the dashboard (Sites > Pause site… / Resume site): the same
stored pause as the command line's ``pause SITE`` and ``resume SITE``. The site's title comes
from the last picture; the pause itself is stored on the reads thread (``change``). And what
Check now says while all monitoring is paused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from ..core.clock import Clock
from ..core.maintenance import Pause
from ..core.states import State
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
        change(lambda: maintenance.pause_site(site_id, until, clock))

    dialog.accepted.connect(accepted)
    dialog.show()
    return dialog


def resume_site(site_id: int, change: Change) -> None:
    change(lambda: maintenance.resume_site(site_id))


def paused_words(pause: Pause | None) -> str | None:
    """Why Check now starts no round while monitoring is paused (None when it is not):
    ``Monitoring is paused until 14:05: resume it to check``."""
    if pause is None:
        return None
    until = "you resume it" if pause.until is None else f"{pause.until.astimezone():%H:%M}"
    return f"Monitoring is paused until {until}: resume it to check"


def say_paused(pause: Pause | None, dashboard, notifier) -> bool:
    """Check now while monitoring is paused runs no round: a pause is what keeps every site
    unchecked and every alert away (planned work), and a round then would check nothing and
    say "Round done" all the same. It says so instead: in the dashboard's status line when
    the dashboard shows, else as a notification (Check now was asked from the tray). True
    when it said so."""
    words = paused_words(pause)
    if words is None:
        return False
    if dashboard is not None and dashboard.isVisible():
        dashboard.show_status(words)
    else:
        notifier.notify("Monitoring is paused", words, state=State.IDLE)
    return True
