"""The state where no tray shows it, and a desktop with no tray at all.

The dashboard's title always starts with the state in words (``2 down — Dashboard —
djamon-desktop``, core.title_words): a window list, a screen reader and someone who does not
tell red from green all read it there.

With no system tray (GNOME without the AppIndicator extension, a panel that crashed) nothing
else would show the state nor bring a window back, so the app says so once and keeps the
dashboard as a normal window: shown, its icon the tray's state icon, and closing it minimizes
it (File › Quit ends the app). A tray host is looked for every few seconds (a cheap X or
D-Bus question: no database, no network); when one comes, Qt puts the icon in it by itself and
the dashboard closes to the tray again."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QSystemTrayIcon, QWidget

from ..core.states import State
from ..picture import title_words_of
from .icons import app_icon, state_icon
from .windows.base import window_title
from .windows.notice import NoticeBar

#: how often a tray host is looked for (Qt answers from the X selection or the session bus)
CHECK_MS = 3000

GONE = (
    "No system tray on this desktop: the dashboard stays open as a window. "
    "File › Quit ends the app."
)
BACK = "A system tray is back: closing the dashboard keeps djamon-desktop running in the tray."


def tray_available() -> bool:
    """Whether the desktop has a tray host: on X11 an XEmbed tray (the _NET_SYSTEM_TRAY
    selection has an owner) or a StatusNotifierItem host on the session bus. Qt asks afresh on
    each call: it turns false when the host goes and true when one comes."""
    return QSystemTrayIcon.isSystemTrayAvailable()


def dashboard_title(words: str) -> str:
    """``2 down — Dashboard — djamon-desktop``."""
    return f"{words} — {window_title('Dashboard')}"


class NoTray(QObject):
    """Follows whether there is a tray (``missing``) and puts the state on the dashboard.
    ``app`` is the :class:`~djamon_desktop.gui.app.App` (not imported: it imports this)."""

    def __init__(self, app: Any) -> None:
        super().__init__()
        self.app = app
        self.missing = False
        #: the state in a title's words; None until there is one to say (the first picture)
        self.words: str | None = None
        self.state = State.IDLE
        self._bar: NoticeBar | None = None  # on the dashboard, while there is no tray
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.check)
        app.poller.database_lost.connect(lambda *_: self.show_state())
        app.poller.database_back.connect(lambda *_: self.show_state())

    def start(self) -> None:
        """At the app's start: a desktop with no tray gets the dashboard at once."""
        self.check()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def check(self) -> None:
        """Whether the tray went or came since the last look; each change is said once."""
        missing = not tray_available()
        if missing == self.missing or self.app._disposed:
            return
        self.missing = missing
        windows = self.app.windows
        if missing:
            if windows.dashboard is None or not windows.dashboard.isVisible():
                windows.show_dashboard(activate=False)  # shown, the keyboard left where it is
            self.app.notifier.notify("No system tray", GONE, state=State.IDLE)
        else:
            self.app.tray.show()
        self.show_state()
        if self._bar is not None:
            self._bar.show_text(GONE if missing else None)
        if windows.dashboard is not None:
            windows.dashboard.show_status(GONE if missing else BACK, 30)

    def dashboard_made(self, dashboard: QWidget) -> None:
        """A new dashboard: its title and icon at once, a line above its table while there
        is no tray (with a Quit button: closing only minimizes then), and its close watched."""
        dashboard.installEventFilter(self)
        self._bar = NoticeBar("no-tray", "&Quit djamon-desktop")
        self._bar.button.clicked.connect(lambda *_: dashboard.quit_app.emit())
        self._bar.show_text(GONE if self.missing else None)
        dashboard.centralWidget().layout().insertWidget(0, self._bar)
        self._dress(dashboard)

    def show_state(self, overview: Any = None) -> None:
        """The state of the last picture (and of the database) on the dashboard; ``overview``
        gives its colour, as the tray's."""
        app = self.app
        if app._disposed:
            return
        unreachable = app.poller.unreachable is not None
        if app.picture is not None:
            self.words = title_words_of(app.picture, app.connectivity, unreachable)
        elif unreachable:
            self.words = "Database unreachable"
        if overview is not None:
            self.state = overview.state
        if app.windows.dashboard is not None:
            self._dress(app.windows.dashboard)

    def _dress(self, dashboard: QWidget) -> None:
        unreachable = self.app.poller.unreachable is not None
        if self.words is not None:
            dashboard.setWindowTitle(dashboard_title(self.words))
        state = State.IDLE if unreachable else self.state
        icon = state_icon(state) if self.missing else app_icon()
        if dashboard.windowIcon().cacheKey() != icon.cacheKey():  # (each one an X property)
            dashboard.setWindowIcon(icon)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        """With no tray, closing the dashboard minimizes it: hidden, nothing could bring it
        back but launching the app again. The app's own quit closes it as ever."""
        app = self.app
        if (
            event.type() == QEvent.Type.Close
            and self.missing
            and not (app._quitting or app._disposed)
            and isinstance(watched, QWidget)
        ):
            event.ignore()
            watched.save_geometry()
            watched.showMinimized()
            return True
        return False
