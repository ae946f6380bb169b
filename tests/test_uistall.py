"""The UI stall instrument (tests/uistall.py) on a real X server: a small PySide6 window in a
process of its own blocks its UI thread for 400 ms when a file appears; the pings measure that
block, and next to nothing while the window is idle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import time

import pytest

from .processes import start_xvfb, stop_all, wait_until
from .uistall import PingMonitor, find_window, windows

pytestmark = pytest.mark.skipif(shutil.which("Xvfb") is None, reason="no Xvfb here")

TITLE = "Stall probe — tests"

# Blocks its UI thread for the milliseconds written in a file named 'block' in its folder,
# once per file (it removes it first); writes 'blocked' once a block is over.
PROBE = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QLabel

    folder = Path(sys.argv[1])
    app = QApplication([])
    label = QLabel("idle")
    label.setWindowTitle(sys.argv[2])
    label.resize(300, 100)
    label.show()

    def look():
        order = folder / "block"
        if order.exists():
            ms = int(order.read_text())
            order.unlink()
            time.sleep(ms / 1000)  # the UI thread does nothing else meanwhile
            (folder / "blocked").write_text(str(ms))

    timer = QTimer()
    timer.timeout.connect(look)
    timer.start(20)
    app.exec()
    """
)


@pytest.fixture
def probe(tmp_path):
    procs: list[subprocess.Popen] = []
    display = start_xvfb(procs, "800x600x24")
    (tmp_path / "probe.py").write_text(PROBE)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "NO_AT_BRIDGE": "1"}
    app = subprocess.Popen(
        [sys.executable, str(tmp_path / "probe.py"), str(tmp_path), TITLE], env=env
    )
    procs.append(app)
    try:
        window = find_window(display, title=TITLE, pid=app.pid, timeout=20)
        yield display, window, tmp_path
    finally:
        stop_all(procs, 5)


def block(folder, ms: int) -> None:
    (folder / "block.tmp").write_text(str(ms))
    (folder / "block.tmp").rename(folder / "block")
    wait_until(lambda: (folder / "blocked").exists(), 10, "the probe's block")
    (folder / "blocked").unlink()


def test_the_window_is_found_by_title_pid_and_class(probe):
    display, window, _ = probe
    about = dict(windows(display))[window]
    assert about["title"] == TITLE and about["pings"]
    assert find_window(display, wm_class=about["class"][-1], pid=about["pid"]) == window
    with pytest.raises(TimeoutError):
        find_window(display, title="No such window", timeout=0.3)


def test_an_idle_window_answers_within_100_ms(probe):
    display, window, _ = probe
    with PingMonitor(display, window) as monitor:
        monitor.wait_answered()
        since = time.monotonic()
        time.sleep(2)
        longest = monitor.longest(since)
        print("idle:", monitor.summary(since))
    assert monitor.answered(since) >= 30  # a ping every 30 ms, nearly all answered
    # idle: slack for a loaded machine, still short of the 400 ms block the next test tells
    assert longest < 0.25


def test_a_400_ms_block_is_measured(probe):
    display, window, folder = probe
    with PingMonitor(display, window) as monitor:
        monitor.wait_answered()
        since = time.monotonic()
        block(folder, 400)
        time.sleep(0.3)
        longest = monitor.longest(since)
        print("400 ms block:", monitor.summary(since))
        # the block, and slack for a loaded machine short of another block's length
        assert 0.35 <= longest < 0.8
        # the block over, the window answers at once again (idle's bound)
        after = time.monotonic()
        time.sleep(0.5)
        assert monitor.longest(after) < 0.25


def test_a_ping_still_unanswered_counts_as_stalled(probe):
    display, window, folder = probe
    with PingMonitor(display, window) as monitor:
        monitor.wait_answered()
        since = time.monotonic()
        (folder / "block").write_text("1500")
        time.sleep(0.8)  # in the middle of the block: nothing answered yet
        assert monitor.longest(since) >= 0.5
        wait_until(lambda: (folder / "blocked").exists(), 10, "the probe's block")
        time.sleep(0.1)
        assert 1.4 <= monitor.longest(since) < 2.2  # the block, slack for a loaded machine


def test_paused_no_pings_and_a_window_given_up_is_not_counted(probe):
    display, window, folder = probe
    with PingMonitor(display, window) as monitor:
        monitor.wait_answered()
        (folder / "block").write_text("600")
        time.sleep(0.2)  # pings to the blocked window outstanding...
        monitor.pause()
        sent = len(monitor.pings)
        time.sleep(0.3)
        assert len(monitor.pings) == sent  # none while paused
        monitor.retarget(window + 1)  # ...given up with the window (any other id will do)
        monitor.pause()
        assert monitor.longest() < 0.25  # idle's bound: the 600 ms block is not counted
        monitor.retarget(window)
        wait_until(lambda: (folder / "blocked").exists(), 10, "the probe's block")
        since = time.monotonic()
        time.sleep(0.5)
        assert monitor.answered(since) >= 10
