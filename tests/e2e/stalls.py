"""The pieces for measuring, from outside, whether the tray app waits on its team database:
the real app in its own process on a private desktop (tests/e2e/desktop.py, ``sni`` mode), its
team database on a PostgreSQL cluster reached through a relay (tests/relay.py) that can delay
or hold the traffic, its dashboard pinged by tests/uistall.py, and its tray read over D-Bus.

The tray is read as the panel reads it: the app's StatusNotifierItem on the session bus, found
through the ``org.kde.StatusNotifierWatcher`` the panel runs; its ``ToolTip`` gives the words and
its ``IconPixmap`` the colour (the state colours of tests/e2e/test_desktop.py). Qt answers those
property reads on the UI thread, so a stalled app gives no reading (``None``) until it moves.

Used by tests/e2e/test_never_waits.py and tests/bench/ui_stall.py; each scenario (a hang, a
restart, slow rounds) returns an :class:`Outcome` the test checks and the benchmark prints.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

from jeepney import DBusAddress, DBusErrorResponse, new_method_call
from jeepney.io.blocking import open_dbus_connection
from Xlib import X, display
from Xlib.protocol import event as xevent

from ..pause import stopped
from ..postgres import PostgresServer
from ..relay import Relay
from ..uistall import PingMonitor, find_window
from .desktop import Desktop

DASHBOARD = " — Dashboard — djamon-desktop"  # after the state in words
UNREACHABLE = "database unreachable"
STATE_RGB = {  # as tests/e2e/test_desktop.py reads a screenshot
    "up": (46, 160, 67),
    "warning": (230, 162, 20),
    "down": (207, 34, 46),
    "idle": (128, 128, 128),
}
STALL_LIMIT = 0.1  # docs/contract.md: windows answer _NET_WM_PING within 100 ms at all times
GREY_WITHIN = 15.0  # ... the tray grey with "database unreachable" within 15 s of a hang
BACK_WITHIN = 5.0  # ... and showing the real state within 5 s of the database answering
READ_TIMEOUT = 1.0  # a tray reading the app does not answer within this is "no answer"


# -- the tray, read over D-Bus ---------------------------------------------------------------


@dataclass(frozen=True)
class Seen:
    state: str | None  # up / warning / down / idle (grey), from the icon's colour
    tooltip: str

    @property
    def unreachable(self) -> bool:
        return self.state == "idle" and UNREACHABLE in self.tooltip.lower()

    @property
    def real(self) -> bool:
        """Showing the sites' state, not the database's absence."""
        return self.state in ("up", "warning", "down") and UNREACHABLE not in self.tooltip.lower()

    def __str__(self) -> str:
        return f"{self.state}: {self.tooltip!r}"


def icon_state(pixmaps: list) -> str | None:
    """The state colour most of the largest pixmap's opaque pixels have (ARGB32, big-endian)."""
    if not pixmaps:
        return None
    width, height, data = max(pixmaps, key=lambda p: p[0] * p[1])
    counts: Counter = Counter()
    for i in range(0, min(len(data), 4 * width * height), 4):
        a, r, g, b = data[i], data[i + 1], data[i + 2], data[i + 3]
        if a < 200:
            continue
        for state, rgb in STATE_RGB.items():
            if all(abs(x - y) < 25 for x, y in zip((r, g, b), rgb, strict=True)):
                counts[state] += 1
    if not counts:
        return None
    state, n = counts.most_common(1)[0]
    return state if n >= 8 else None


class SniTray:
    """The app's StatusNotifierItem, read on the desktop's session bus."""

    def __init__(self, bus_address: str) -> None:
        self._conn = open_dbus_connection(bus=bus_address)

    def close(self) -> None:
        self._conn.close()

    def _get(self, bus: str, path: str, interface: str, names: list[str], timeout: float):
        address = DBusAddress(path, bus_name=bus, interface="org.freedesktop.DBus.Properties")
        reply = self._conn.send_and_get_reply(
            new_method_call(address, "GetAll", "s", (interface,)), timeout=timeout
        )
        values = reply.body[0]
        return [values[name][1] for name in names]

    def read(self, timeout: float = READ_TIMEOUT) -> Seen | None:
        """What the tray shows now; None when no item is registered or the app does not answer
        within ``timeout`` s."""
        try:
            (items,) = self._get(
                "org.kde.StatusNotifierWatcher",
                "/StatusNotifierWatcher",
                "org.kde.StatusNotifierWatcher",
                ["RegisteredStatusNotifierItems"],
                timeout,
            )
            if not items:
                return None
            bus, path = items[-1].split("/", 1)
            tooltip, pixmaps = self._get(
                bus, "/" + path, "org.kde.StatusNotifierItem", ["ToolTip", "IconPixmap"], timeout
            )
        except (TimeoutError, DBusErrorResponse):  # no answer in time; the item went away
            return None
        _icon, _images, title, description = tooltip
        return Seen(icon_state(pixmaps), " ".join(t for t in (title, description) if t))


# -- the app on its desktop ------------------------------------------------------------------


def sites_document(http_server, name: str) -> dict:
    """Two loopback sites, both up; the connectivity guard asks a loopback URL (nothing leaves
    the machine); a round every minute."""
    return {
        "format": "djamon-desktop/1",
        "settings": {
            "sandbox_urls": [http_server.url("/status/200")],
            "schedule": ["* * * * *"],
        },
        "groups": [
            {
                "title": "Production",
                "sites": [
                    {"title": "Payments", "url": http_server.url(f"/switch/{name}")},
                    {"title": "Blog", "url": http_server.url("/status/200"), "priority": "low"},
                ],
            }
        ],
    }


class Rig:
    """One app on one private desktop, its team database (a fresh database on ``cluster``)
    through a relay with ``delay`` seconds each way."""

    def __init__(self, cluster: PostgresServer, http_server, folder: Path, delay: float = 0.0):
        self.cluster = cluster
        self.http_server = http_server
        self.folder = folder
        self.delay = delay
        self.sites = 2
        self.desktop: Desktop | None = None
        self.relay: Relay | None = None
        self.app: subprocess.Popen | None = None
        self.monitor: PingMonitor | None = None
        self.tray: SniTray | None = None

    # -- life --------------------------------------------------------------------------------

    def start(self, name: str = "stall") -> Rig:
        self.folder.mkdir(parents=True, exist_ok=True)
        self.direct_url = self.cluster.fresh_database()
        self.dbname = self.direct_url.rsplit("/", 1)[1]
        self.relay = Relay(self.cluster.port, delay=self.delay).start()
        self.url = self.relay.url(self.direct_url)
        self.desktop = Desktop("sni").start()
        env = {
            **self.desktop.env,
            "DJAMON_DATABASE_URL": self.url,
            "DJAMON_VANTAGE": "desk",
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
        }
        env.pop("PYTHON_KEYRING_BACKEND", None)
        self.env = env
        doc = self.folder / "sites.json"
        doc.write_text(json.dumps(sites_document(self.http_server, name)))
        done = self.cli("import", str(doc), env={**env, "DJAMON_DATABASE_URL": self.direct_url})
        assert done.returncode == 0, done.stderr
        self._out = open(self.folder / "app.out", "w")  # noqa: SIM115 - closed in close()
        self._err = open(self.folder / "app.err", "w")  # noqa: SIM115
        self.app = subprocess.Popen(self.launch_argv(), env=env, stdout=self._out, stderr=self._err)
        self.tray = SniTray(env["DBUS_SESSION_BUS_ADDRESS"])
        self.wait_tray(lambda s: s.state == "up", 60, "a green tray after the first round")
        launched = self.second_launch()
        assert launched.returncode == 0, launched.stderr
        self.window = find_window(
            self.desktop.env["DISPLAY"], title_end=DASHBOARD, pid=self.app.pid, timeout=20
        )
        self.monitor = PingMonitor(self.desktop.env["DISPLAY"], self.window).start()
        self.monitor.wait_answered()
        return self

    def close(self) -> tuple[int | None, str]:
        """Quit the app (SIGTERM; killed if it has not ended within 15 s) and stop the rest;
        the app's exit code (None: killed) and its stderr."""
        code = None
        if self.monitor is not None:
            self.monitor.stop()
        if self.relay is not None:
            self.relay.release()
        if self.app is not None:
            self.app.send_signal(signal.SIGTERM)
            try:
                code = self.app.wait(15)
            except subprocess.TimeoutExpired:
                self.app.kill()
                self.app.wait()
            self._out.close()
            self._err.close()
        if self.tray is not None:
            self.tray.close()
        if self.desktop is not None:
            self.desktop.close()
        if self.relay is not None:
            self.relay.stop()
        with suppress(Exception):
            self.cluster.drop_database(self.direct_url)
        err = (self.folder / "app.err").read_text() if (self.folder / "app.err").exists() else ""
        return code, err

    def __enter__(self) -> Rig:
        try:
            return self.start()
        except BaseException:
            self.close()
            raise

    def __exit__(self, *exc) -> None:
        self.close()

    # -- doing -------------------------------------------------------------------------------

    def cli(self, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(self.folder / "data"),
             *args],
            env=env or self.env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip

    def launch_argv(self) -> list[str]:
        return [sys.executable, "-m", "djamon_desktop", "--data-dir", str(self.folder / "data")]

    def second_launch(self, timeout: float = 60) -> subprocess.CompletedProcess:
        """The app started again on the same data folder: it asks the first to bring its
        dashboard forward, then exits."""
        return subprocess.run(
            self.launch_argv(), env=self.env, capture_output=True, text=True, timeout=timeout
        )

    def press(self, key: str) -> None:
        """A key pressed on the dashboard, as a user does it (focus, then the keyboard)."""
        self.desktop.xdotool("windowfocus", "--sync", str(self.window))
        self.desktop.xdotool("key", "--clearmodifiers", key)

    def check_now(self) -> None:
        """Check now, as a user asks for it: F5 (Refresh) on the dashboard."""
        self.press("F5")

    def open_outages(self) -> None:
        """The Outages window, from the dashboard (Monitor > Outages…, Ctrl+O)."""
        self.press("ctrl+o")

    def close_dashboard(self) -> None:
        """WM_DELETE_WINDOW to the dashboard, as a window manager's close button sends it."""
        d = display.Display(self.desktop.env["DISPLAY"])
        try:
            window = d.create_resource_object("window", self.window)
            message = xevent.ClientMessage(
                window=window,
                client_type=d.intern_atom("WM_PROTOCOLS"),
                data=(32, [d.intern_atom("WM_DELETE_WINDOW"), X.CurrentTime, 0, 0, 0]),
            )
            window.send_event(message, event_mask=0)
            d.sync()
        finally:
            d.close()

    def dashboard_on_screen(self) -> int | None:
        """The dashboard's window while it is mapped (it may be a new window each time)."""
        found = self.desktop.xdotool("search", "--onlyvisible", "--name", f"{DASHBOARD}$")
        return int(found.splitlines()[0]) if found else None

    def checks_stored(self) -> int:
        """Checks stored in the team database (asked of the server directly, not through the
        relay)."""
        return int(self.cluster.sql('SELECT count(*) FROM "check"', self.dbname))

    # -- seeing ------------------------------------------------------------------------------

    def read_tray(self) -> Seen | None:
        return self.tray.read()

    def wait_tray(
        self, wanted: Callable[[Seen], bool], timeout: float, what: str
    ) -> tuple[float, Seen]:
        """Seconds until the tray shows what ``wanted`` accepts, and that reading."""
        start = time.monotonic()
        last = None
        while time.monotonic() - start < timeout:
            seen = self.read_tray()
            if seen is not None:
                last = seen
                if wanted(seen):
                    return time.monotonic() - start, seen
            time.sleep(0.2)
        raise AssertionError(f"{what}: not within {timeout:g} s (last seen: {last})")


# -- the scenarios ---------------------------------------------------------------------------


@dataclass
class Outcome:
    what: str
    longest_stall: float = 0.0  # s, of the pings sent during the scenario
    stalls: str = ""  # the ping monitor's summary
    grey_after: float | None = None  # s from the hang's start to grey + "database unreachable"
    back_after: float | None = None  # s from the database answering to the real state
    left_grey: list[str] = field(default_factory=list)  # readings not grey while it was down
    unanswered_reads: int = 0  # tray readings the app did not answer within READ_TIMEOUT
    extra: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)  # what else went wrong

    def problems(self, grey: bool = True) -> list[str]:
        found = list(self.failures)
        if self.longest_stall > STALL_LIMIT:
            found.append(f"a UI stall of {1000 * self.longest_stall:.0f} ms ({self.stalls})")
        if grey:
            if self.grey_after is None or self.grey_after > GREY_WITHIN:
                found.append(
                    "the tray was not grey with 'database unreachable' within "
                    f"{GREY_WITHIN:g} s of the database going away "
                    f"(seen after: {_s(self.grey_after)})"
                )
            if self.left_grey:
                found.append(f"the tray left grey while the database was away: {self.left_grey}")
            if self.back_after is None or self.back_after > BACK_WITHIN + READ_TIMEOUT:
                found.append(
                    f"the tray did not show the real state within {BACK_WITHIN:g} s of the "
                    f"database answering (seen after: {_s(self.back_after)})"
                )
        return found

    def report(self) -> str:
        parts = [f"{self.what}: longest UI stall {1000 * self.longest_stall:.0f} ms"]
        if self.grey_after is not None or self.back_after is not None or self.left_grey:
            parts.append(f"grey after {_s(self.grey_after)}")
            parts.append(f"real state back after {_s(self.back_after)}")
        if self.unanswered_reads:
            parts.append(f"{self.unanswered_reads} tray readings unanswered")
        parts += [f"{k} {v}" for k, v in self.extra.items()]
        parts += self.failures
        return ", ".join(parts) + f" [{self.stalls}]"


def _finish(outcome: Outcome, monitor: PingMonitor, start: float) -> Outcome:
    outcome.longest_stall = monitor.longest(start)
    outcome.stalls = monitor.summary(start)
    worst = monitor.worst(start)
    if worst is not None and outcome.longest_stall > STALL_LIMIT:
        outcome.stalls += f", the longest from +{worst.sent - start:.1f} s"
    return outcome


def _s(value: float | None) -> str:
    return "never" if value is None else f"{value:.1f} s"


def _watch_while_away(rig: Rig, outcome: Outcome, start: float, until: float) -> None:
    """Read the tray until ``until`` (monotonic): when it first turns grey with 'database
    unreachable' (from ``start``), and any reading after that which is not."""
    while time.monotonic() < until:
        seen = rig.read_tray()
        if seen is None:
            outcome.unanswered_reads += 1
        elif outcome.grey_after is None:
            if seen.unreachable:
                outcome.grey_after = time.monotonic() - start
        elif not seen.unreachable:
            outcome.left_grey.append(f"{time.monotonic() - start:.1f} s: {seen}")
        time.sleep(0.25)


def _wait_back(rig: Rig, outcome: Outcome, answering: float, timeout: float) -> None:
    while time.monotonic() - answering < timeout:
        seen = rig.read_tray()
        if seen is None:
            outcome.unanswered_reads += 1
        elif seen.real:
            outcome.back_after = time.monotonic() - answering
            return
        time.sleep(0.2)


def hang(rig: Rig, how: str, seconds: float = 40.0) -> Outcome:
    """The database hung for ``seconds``: ``relay`` (a connection that stops moving data
    without closing) or ``sigstop`` (the server's processes stopped). A user at the dashboard
    meanwhile opens the Outages window (1 s in), presses Check now (2 s in) and again once the
    tray is grey (20 s in). Then it answers again, and the tray should show the real state."""
    outcome = Outcome(f"hang ({how}, {seconds:g} s)")
    monitor = rig.monitor
    start = time.monotonic()
    with _hung(rig, how):
        time.sleep(1)
        rig.open_outages()
        time.sleep(1)
        rig.check_now()
        _watch_while_away(rig, outcome, start, start + 20)
        rig.check_now()
        _watch_while_away(rig, outcome, start, start + seconds)
        outcome.extra["hung for"] = f"{time.monotonic() - start:.1f} s"
    answering = time.monotonic()
    _wait_back(rig, outcome, answering, BACK_WITHIN + 10)
    time.sleep(0.5)
    return _finish(outcome, monitor, start)


@contextmanager
def _hung(rig: Rig, how: str) -> Iterator[None]:
    if how == "relay":
        rig.relay.hold()
        try:
            yield
        finally:
            rig.relay.release()
    elif how == "sigstop":
        with stopped(rig.cluster):
            yield
    else:
        raise ValueError(how)


def restart(rig: Rig, down_at_least: float = 3.0, down_at_most: float = GREY_WITHIN) -> Outcome:
    """The server stopped (pg_ctl stop, fast: connections closed) between rounds, kept down
    until the tray is grey (at least ``down_at_least`` s, at most ``down_at_most``), started
    again."""
    outcome = Outcome("restart")
    monitor = rig.monitor
    start = time.monotonic()
    rig.cluster.stop("fast")
    try:
        while time.monotonic() - start < down_at_most:
            _watch_while_away(rig, outcome, start, time.monotonic() + 0.3)
            if outcome.grey_after is not None and time.monotonic() - start >= down_at_least:
                break
        outcome.extra["down for"] = f"{time.monotonic() - start:.1f} s"
    finally:
        rig.cluster.start()
    answering = time.monotonic()
    _wait_back(rig, outcome, answering, BACK_WITHIN + 10)
    time.sleep(0.5)
    return _finish(outcome, monitor, start)


def slow_rounds(rig: Rig, rounds: int = 2, timeout: float = 30.0) -> Outcome:
    """``rounds`` rounds asked for with Check now, each waited for (its checks stored in the
    team database; Check now pressed again every 10 s until they are, as a round still at its
    end refuses another), at the relay's delay."""
    outcome = Outcome(f"{rounds} rounds at {2000 * rig.delay:.0f} ms a round trip")
    monitor = rig.monitor
    start = time.monotonic()
    took = []
    for n in range(1, rounds + 1):
        before = rig.checks_stored()
        asked = pressed = time.monotonic()
        rig.check_now()
        while rig.checks_stored() < before + rig.sites:
            if time.monotonic() - asked > timeout:
                outcome.failures.append(
                    f"round {n}, asked for with Check now, was not stored within {timeout:g} s"
                )
                break
            if time.monotonic() - pressed > 10:  # (the last round still at its end)
                pressed = time.monotonic()
                rig.check_now()
            time.sleep(0.2)
        else:
            took.append(time.monotonic() - asked)
            time.sleep(3)  # the round's end, and what follows it on screen
            continue
        break
    outcome.extra["rounds stored after"] = " / ".join(f"{t:.1f} s" for t in took)
    return _finish(outcome, monitor, start)
