"""Waking from sleep: logind's ``PrepareForSleep(false)`` brings a round within seconds.

logind (``org.freedesktop.login1``) says ``PrepareForSleep(true)`` on the system bus just before
the machine sleeps and ``PrepareForSleep(false)`` as soon as it is back. Without it the poller
only learns of a sleep when its timer next fires (Qt's timers stand still while the machine
sleeps, so that is up to a minute after waking) and finds the wall clock past the round's time;
that stays as it is, for systems with no system bus or no logind.

The bus is read with dbus-fast (the library desktop-notifier already brings, used the same way in
``gui.notify``) on an asyncio loop of its own thread: a signal handler there needs no Qt, and no
call to the bus can ever wait on the UI thread. Qt's own D-Bus module would have to be reached
through PySide's string-named slots for a signal of another process, and would connect the system
bus on the UI thread. Each wake crosses to the UI thread as a queued Qt signal.

The round waits :data:`WAKE_DELAY_MS` after the signal: logind says it the moment the kernel is
back, before a wired link or Wi-Fi has had any time; a second lets a wired link and the resolver
settle without risking the promise of a round within 5 s. A network not back yet is the round's
connectivity guard's to say (no site is blamed); Wi-Fi can take ten seconds and more to come back,
so while the rounds after waking find no connection, another comes every :data:`AGAIN_MS` for
:data:`AGAIN_FOR_S`, rather than the tray staying grey until the schedule's next round.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)

WAKE_DELAY_MS = 1000
AGAIN_MS = 10_000  # after waking, a round that found no connection: the next one this soon
AGAIN_FOR_S = 120  # ... while waking is this recent
LOGIN1 = "org.freedesktop.login1"
MANAGER = "org.freedesktop.login1.Manager"
PATH = "/org/freedesktop/login1"
SYSTEM_BUS = "unix:path=/run/dbus/system_bus_socket"  # when DBUS_SYSTEM_BUS_ADDRESS is not set
MATCH = (
    f"type='signal',sender='{LOGIN1}',interface='{MANAGER}',path='{PATH}',member='PrepareForSleep'"
)

__all__ = ["SleepWatch", "system_bus_address"]


def system_bus_address() -> str:
    """The system bus as D-Bus clients find it: ``DBUS_SYSTEM_BUS_ADDRESS``, else the usual
    socket."""
    return os.environ.get("DBUS_SYSTEM_BUS_ADDRESS") or SYSTEM_BUS


class SleepWatch(QObject):
    """Listens for logind's sleep signal; ``sleeping(bool)`` as it says it (True: going to
    sleep, False: awake again), on the UI thread. ``is_listening`` once the bus routes the
    signal here (the tests wait for it). No system bus, no logind, no dbus-fast: it says
    nothing, and the poller's wall-clock check is all there is."""

    sleeping = Signal(bool)

    def __init__(self, address: str | None = None) -> None:
        super().__init__()
        self._address = address or system_bus_address()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._bus = None
        self.is_listening = False

    def start(self) -> None:
        if self._thread is not None:
            return
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="djamon-sleep", daemon=True)
        self._thread.start()

    def stop(self, wait_s: float = 2) -> None:
        """Hang up and end the thread (quit)."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop ended already (no bus)
            loop.call_soon_threadsafe(self._hang_up)
        thread.join(wait_s)

    def _run(self) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            loop.run_until_complete(self._listen())
        except asyncio.CancelledError:  # stopped before the bus answered
            pass
        except Exception as exc:  # no system bus, refused, or it went away: the clock decides
            log.info("not listening for sleep on the system bus (%s: %s)", type(exc).__name__, exc)
        finally:
            loop.close()

    async def _listen(self) -> None:
        from dbus_fast import Message, MessageType
        from dbus_fast.aio import MessageBus

        bus = MessageBus(bus_address=self._address)
        await asyncio.wait_for(bus.connect(), 10)
        self._bus = bus
        bus.add_message_handler(self._message)
        add_match = Message(
            destination="org.freedesktop.DBus",
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
            member="AddMatch",
            signature="s",
            body=[MATCH],
        )
        reply = await asyncio.wait_for(bus.call(add_match), 10)
        if reply is None or reply.message_type == MessageType.ERROR:
            raise ConnectionError(f"the bus refused the match ({reply and reply.error_name})")
        self.is_listening = True
        try:
            await bus.wait_for_disconnect()
        finally:
            self.is_listening = False

    def _message(self, message) -> None:
        """Every message the bus hands this connection (on the loop's thread); only logind's
        signal counts: the match asks the bus for it from logind's own name alone."""
        if (
            message.member == "PrepareForSleep"
            and message.interface == MANAGER
            and message.path == PATH
            and message.signature == "b"
        ):
            self.sleeping.emit(bool(message.body[0]))  # queued to the UI thread
        return None

    def _hang_up(self) -> None:
        if self._bus is not None:
            self._bus.disconnect()  # wait_for_disconnect returns: _listen and the loop end
        else:
            for task in asyncio.all_tasks(self._loop):
                task.cancel()


class Waking(QObject):
    """Wires a :class:`SleepWatch` to the poller: on waking, one whole round after
    :data:`WAKE_DELAY_MS` (none if a whole round started meanwhile: ``Poller.woke``), and
    again every ``again_ms`` while those rounds find no connection."""

    def __init__(self, poller, watch: SleepWatch | None = None) -> None:
        super().__init__()
        self.poller = poller
        self.watch = watch or SleepWatch()
        self.watch.setParent(self)
        self._rounds = 0
        self._woke: float | None = None  # when (time.monotonic()) the machine last woke
        self._stopped = False
        self.again_ms = AGAIN_MS
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(lambda: self.poller.woke(self._rounds))
        self.watch.sleeping.connect(self._sleeping)
        poller.round_finished.connect(self._round_finished)

    def start(self) -> None:
        self.watch.start()

    def stop(self) -> None:
        self._stopped = True
        self._timer.stop()
        self.watch.stop()

    def _sleeping(self, going: bool) -> None:
        self._timer.stop()
        self._woke = None
        if going or self._stopped:
            return
        log.info("woke from sleep: a round in %d ms", WAKE_DELAY_MS)
        self._woke = time.monotonic()
        self._rounds = self.poller.rounds
        self._timer.start(WAKE_DELAY_MS)

    def _round_finished(self, report, _deliveries) -> None:
        """After waking: a round that found no connection is followed by another soon."""
        if self._woke is None or self._stopped or self._timer.isActive():
            return
        if getattr(report, "connectivity", True) or time.monotonic() - self._woke > AGAIN_FOR_S:
            self._woke = None  # the connection is back (or waking is long past): the schedule's
            return
        self._rounds = self.poller.rounds
        self._timer.start(self.again_ms)
