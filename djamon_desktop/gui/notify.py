"""Desktop notifications that open an outage when clicked.

Where a notification server runs on the session D-Bus (KDE, GNOME, XFCE, dunst...), messages go
there through desktop-notifier with a default action, so they can be clicked at any urgency
(Qt's own path over D-Bus makes only Critical ones clickable). Elsewhere Qt's tray balloon is
used, and its ``messageClicked`` opens the outage of the last message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QSystemTrayIcon

from ..core.states import State
from .icons import STATES, state_icon
from .plain import body_markup, visible

log = logging.getLogger(__name__)

NO_OUTAGE = 0


class Notifier(QObject):
    """``notify(title, body, outage_id, state=...)``; ``clicked(outage_id)`` when the user
    clicks one. Each message carries its state's icon (up, warning, down, idle)."""

    clicked = Signal(int)
    _undelivered = Signal(str, str, int, bool, str)  # from the D-Bus thread: show as a balloon

    def __init__(self, tray: QSystemTrayIcon, use_dbus: bool | None = None):
        super().__init__()
        self._tray = tray
        self._last_balloon = NO_OUTAGE
        tray.messageClicked.connect(lambda: self.clicked.emit(self._last_balloon))
        self._undelivered.connect(self._balloon)
        if use_dbus is None:
            use_dbus = bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
        self._dbus = _DbusSender(self.clicked.emit, self._undelivered.emit) if use_dbus else None

    def notify(
        self,
        title: str,
        body: str,
        outage_id: int = NO_OUTAGE,
        critical: bool = False,
        state: State | None = None,
    ) -> None:
        """Never waits: a D-Bus message is handed to its thread; a failure falls back.
        ``state`` picks the icon; by default down for a critical message, else up."""
        if state is None:
            state = State.DOWN if critical else State.UP
        if state not in STATES:
            raise ValueError(f"no icon for state {state!r}")
        self.last = (title, body, state)
        dbus = self._dbus
        if dbus is not None and dbus.working and dbus.send(title, body, outage_id, critical, state):
            return
        self._balloon(title, body, outage_id, critical, state)

    def _balloon(self, title: str, body: str, outage_id: int, critical: bool, state: State) -> None:
        self._last_balloon = outage_id
        self.last_icon = state_icon(state)
        # Qt's balloon shows title and body as plain text (its labels say so themselves)
        self._tray.showMessage(visible(title), visible(body), self.last_icon, 15000)

    def close(self) -> None:
        if self._dbus is not None:
            self._dbus.close()


class _DbusSender:
    """desktop-notifier on an asyncio loop of its own thread; clicks come back as callbacks."""

    def __init__(self, on_click, on_failure) -> None:
        self.working = True
        self._on_click = on_click
        self._on_failure = on_failure
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="djamon-notify", daemon=True)
        self._thread.start()
        self._notifier = None
        self._markup: bool | None = None  # whether the server reads markup in bodies
        self._lock = threading.Lock()
        self._outstanding = 0  # messages handed over and not yet sent or failed
        self._stopped = False  # the thread ended after D-Bus failed

    def _run(self) -> None:
        self._loop.run_forever()
        self._loop.close()  # stopped: by close(), or for good once D-Bus failed

    def send(self, title: str, body: str, outage_id: int, critical: bool, state: State) -> bool:
        """Hand the message to the D-Bus thread; False once that thread has ended (D-Bus
        failed: the caller shows a balloon)."""
        with self._lock:
            if self._stopped:
                return False
            self._outstanding += 1  # (counted before it is scheduled: none is left unsent)
        asyncio.run_coroutine_threadsafe(
            self._send(title, body, outage_id, critical, state), self._loop
        )
        return True

    async def _send(self, title: str, body: str, outage_id: int, critical: bool, state: State):
        try:
            await asyncio.wait_for(self._deliver(title, body, outage_id, critical, state), 5)
        except Exception as exc:  # no server after all: the balloon, from now on
            log.warning("D-Bus notifications unavailable (%s); using the tray balloon", exc)
            self.working = False
            self._on_failure(title, body, outage_id, critical, state)
        finally:
            with self._lock:
                self._outstanding -= 1
                if not self.working and self._outstanding == 0:
                    # nothing is sent this way again: its connection and thread need not stay
                    self._stopped = True
                    self._notifier = None
                    self._loop.stop()

    async def _deliver(
        self, title: str, body: str, outage_id: int, critical: bool, state: State
    ) -> None:
        from desktop_notifier import DesktopNotifier, Icon, Urgency

        from ..resources import icon_file

        if self._notifier is None:
            self._notifier = DesktopNotifier(
                app_name="djamon-desktop", app_icon=Icon(path=icon_file("app", 64))
            )
        if self._markup is None:
            self._markup = "body-markup" in await _server_capabilities()
        await self._notifier.send(
            title=visible(title),  # the summary: plain text, as the specification has it
            message=body_markup(body) if self._markup else visible(body),
            urgency=Urgency.Critical if critical else Urgency.Normal,
            icon=Icon(path=icon_file(state, 64)),
            on_clicked=lambda: self._on_click(outage_id),
        )

    def close(self) -> None:
        with self._lock:
            if not self._stopped:
                self._stopped = True
                self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(2)


async def _server_capabilities() -> list[str]:
    """The notification server's GetCapabilities answer (desktop-notifier keeps the one this
    needs, ``body-markup``, to itself). Raises ConnectionError when no server answers."""
    from dbus_fast import Message, MessageType
    from dbus_fast.aio import MessageBus

    bus = await MessageBus().connect()
    try:
        reply = await bus.call(
            Message(
                destination="org.freedesktop.Notifications",
                path="/org/freedesktop/Notifications",
                interface="org.freedesktop.Notifications",
                member="GetCapabilities",
            )
        )
    finally:
        bus.disconnect()
        with contextlib.suppress(Exception):  # its socket closed now, not when collected
            await asyncio.wait_for(bus.wait_for_disconnect(), 1)
    if reply is not None and reply.message_type == MessageType.ERROR:
        # nobody serves notifications on this bus (desktop-notifier would only log each
        # message it then fails to send): the caller falls back to the balloon
        raise ConnectionError(f"no notification server ({reply.error_name})")
    if reply is None or reply.message_type != MessageType.METHOD_RETURN or not reply.body:
        return []
    return list(reply.body[0])
