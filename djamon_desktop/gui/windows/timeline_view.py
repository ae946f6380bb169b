"""An outage's timeline as the outage window shows it: one line an event, oldest first, in
local time and words ("10:04:12  alice is on it", "10:05:40  Note by bob: restarted the pool").

Names, notes, site titles, vantages and failure reasons come from every desktop of a team and
from alert servers: they are data, shown as the text they are. The lines go into a QListWidget,
whose items never take markup; characters that would reorder or break a line show as U+FFFD."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QListWidget

from ...core.people import taken_over_from
from ...core.status import local_text
from .. import plain

if TYPE_CHECKING:
    from ...store.timeline import Event

CHANNELS = {"email": "e-mail", "twitter": "X", "apprise": "Apprise"}


def _site(event: Event, titles: Mapping[int, str]) -> str:
    if event.site_id is None:
        return "a site"
    return titles.get(event.site_id) or f"site {event.site_id} (deleted since)"


def _channel(event: Event) -> str:
    return CHANNELS.get(event.channel or "", event.channel or "a channel")


def event_words(event: Event, titles: Mapping[int, str]) -> str:
    """What happened, in words, without the time."""
    kind, by = event.event, event.by or "someone"
    words = {
        "failed": lambda: f"{_site(event, titles)}: first failed check",
        "opened": lambda: "Outage opened",
        "joined": lambda: f"{_site(event, titles)} joined the outage",
        "alert_queued": lambda: f"Alert queued on {_channel(event)}",
        "alert_sent": lambda: f"Alert sent on {_channel(event)}",
        "alert_failed": lambda: f"Alert failed on {_channel(event)}",
        "acknowledged": lambda: f"{by} is on it",
        "unacknowledged": lambda: f"{by} took the acknowledgement back: nobody is on it",
        "note": lambda: f"Note by {by}: {event.text or ''}",
        "escalated": lambda: "Reminder sent: still down, nobody was on it",
        "held": lambda: f"Alert held on {_channel(event)} for quiet hours",
        "released": lambda: f"Held alert sent on {_channel(event)} as quiet hours ended",
        "recovered": lambda: f"{_site(event, titles)} recovered",
        "removed": lambda: f"{_site(event, titles)} was taken out of monitoring",
        "closed": lambda: "Outage closed",
    }.get(kind, lambda: kind)()
    if event.vantage:
        words += f" (from {event.vantage})"
    if event.reason:
        words += f": {event.reason}"
    return words


def event_line(event: Event, titles: Mapping[int, str], words: str | None = None) -> str:
    """``2026-11-02 10:04:12  alice is on it``: one line, whatever the event holds."""
    return plain.visible(f"{local_text(event.at)}  {words or event_words(event, titles)}")


def timeline_lines(events: Sequence[Event], titles: Mapping[int, str]) -> list[str]:
    """Every event's line, oldest first; an acknowledgement while someone else had it says
    whom it was taken over from."""
    out = []
    for event, took_from in zip(events, taken_over_from(events), strict=True):
        words = f"{event.by or 'someone'} took it over from {took_from}" if took_from else None
        out.append(event_line(event, titles, words))
    return out


class TimelineList(QListWidget):
    """The outage's events, newest last; the view follows the newest while it is scrolled to
    the bottom (one reading up to keep an old line in view stays put)."""

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self._shown: list[str] = []

    def show_events(self, events: Sequence[Event], titles: Mapping[int, str]) -> None:
        lines = timeline_lines(events, titles) or ["No event is recorded for it."]
        if lines == self._shown:
            return
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum()
        self._shown = lines
        self.clear()
        self.addItems(lines)
        if at_bottom:
            self.scrollToBottom()

    def lines(self) -> list[str]:
        return list(self._shown)
