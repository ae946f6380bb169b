"""One outage in full: when, which sites and why each failed (and, in a team, from how many
desktops it is down), who is on it with the button to say "I'm on it" and a note field
(``incident_panel``), its timeline (``timeline_view``), its alerts, and its extra information.
The duration of an open outage, and how long someone has been on it, count up every second
while the window is shown."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTabWidget,
    QWidget,
)

from ...core.clock import Clock, utc_now
from ...core.outages import duration_words
from ...core.status import answer_text, local_text, plural
from ...core.text import one_line, text_problem
from ...core.urls import shown_url
from .. import plain
from .apprise_tab import ApprisePlaces
from .base import RememberedWindow, label_form, window_title
from .fit import scrolled_column
from .incident_panel import IncidentPanel
from .outages import Ticker, open_duration
from .timeline_view import TimelineList

if TYPE_CHECKING:
    from ...store.outbox import AlertInfo
    from ...store.queries import OutageInfo, SiteFailure
    from ...store.timeline import Event

CHANNELS = {"email": "E-mail", "twitter": "X", "apprise": "Apprise"}
EVENTS = {
    "opened": "outage opened",
    "closed": "outage ended",
    "reminder": "reminder (nobody on it)",
}


def failure_text(f: SiteFailure, down_from: str = "") -> str:
    """One site of an outage: why it failed, when, and its address (password hidden); in a
    team, while the outage is open, from how many desktops it is down."""
    primary = " — primary" if f.primary else ""
    lines = [f"{f.title}{primary} (since {local_text(f.start_time)})"]
    if down_from:
        lines.append(down_from[0].upper() + down_from[1:])
    if f.last_failed is None:
        lines.append("Why: no failed check is kept for it")
    else:
        answer = answer_text(f.status_code, f.error)
        if f.error is None and f.status_code is not None:
            answer = f"answered {answer}"
        elif f.error in ("content", "slow") and f.detail:
            answer = f"{answer}: {one_line(f.detail)}"  # (the server's words: data, one line)
        lines.append(
            f"Why: {answer} (last failed check {local_text(f.last_failed)}; "
            f"{plural(f.failed_checks, 'failed check')})"
        )
    lines.append(f"URL: {shown_url(f.url)}" if f.url else "URL: - (the site was deleted since)")
    return "\n".join(lines)


def alert_text(a: AlertInfo, places: dict[str, str] | None = None) -> str:
    """``Apprise (hooks.slack.com), outage opened: delivered ...``; an Apprise URL's delivery is
    named by ``places`` (fingerprint -> short name, from the keyring), else by its fingerprint."""
    channel = CHANNELS.get(a.channel, a.channel)
    if a.target:
        channel += f" ({(places or {}).get(a.target) or 'URL ' + a.target[:6]})"
    return f"{channel}, {EVENTS.get(a.event, a.event)}: {a.state_text()}"


def _site_ids(info: OutageInfo, failures: Sequence[SiteFailure]) -> list[int | None]:
    """The site ID of each failure: both lists are in the outage's order of its sites (the
    primary first, then as they joined); a failure is matched by its title and its start."""
    ids: list[int | None] = []
    free = list(info.sites)
    for f in failures:
        found = next((s for s in free if s.title == f.title and s.start_time == f.start_time), None)
        if found is not None:
            free.remove(found)
        ids.append(found.site_id if found else None)
    return ids


class OutageWindow(RememberedWindow, QWidget):
    save_extra = Signal(int, str)
    acknowledge = Signal(int, bool)  # outage ID, take over
    unacknowledge = Signal(int)
    add_note = Signal(int, str)

    def __init__(self, outage_id: int, clock: Clock = utc_now, me: str = "") -> None:
        """``me``: the person at this desktop, as acknowledgements and notes are signed."""
        super().__init__()
        self.outage_id = outage_id
        self.clock = clock
        self._open_since: datetime | None = None
        layout = scrolled_column(self, "The outage's details")  # (fits a small screen)
        form, self.labels = label_form(
            ("Code", "Started", "Ended", "Duration", "Content", "Alerts delivered")
        )
        layout.addLayout(form)
        self.incident = IncidentPanel(me, clock)
        self.incident.acknowledge.connect(lambda over: self.acknowledge.emit(outage_id, over))
        self.incident.unacknowledge.connect(lambda: self.unacknowledge.emit(outage_id))
        self.incident.add_note.connect(lambda text: self.add_note.emit(outage_id, text))
        layout.addWidget(self.incident)
        sites = QLabel("Sites, and why each failed:")
        layout.addWidget(sites)
        self.sites = QListWidget()
        sites.setBuddy(self.sites)
        self.sites.setAccessibleName("Sites, and why each failed")
        self.sites.setWordWrap(True)
        self.sites.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.sites.setAlternatingRowColors(True)
        layout.addWidget(self.sites, 1)
        self.tabs = QTabWidget()
        self.timeline = TimelineList()
        self.tabs.addTab(self.timeline, "Timeline")
        self.alerts = QListWidget()
        self.alerts.setWordWrap(True)
        self.alerts.setAlternatingRowColors(True)
        self.alerts.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.tabs.addTab(self.alerts, "Alerts")
        self.timeline.setAccessibleName("Timeline")
        self.alerts.setAccessibleName("Alerts")
        layout.addWidget(self.tabs, 3)
        extra = QLabel("Extra information:")
        layout.addWidget(extra)
        # one line: control characters (a line break too) are refused, as in every way in
        self.extra = QLineEdit()
        self.extra.setPlaceholderText("What happened, what was done…")
        extra.setBuddy(self.extra)
        self.extra.setAccessibleName("Extra information")
        self.extra.textChanged.connect(self._edited)
        self.extra.returnPressed.connect(self._save)
        layout.addWidget(self.extra)
        buttons = QHBoxLayout()
        self.saved_note = plain.label()
        self.saved_note.setWordWrap(True)  # a refusal says which character, and where
        buttons.addWidget(self.saved_note, 1)
        buttons.addStretch()
        self.save_button = QPushButton("Save")
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self._save)
        self.save_button.setEnabled(False)
        self.save_button.setAccessibleDescription("Saves the extra information")
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)
        self._stored_extra = ""
        self._alerts: list[AlertInfo] = []
        self.places: dict[str, str] = {}  # Apprise URLs' short names, by fingerprint
        self.apprise_places = ApprisePlaces(self)
        self.apprise_places.known.connect(self._places_known)
        self.incident.note_field.setFocus()  # the thing most often typed in here
        self.ticker = Ticker(self, self.tick)
        self.remember("outage", (680, 760))

    def show_outage(
        self,
        info: OutageInfo,
        alerts: list[AlertInfo],
        failures: Sequence[SiteFailure] = (),
        events: Sequence[Event] = (),
        down_from: Mapping[int, str] | None = None,
    ) -> None:
        """Show ``info``, its alerts, what each of its sites failed with, its timeline and
        (in a team, while it is open) from how many desktops each site is down (by site ID)."""
        self.setWindowTitle(window_title(f"Outage {info.code}"))
        self._open_since = info.start_time if info.end_time is None else None
        values = {
            "Code": f"{info.code} (ID {info.id})",
            "Started": local_text(info.start_time),
            "Ended": "-" if info.end_time is None else local_text(info.end_time),
            "Duration": self._duration(info),
            "Content": info.content,
            "Alerts delivered": "yes" if info.notification_sent else "no",
        }
        for key, value in values.items():
            self.labels[key].setText(value)
        self.incident.show_state(
            info.code, info.end_time is None, info.acknowledged_by, info.acknowledged_at
        )
        self.sites.clear()
        words = down_from if down_from and info.end_time is None else {}
        for f, site_id in zip(failures, _site_ids(info, failures), strict=True):
            self.sites.addItem(failure_text(f, words.get(site_id, "") if site_id else ""))
        titles = {s.site_id: s.title for s in info.sites if s.site_id is not None}
        self.timeline.show_events(events, titles)
        self._alerts = list(alerts)
        self._show_alerts()
        if any(a.target and a.target not in self.places for a in alerts):
            self.apprise_places.ask()  # on the keyring thread; the names follow
        self.sites.setCurrentRow(-1)  # read-only lines: no row looks picked
        if not self.save_button.isEnabled():  # never overwrite what the user is typing
            self._stored_extra = info.extra_information
            self.extra.blockSignals(True)
            self.extra.setText(info.extra_information)
            self.extra.blockSignals(False)
        self.ticker.follow(self, self._open_since is not None)

    def _show_alerts(self) -> None:
        self.alerts.clear()
        for a in self._alerts:
            self.alerts.addItem(alert_text(a, self.places))
        if not self._alerts:
            self.alerts.addItem("none (no alert channel was enabled)")
        self.alerts.setCurrentRow(-1)

    def _places_known(self, places: dict) -> None:
        self.places = places
        self._show_alerts()

    def _duration(self, info: OutageInfo) -> str:
        if info.end_time is None:
            return f"still open ({open_duration(info.start_time, self.clock())})"
        return duration_words(info.seconds_down or 0)

    def tick(self) -> None:
        if self._open_since is not None:
            duration = open_duration(self._open_since, self.clock())
            self.labels["Duration"].setText(f"still open ({duration})")
            self.incident.tick()

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        self.tick()
        self.ticker.follow(self, self._open_since is not None)

    def hideEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.ticker.follow(self, False)
        super().hideEvent(event)

    def _edited(self) -> None:
        self.save_button.setEnabled(self.extra.text() != self._stored_extra)
        self.saved_note.setText("")

    def _save(self) -> None:
        text = self.extra.text()
        if text == self._stored_extra:
            return
        problem = text_problem(text)
        if problem:  # a pasted tab or bidi control: said here, nothing sent to be stored
            self.saved_note.setText(f"Not saved: the text {problem}")
            return
        self.save_extra.emit(self.outage_id, text)
        self._stored_extra = text
        self.save_button.setEnabled(False)
        self.save_button.setAccessibleDescription("Saves the extra information")
        self.saved_note.setText("Saved")
