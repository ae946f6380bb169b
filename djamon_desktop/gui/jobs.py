"""The changes the windows ask for, by name. The windows hand them to the reads thread
(``reader.Reads.call`` or ``wait``), which runs them: the UI thread never talks to the database,
and the window modules never import the store (``tests/test_layers.py`` holds them to it)."""

from __future__ import annotations

from datetime import datetime

from ..store.editing import (
    delete_group,
    delete_site,
    save_group,
    save_site,
    set_active,
    set_extra_information,
)
from ..store.incidents import Acknowledgement, IncidentError, acknowledge, add_note, unacknowledge
from ..store.maintenance import pause_everything, pause_site, resume_everything, resume_site
from ..store.queries import find_outage
from ..store.rechecks import ask as ask_recheck
from ..store.settings import save_settings
from ..store.vantages import app_seen, current


def app_running(now: datetime | None) -> None:
    """This desktop's app runs at ``now`` (it started), or (None) quits: whether its vantage
    is a live app vantage, one a recheck is asked of (``store.rechecks``)."""
    app_seen(current(), now)


__all__ = [
    "acknowledge",
    "add_note",
    "on_it",
    "app_running",
    "ask_recheck",
    "unacknowledge",
    "delete_group",
    "delete_site",
    "pause_everything",
    "pause_site",
    "resume_everything",
    "resume_site",
    "save_group",
    "save_settings",
    "save_site",
    "set_active",
    "set_extra_information",
]


def on_it(outage_id: int, by: str, now: datetime) -> Acknowledgement:
    """ "I'm on it" from a notification: ``by`` acknowledges the open outage, unless someone
    else has it already; then nothing changes and the answer names who has it (``by`` is
    theirs, ``changed`` False), never taking it over from a notification."""
    try:
        return acknowledge(outage_id, by, now)
    except IncidentError:
        info = find_outage(str(outage_id))
        holder = None if info is None or info.end_time is not None else info.acknowledged_by
        if info is None or holder is None or holder == by.strip():
            raise
        return Acknowledgement(info.id, info.code, holder, info.acknowledged_at, False)
