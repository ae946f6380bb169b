"""How long an app's UI thread keeps the window manager waiting, measured from outside the app.

A window that lists ``_NET_WM_PING`` in its ``WM_PROTOCOLS`` promises to answer the EWMH ping:
the window manager sends it a ``WM_PROTOCOLS`` client message carrying ``_NET_WM_PING``, and the
client sends the same message back to the root window as soon as its event loop gets to it
(Qt sends it with the StructureNotify|SubstructureRedirect mask; EWMH says
SubstructureNotify|SubstructureRedirect). Qt answers it in its event loop, on the UI thread,
for every top-level window; a UI thread busy with a query does not answer until the query
ends. That is what a window manager uses to grey out a window as "not responding".

:class:`PingMonitor` plays the window manager's part: its own X connection, a background thread
that pings one window every ``interval`` seconds (each ping numbered in the timestamp field, so
its answer is known) and reads the answers off the root window (it selects StructureNotify and
SubstructureNotify there, which any number of clients may; SubstructureRedirect is the window
manager's alone).
A ping's *stall* is from its sending to its answer; a ping not answered yet counts as stalled
for as long as it is outstanding. :meth:`PingMonitor.longest` is the longest stall of the pings
sent in a span of time.

    monitor = PingMonitor(":5", find_window(":5", title_end="— Dashboard — djamon-desktop")).start()
    ...
    print(monitor.longest())  # seconds
    monitor.stop()
"""

from __future__ import annotations

import select
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from Xlib import X, Xatom, display, error
from Xlib.protocol import event as xevent

INTERVAL = 0.03  # a ping every 30 ms


@dataclass
class Ping:
    number: int
    window: int
    sent: float  # time.monotonic()
    answered: float | None = None
    abandoned: bool = False  # its window was given up (closed) before it answered: not counted

    def stall(self, now: float) -> float:
        return (self.answered if self.answered is not None else now) - self.sent


# -- finding a window ------------------------------------------------------------------------


def _text(d: display.Display, window, name: str) -> str | None:
    atom = d.intern_atom(name)
    prop = window.get_full_property(atom, X.AnyPropertyType)
    if prop is None:
        return None
    value = prop.value
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(d: display.Display, window) -> dict:
    """A window's title, WM_CLASS, _NET_WM_PID and whether it answers pings (None: it's gone)."""
    try:
        title = _text(d, window, "_NET_WM_NAME") or _text(d, window, "WM_NAME")
        wm_class = window.get_wm_class()
        pid_prop = window.get_full_property(d.intern_atom("_NET_WM_PID"), Xatom.CARDINAL)
        protocols = window.get_wm_protocols() or ()
    except (error.BadWindow, error.BadDrawable):
        return {}
    return {
        "title": title,
        "class": tuple(wm_class) if wm_class else (),
        "pid": int(pid_prop.value[0]) if pid_prop and len(pid_prop.value) else None,
        "pings": d.intern_atom("_NET_WM_PING") in protocols,
    }


def windows(display_name: str) -> list[tuple[int, dict]]:
    """Every window on the display (the whole tree below the root), with what _describe says,
    those that answer pings first."""
    d = display.Display(display_name)
    try:
        found = []
        todo = [d.screen().root]
        while todo:
            window = todo.pop()
            try:
                todo.extend(window.query_tree().children)
            except error.BadWindow:
                continue
            about = _describe(d, window)
            if about:
                found.append((window.id, about))
        return sorted(found, key=lambda item: not item[1]["pings"])
    finally:
        d.close()


def find_window(
    display_name: str,
    title: str | None = None,
    pid: int | None = None,
    wm_class: str | None = None,
    timeout: float = 10.0,
    title_end: str | None = None,
) -> int:
    """The id of a window that answers pings and matches all that is given: its exact ``title``
    (or the end of it, ``title_end``: the dashboard's begins with the state), its
    ``_NET_WM_PID``, a ``WM_CLASS`` part (instance or class). Waits up to ``timeout`` s for it
    to appear; TimeoutError naming what was looked for."""

    def match(about: dict) -> bool:
        return (
            about["pings"]
            and (title is None or about["title"] == title)
            and (title_end is None or about["title"].endswith(title_end))
            and (pid is None or about["pid"] == pid)
            and (wm_class is None or wm_class in about["class"])
        )

    deadline = time.monotonic() + timeout
    while True:
        for window, about in windows(display_name):
            if match(about):
                return window
        if time.monotonic() > deadline:
            raise TimeoutError(
                f"no window answering _NET_WM_PING with title={title or title_end!r} pid={pid} "
                f"class={wm_class!r} on {display_name} within {timeout:g} s"
            )
        time.sleep(0.1)


# -- pinging ---------------------------------------------------------------------------------


class PingMonitor:
    """Pings ``window`` on ``display_name`` every ``interval`` s from a thread of its own."""

    def __init__(self, display_name: str, window: int, interval: float = INTERVAL) -> None:
        self.display_name = display_name
        self.window_id = window
        self.interval = interval
        self.pings: list[Ping] = []
        self.errors: list[str] = []  # X errors (the window gone...), as they came
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._paused = False

    # -- control ---------------------------------------------------------------------------------

    def start(self) -> PingMonitor:
        self._d = display.Display(self.display_name)
        self._d.set_error_handler(self._on_error)
        self._root = self._d.screen().root
        self._root.change_attributes(event_mask=X.StructureNotifyMask | X.SubstructureNotifyMask)
        self._protocols = self._d.intern_atom("WM_PROTOCOLS")
        self._ping_atom = self._d.intern_atom("_NET_WM_PING")
        self._window = self._d.create_resource_object("window", self.window_id)
        self._d.sync()
        self._thread = threading.Thread(target=self._run, name="ui-stall-ping", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(5)
        if getattr(self, "_d", None) is not None:
            self._d.close()
            self._d = None

    def __enter__(self) -> PingMonitor:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def pause(self) -> None:
        """No more pings until :meth:`retarget` (before closing the window, say)."""
        with self._lock:
            self._paused = True

    def retarget(self, window: int) -> None:
        """Ping ``window`` from now on (the app's window opened again, say); pings to another
        window still unanswered are given up (not counted)."""
        with self._lock:
            for ping in self.pings:
                if ping.window != window and ping.answered is None:
                    ping.abandoned = True
            self.window_id = window
            self._window = self._d.create_resource_object("window", window)
            self._paused = False

    # -- readings --------------------------------------------------------------------------------

    def _counted(self, since: float | None, until: float | None) -> list[Ping]:
        with self._lock:
            return [
                p
                for p in self.pings
                if not p.abandoned
                and (since is None or p.sent >= since)
                and (until is None or p.sent <= until)
            ]

    def longest(self, since: float | None = None, until: float | None = None) -> float:
        """The longest stall (s) of the pings sent from ``since`` to ``until`` (monotonic
        times; default: all of them); a ping still unanswered counts until now."""
        now = time.monotonic()
        return max((p.stall(now) for p in self._counted(since, until)), default=0.0)

    def worst(self, since: float | None = None) -> Ping | None:
        """The ping with the longest stall sent since ``since``."""
        now = time.monotonic()
        return max(self._counted(since, None), key=lambda p: p.stall(now), default=None)

    def answered(self, since: float | None = None) -> int:
        return sum(p.answered is not None for p in self._counted(since, None))

    def wait_answered(self, count: int = 3, timeout: float = 10.0) -> None:
        """Until ``count`` pings have been answered (the window does answer pings at all)."""
        deadline = time.monotonic() + timeout
        while self.answered() < count:
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"window {self.window_id:#x} answered {self.answered()} of "
                    f"{len(self.pings)} pings within {timeout:g} s (errors: {self.errors[-3:]})"
                )
            time.sleep(0.02)

    def summary(self, since: float | None = None, until: float | None = None) -> str:
        now = time.monotonic()
        chosen = self._counted(since, until)
        if not chosen:
            return "no pings"
        stalls = sorted(p.stall(now) for p in chosen)
        unanswered = sum(p.answered is None for p in chosen)
        return (
            f"{len(chosen)} pings, longest stall {1000 * stalls[-1]:.0f} ms, "
            f"median {1000 * stalls[len(stalls) // 2]:.0f} ms, "
            f"{sum(s > 0.1 for s in stalls)} over 100 ms, {unanswered} unanswered"
        )

    # -- the thread ------------------------------------------------------------------------------

    def _on_error(self, err, *_args) -> None:
        self.errors.append(str(err))

    def _send(self) -> None:
        with self._lock:
            if self._paused:
                return
            number = len(self.pings) + 1
            window = self._window
            self.pings.append(Ping(number, window.id, time.monotonic()))
        message = xevent.ClientMessage(
            window=window,
            client_type=self._protocols,
            data=(32, [self._ping_atom, number, window.id, 0, 0]),
        )
        window.send_event(message, event_mask=0, onerror=self._on_error)
        self._d.flush()

    def _receive(self, ev) -> None:
        if ev.type != X.ClientMessage or ev.client_type != self._protocols:
            return
        fmt, data = ev.data
        if fmt != 32 or data[0] != self._ping_atom:
            return
        number, now = data[1], time.monotonic()
        with self._lock:
            if 1 <= number <= len(self.pings) and self.pings[number - 1].answered is None:
                self.pings[number - 1].answered = now

    def _run(self) -> None:
        next_ping = time.monotonic()
        fd = self._d.fileno()
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_ping:
                self._send()
                next_ping = max(next_ping + self.interval, now)
            while self._d.pending_events():
                self._receive(self._d.next_event())
            select.select([fd], [], [], max(0.0, min(next_ping - time.monotonic(), 0.01)))
            while self._d.pending_events():
                self._receive(self._d.next_event())


def measure(
    display_name: str, window: int, during: Callable[[], object], interval: float = INTERVAL
) -> tuple[float, object]:
    """The longest stall (s) while ``during()`` runs, and what it returned."""
    with PingMonitor(display_name, window, interval) as monitor:
        monitor.wait_answered()
        since = time.monotonic()
        result = during()
        return monitor.longest(since), result
