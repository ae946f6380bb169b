"""Desktop notifications that open an outage when clicked.

Where a notification server runs on the session D-Bus (KDE, GNOME, XFCE, dunst...), messages go
there through desktop-notifier with a default action, so they can be clicked at any urgency
(Qt's own path over D-Bus makes only Critical ones clickable). Elsewhere Qt's tray balloon is
used, and its ``messageClicked`` opens the outage of the last message.

Every message that was not shown falls back to the balloon: desktop-notifier only logs a failed
send ("Notification failed") and calls a message's ``on_dispatched`` only once the server took
it, so a message is shown when that call came. The server is asked again for each message, so
one that went away and came back is used again. Where there is neither a server nor a tray to
hold the balloon, ``undelivered(words)`` says which message was lost (for the status line).

An outage's messages offer the button "Open" where the server has actions (its ``actions``
capability), and its "down" message "I'm on it" too: pressing it emits ``on_it(outage_id)``.
Where there are none, the click still opens the outage, whose window acknowledges it. The last
message of each outage is kept, so that its next one (the recovery) takes its place on screen
rather than standing beside it.
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
from . import no_tray
from .icons import STATES, state_icon
from .plain import body_markup, dbus_tray, visible

log = logging.getLogger(__name__)

NO_OUTAGE = 0
ON_IT = "I'm on it"  # the button of an outage's "down" message
OPEN = "Open"  # the button of every message of an outage: opens its window
NOT_SHOWN = "Not shown (no notification server or tray balloon): "  # then its title
KEPT = 32  # outages whose last message is remembered (to be replaced by their next one)


class Notifier(QObject):
    """``notify(title, body, outage_id, state=...)``; ``clicked(outage_id)`` when the user
    clicks one or presses its "Open", ``on_it(outage_id)`` when they press its "I'm on it";
    ``undelivered(words)`` when a message could be shown nowhere. Each message carries its
    state's icon (up, warning, down, idle)."""

    clicked = Signal(int)
    on_it = Signal(int)
    undelivered = Signal(str)  # what was lost, in words for the status line
    _not_shown = Signal(str, str, int, bool, str)  # from the D-Bus thread: show as a balloon

    def __init__(self, tray: QSystemTrayIcon, use_dbus: bool | None = None):
        super().__init__()
        self._tray = tray
        self._last_balloon = NO_OUTAGE
        # Qt's balloon on a StatusNotifierItem tray is itself a message to the notification
        # server: with none there, it is lost too (Qt decides this once, when the icon is made)
        self._balloon_over_dbus = dbus_tray()
        tray.messageClicked.connect(lambda: self.clicked.emit(self._last_balloon))
        self._not_shown.connect(self._fall_back)
        if use_dbus is None:
            use_dbus = bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
        self._dbus = (
            _DbusSender(self.clicked.emit, self._not_shown.emit, self.on_it.emit)
            if use_dbus
            else None
        )

    def notify(
        self,
        title: str,
        body: str,
        outage_id: int = NO_OUTAGE,
        critical: bool = False,
        state: State | None = None,
        on_it: bool = False,
    ) -> None:
        """Never waits: a D-Bus message is handed to its thread; one not shown falls back.
        ``state`` picks the icon; by default down for a critical message, else up. ``on_it``
        adds the button "I'm on it" where the server has actions (the balloon has none)."""
        if state is None:
            state = State.DOWN if critical else State.UP
        if state not in STATES:
            raise ValueError(f"no icon for state {state!r}")
        self.last = (title, body, state)
        message = (title, body, outage_id, critical, state)
        dbus = self._dbus
        button = on_it and bool(outage_id)
        if dbus is not None and dbus.send(*message, button):
            return
        self._balloon(title, body, outage_id, critical, state)

    def _fall_back(self, title: str, body: str, outage_id: int, critical: bool, state: str):
        """No notification server showed it: the balloon, unless that goes to D-Bus too."""
        self._balloon(title, body, outage_id, critical, State(state), not self._balloon_over_dbus)

    def _balloon(
        self,
        title: str,
        body: str,
        outage_id: int,
        critical: bool,
        state: State,
        shown_by_qt: bool = True,
    ) -> None:
        self.last_icon = state_icon(state)
        # Qt shows a balloon only while its icon is shown, and on a tray host that is there
        if not (shown_by_qt and self._tray.isVisible() and no_tray.tray_available()):
            words = f"{NOT_SHOWN}{title}"
            log.warning("%s", words)  # (the status line's words pass; the log keeps them)
            self.undelivered.emit(words)
            return
        self._last_balloon = outage_id
        # Qt's balloon shows title and body as plain text (its labels say so themselves)
        self._tray.showMessage(visible(title), visible(body), self.last_icon, 15000)

    def close(self) -> None:
        if self._dbus is not None:
            self._dbus.close()


class _DbusSender:
    """desktop-notifier on an asyncio loop of its own thread; clicks come back as callbacks.
    Once no server took a message and nothing else is waiting, the thread and its connection
    end (a bare desktop keeps no idle loop); the next message starts them again."""

    def __init__(self, on_click, on_failure, on_it=None) -> None:
        self.working = True  # whether the last message went to a server
        self._on_click = on_click
        self._on_failure = on_failure
        self._on_it = on_it or (lambda _outage_id: None)
        #: the last message of each outage (the server's number for it), newest last: the
        #: outage's next message replaces it. Read and written on the D-Bus thread only.
        self.shown: dict[int, int] = {}
        self._tasks: set[asyncio.Task] = set()
        self.actions: bool | None = None  # whether the server offers actions (buttons)
        self._notifier = None
        self._lock = threading.Lock()
        self._outstanding = 0  # messages handed over and not yet sent or failed
        self._closed = False
        self._start()

    def _start(self) -> None:
        """A new loop and its thread (called with the lock held, or before anyone sends)."""
        self._stopped = False  # True once the thread ended, after no server took a message
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run, args=(self._loop,), name="djamon-notify", daemon=True
        )
        self._thread.start()

    @staticmethod
    def _run(loop: asyncio.AbstractEventLoop) -> None:
        loop.run_forever()
        loop.close()  # stopped: by close(), or when no server took a message

    def send(
        self,
        title: str,
        body: str,
        outage_id: int,
        critical: bool,
        state: State,
        on_it: bool = False,
    ) -> bool:
        """Hand the message to the D-Bus thread (started again if it had ended: a server may
        be there now); False once closed (the caller shows a balloon)."""
        with self._lock:
            if self._closed:
                return False
            if self._stopped:
                self._start()
            self._outstanding += 1  # (counted before it is scheduled: none is left unsent)
            loop = self._loop
        asyncio.run_coroutine_threadsafe(
            self._send(title, body, outage_id, critical, state, on_it), loop
        )
        return True

    async def _send(
        self, title: str, body: str, outage_id: int, critical: bool, state: State, on_it: bool
    ):
        try:
            await asyncio.wait_for(self._deliver(title, body, outage_id, critical, state, on_it), 5)
            self.working = True
        except Exception as exc:  # not shown: the balloon has it
            if self.working:
                log.warning("D-Bus notifications unavailable (%s); using the tray balloon", exc)
            self.working = False
            await self._drop_notifier()  # a server that comes back is met afresh
            self.shown.clear()  # the numbers of a server that went
            self._on_failure(title, body, outage_id, critical, state)
        finally:
            with self._lock:
                self._outstanding -= 1
                if not self.working and self._outstanding == 0 and not self._stopped:
                    # nothing waits to be sent: the thread ends until the next message
                    self._stopped = True
                    asyncio.get_running_loop().stop()

    async def _deliver(
        self, title: str, body: str, outage_id: int, critical: bool, state: State, on_it: bool
    ) -> None:
        """Raises when the message was not shown."""
        from desktop_notifier import Button, DesktopNotifier, Icon, Urgency

        from ..resources import icon_file

        # asked each time: no server raises here (desktop-notifier would only log it), and
        # one that came back may be another one
        capabilities = await _server_capabilities()
        markup = "body-markup" in capabilities
        self.actions = "actions" in capabilities
        if self._notifier is None:
            self._notifier = DesktopNotifier(
                app_name="djamon-desktop", app_icon=Icon(path=icon_file("app", 64))
            )
        notifier = self._notifier
        if outage_id:
            await self._take_down(outage_id)  # the outage's last message: this one replaces it
        buttons = []
        if outage_id and self.actions:
            buttons.append(Button(OPEN, on_pressed=lambda: self._opened(outage_id)))
            if on_it:
                buttons.append(Button(ON_IT, on_pressed=lambda: self._pressed(outage_id)))
        dispatched: list[bool] = []
        sent = await notifier.send(
            title=visible(title),  # the summary: plain text, as the specification has it
            message=body_markup(body) if markup else visible(body),
            urgency=Urgency.Critical if critical else Urgency.Normal,
            icon=Icon(path=icon_file(state, 64)),
            buttons=buttons,
            on_dispatched=lambda: dispatched.append(True),
            on_clicked=lambda: self._on_click(outage_id),
        )
        if not dispatched:  # desktop-notifier logged why ("Notification failed") and went on
            raise ConnectionError("the notification server did not take the message")
        number = _server_number(notifier, sent)
        if outage_id and number is not None:
            self.shown[outage_id] = number
            while len(self.shown) > KEPT:
                del self.shown[next(iter(self.shown))]

    def _opened(self, outage_id: int) -> None:
        """ "Open" was pressed (on the D-Bus thread): the outage's window opens."""
        self._on_click(outage_id)
        self._later(self._take_down(outage_id))

    def _pressed(self, outage_id: int) -> None:
        """ "I'm on it" was pressed (on the D-Bus thread). A server may keep the message on
        screen after a button (dunst's menu does): it has done its job, so it goes."""
        self._on_it(outage_id)
        self._later(self._take_down(outage_id))

    def _later(self, work) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _take_down(self, outage_id: int) -> None:
        """Close the outage's last message, if it is still on screen (one the user closed or
        clicked already is gone: the server's refusal then changes nothing)."""
        number = self.shown.pop(outage_id, None)
        if number is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(_call_server("CloseNotification", "u", [number]), 2)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if not self._stopped:
                self._stopped = True
                self._loop.call_soon_threadsafe(self._loop.create_task, self._hang_up())
            thread = self._thread
        thread.join(2)

    async def _hang_up(self) -> None:
        try:
            await self._drop_notifier()
        finally:
            asyncio.get_running_loop().stop()

    async def _drop_notifier(self) -> None:
        """Close desktop-notifier's connection to the bus (it has no call for that: its
        socket would otherwise be closed only when collected)."""
        notifier, self._notifier = self._notifier, None
        bus = getattr(getattr(notifier, "_backend", None), "bus", None)
        if bus is not None:
            bus.disconnect()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(bus.wait_for_disconnect(), 1)


def _server_number(notifier, identifier: str) -> int | None:
    """The notification server's own number for a message desktop-notifier sent, which that
    library keeps to itself (and forgets once the message was clicked); None when not found."""
    backend = getattr(notifier, "_backend", None)
    pairs = getattr(backend, "_platform_to_interface_notification_identifier", None)
    try:
        return int(pairs.inverse[identifier])  # type: ignore[union-attr]
    except Exception:
        return None


async def _call_server(member: str, signature: str = "", body: list | None = None):
    """One call to the notification server on a connection of its own; its reply."""
    from dbus_fast import Message
    from dbus_fast.aio import MessageBus

    bus = await MessageBus().connect()
    try:
        return await bus.call(
            Message(
                destination="org.freedesktop.Notifications",
                path="/org/freedesktop/Notifications",
                interface="org.freedesktop.Notifications",
                member=member,
                signature=signature,
                body=body or [],
            )
        )
    finally:
        bus.disconnect()
        with contextlib.suppress(Exception):  # its socket closed now, not when collected
            await asyncio.wait_for(bus.wait_for_disconnect(), 1)


async def _server_capabilities() -> list[str]:
    """The notification server's GetCapabilities answer (desktop-notifier keeps the one this
    needs, ``body-markup``, to itself). Raises ConnectionError when no server answers."""
    from dbus_fast import MessageType

    reply = await _call_server("GetCapabilities")
    if reply is not None and reply.message_type == MessageType.ERROR:
        # nobody serves notifications on this bus (desktop-notifier would only log each
        # message it then fails to send): the caller falls back to the balloon
        raise ConnectionError(f"no notification server ({reply.error_name})")
    if reply is None or reply.message_type != MessageType.METHOD_RETURN or not reply.body:
        return []
    return list(reply.body[0])
