"""Benchmark: the tray app's memory with 206 sites, idle and after every window was opened and
closed, on two private desktops (tests/e2e/desktop.py), side by side:

- ``sni``: a StatusNotifierItem tray (xfce4-panel) with a notification server (dunst);
- ``xembed-bare``: an XEmbed tray (trayer) with a session bus but no notification server (the
  app's bus starts no service on demand: tests/bare_bus.py), so notifications fall back to
  Qt's balloon.

The real app runs in its own process with 206 sites in 8 groups, all on a loopback HTTP server
(one always answers 500, so an outage is open and notified), and its connectivity guard's
sandbox URLs point at the same server before its first round: nothing leaves this machine.
Windows are opened and closed by real key presses (xdotool) and a second launch ("show"): the
dashboard, a site's window, the outages list, an outage's window, Settings, About, README (a
browser that is a no-op), File > Import and File > Export (their file dialogs, cancelled).
The keyring is keyring's "fail" backend (a keyring daemon's password prompt would take the
keyboard). Each figure is read from /proc: RSS (VmRSS of /proc/PID/status) and PSS
(/proc/PID/smaps_rollup), in MiB, 3 s after the last step (a round ran meanwhile). The goal:
RSS <= 120 MiB after every window was opened and closed.

    .venv/bin/python tests/bench/memory.py [--sites 206] [--modes sni xembed-bare] [--cycles 2]

Run it from the checkout whose app is measured: ``python -m djamon_desktop`` imports from the
working folder first. PSS shares each library among the processes mapping it, so it moves
with whatever else runs; RSS is the figure the goal is about.
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests/
from tests.bare_bus import start_bare_bus  # noqa: E402
from tests.e2e.desktop import Desktop, missing_tools  # noqa: E402
from tests.servers import MisbehavingServer  # noqa: E402

GOAL_MIB = 120
SUFFIX = " — djamon-desktop$"


def memory_mib(pid: int) -> tuple[float, float | None]:
    """RSS and PSS (None where the kernel has no smaps_rollup) of ``pid``, in MiB."""
    rss = pss = None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            rss = int(line.split()[1]) / 1024
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    assert rss is not None
    return rss, pss


def document(server: MisbehavingServer, count: int) -> dict:
    """``count`` sites in groups of 26; the very first one always fails (an outage)."""
    groups = []
    for g in range(0, count, 26):
        sites = [
            {
                "title": f"Site {n:03d}",
                "url": server.url("/status/500" if n == 0 else f"/status/200?site={n}"),
                "priority": "critical" if n == 0 else "normal",
            }
            for n in range(g, min(g + 26, count))
        ]
        groups.append({"title": f"Group {g // 26 + 1}", "sites": sites})
    settings = {"sandbox_urls": [server.url("/status/200?sandbox")], "strikes": 1}
    return {"format": "djamon-desktop/1", "settings": settings, "groups": groups}


class Run:
    """One app on one desktop, driven by key presses."""

    def __init__(self, desktop: Desktop, data_dir: Path, env: dict[str, str]) -> None:
        self.desktop, self.data_dir, self.env = desktop, data_dir, env
        self.missed: list[str] = []
        self.app: subprocess.Popen | None = None

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        argv = [sys.executable, "-m", "djamon_desktop", "--data-dir", str(self.data_dir), *args]
        return subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=60)

    def start(self) -> None:
        argv = [sys.executable, "-m", "djamon_desktop", "--data-dir", str(self.data_dir)]
        self.app = subprocess.Popen(
            argv, env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
        )

    def window(self, title: str, timeout: float = 10) -> str | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.desktop.xdotool("search", "--onlyvisible", "--name", title)
            if found:
                return found.splitlines()[-1]
            time.sleep(0.2)
        self.missed.append(title)
        return None

    def gone(self, title: str, timeout: float = 5) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.desktop.xdotool("search", "--onlyvisible", "--name", title):
                return
            time.sleep(0.2)
        self.missed.append(f"{title} (still open)")

    def keys(self, window: str, *keys: str) -> None:
        self.desktop.xdotool("windowfocus", "--sync", window)
        for key in keys:
            self.desktop.xdotool("key", "--clearmodifiers", key)
            time.sleep(0.3)

    def open_close(self, dashboard: str, keys: tuple[str, ...], title: str, close: str) -> None:
        """Press ``keys`` on the dashboard, wait for ``title``, close it with ``close``."""
        self.keys(dashboard, *keys)
        found = self.window(title)
        if found is not None:
            time.sleep(1)  # filled by the next picture
            self.keys(found, close)
            self.gone(title)

    def every_window(self) -> None:
        """Every window the app has, opened and closed."""
        shown = self.cli()  # a second launch brings the dashboard forward
        assert shown.returncode == 0, shown.stderr
        dash_title = "^Dashboard" + SUFFIX
        dashboard = self.window(dash_title)
        if dashboard is None:
            return
        time.sleep(1.5)
        # a site's window: the first row is a group, the next one its first site
        self.open_close(
            dashboard,
            ("ctrl+f", "Escape", "Home", "Down", "Return"),
            "^Site 00[0-9]" + SUFFIX,
            "ctrl+w",
        )
        self.open_close(dashboard, ("ctrl+o",), "^Outages" + SUFFIX, "ctrl+w")
        # an outage's window: the outages list's first row, activated
        self.keys(dashboard, "ctrl+o")
        outages = self.window("^Outages" + SUFFIX)
        if outages is not None:
            time.sleep(1.5)
            self.keys(outages, "Tab", "Home", "Return")
            outage = self.window("^Outage [A-Za-z0-9-]+" + SUFFIX)
            if outage is not None:
                time.sleep(1)
                self.keys(outage, "ctrl+w")
            self.keys(outages, "ctrl+w")
        self.open_close(dashboard, ("ctrl+comma",), "^Settings" + SUFFIX, "ctrl+w")
        self.open_close(dashboard, ("alt+h", "a"), "^About", "Escape")
        self.keys(dashboard, "alt+h", "r")  # the README, in a browser that is not there
        self.open_close(dashboard, ("ctrl+i",), "Import", "Escape")
        self.open_close(dashboard, ("ctrl+e",), "Export", "Escape")
        self.keys(dashboard, "ctrl+w")
        self.gone(dash_title)

    def stop(self) -> str:
        assert self.app is not None
        self.app.send_signal(signal.SIGTERM)
        try:
            self.app.wait(15)
        except subprocess.TimeoutExpired:
            self.app.kill()
        return self.app.communicate()[1]


def measure(mode: str, server: MisbehavingServer, sites: int, cycles: int) -> dict[str, object]:
    desktop = Desktop("sni" if mode == "sni" else "xembed").start()
    folder = Path(tempfile.mkdtemp(prefix="djamon-desktop-memory-"))
    try:
        # no keyring daemon's password prompt taking the keyboard; a browser that does nothing
        env = {
            **desktop.env,
            "BROWSER": "true",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        if mode == "xembed-bare":  # a bus, but nobody serves org.freedesktop.Notifications
            env["DBUS_SESSION_BUS_ADDRESS"] = start_bare_bus(desktop.procs, folder)
        run = Run(desktop, folder / "data", env)
        doc = folder / "sites.json"
        doc.write_text(json.dumps(document(server, sites)))
        imported = run.cli("import", str(doc))
        assert imported.returncode == 0, imported.stderr
        run.start()
        assert run.app is not None
        time.sleep(12)  # the first round is done, its outage notified
        figures: dict[str, object] = {"idle": memory_mib(run.app.pid)}
        for cycle in range(1, cycles + 1):
            run.every_window()
            time.sleep(3)
            figures[f"after every window ({cycle})"] = memory_mib(run.app.pid)
        figures["missed"] = run.missed
        err = run.stop()
        figures["traceback"] = "Traceback" in err
        return figures
    finally:
        desktop.close()


def cell(figure: tuple[float, float | None]) -> str:
    rss, pss = figure
    return f"{rss:.1f} / {pss:.1f}" if pss is not None else f"{rss:.1f} / —"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=206)
    parser.add_argument("--modes", nargs="+", default=["sni", "xembed-bare"])
    parser.add_argument("--cycles", type=int, default=2, help="times every window is opened")
    args = parser.parse_args()
    for mode in args.modes:
        missing = missing_tools("sni" if mode == "sni" else "xembed")
        if missing:
            print(f"no {mode} desktop here: missing {', '.join(missing)}")
            return 2
    server = MisbehavingServer().start()
    try:
        results = {mode: measure(mode, server, args.sites, args.cycles) for mode in args.modes}
    finally:
        server.stop()
    rows = [k for k in results[args.modes[0]] if k not in ("missed", "traceback")]
    print(f"\n{args.sites} sites, RSS / PSS in MiB (goal: RSS <= {GOAL_MIB} after every window)")
    print(f"{'':28}" + "".join(f"{mode:>22}" for mode in args.modes))
    for row in rows:
        print(f"{row:28}" + "".join(f"{cell(results[m][row]):>22}" for m in args.modes))
    worst = 0.0
    for mode, figures in results.items():
        if figures["missed"]:
            print(f"{mode}: windows not seen: {', '.join(figures['missed'])}")
        if figures["traceback"]:
            print(f"{mode}: the app wrote a traceback")
        worst = max([worst] + [figures[r][0] for r in rows if r != "idle"])
    print(f"worst after every window: {worst:.1f} MiB RSS")
    return 0 if worst <= GOAL_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
