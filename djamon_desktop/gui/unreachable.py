"""The app while its team database can't be reached (down, refusing the login, restarting).

The poller tells it apart from a failed round (``Poller.database_lost``) and tries the database
again every few seconds on its worker thread until it answers (``database_back``). Meanwhile the
UI thread reads nothing: a query could wait the whole connect timeout and freeze every window.
The App's own readings are wrapped in :func:`guarded`: skipped while the database can't be
reached, and one that finds it gone hands over to the poller instead of failing. The windows
keep showing what they last read; the tray is grey and says why.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..store.database import reaching
from ..store.engine import DatabaseUnreachable

if TYPE_CHECKING:
    from .app import App


def guarded(method: Callable[..., Any]) -> Callable[..., Any]:
    """An App method that reads the database on the UI thread: not run while the team database
    can't be reached, and when it finds it so, the poller is told (grey, tries again)."""

    @functools.wraps(method)
    def run(app: App, *args: Any, **kwargs: Any) -> Any:
        if app.poller.unreachable is not None:
            return None
        try:
            with reaching():
                return method(app, *args, **kwargs)
        except DatabaseUnreachable as exc:
            app.poller.lost(exc.message)
            return None

    return run
