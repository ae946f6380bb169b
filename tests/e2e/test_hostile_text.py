"""Text from others on a real desktop: a dashboard full of titles written as markup opens with
the memory of any other (a title ``<img src=/dev/zero>`` once made Qt read /dev/zero until
memory ran out), and the notification that reaches the notification server (dunst, read off
the session bus with dbus-monitor) carries the titles as plain text in its summary and escaped
for the server's markup in its body."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ..conftest import document, group, site
from .desktop import Desktop
from .test_desktop import cli, needs, rss_mib, tray_state, wait_for

ZERO = "<img src=/dev/zero>"
LINK = '<a href="file:///etc/passwd">pw</a>'
DOWN = '<b>down</b> <a href="http://x.example/">more</a> & <img src=file:///etc/passwd>'


def notify_calls(text: str) -> list[list[str]]:
    """The string arguments of every Notify call dbus-monitor printed (a string holding a line
    break goes on over several lines)."""
    calls = []
    for block in re.split(r"^(?=method call |method return |signal |error )", text, flags=re.M):
        if block.startswith("method call") and "member=Notify" in block.splitlines()[0]:
            calls.append(re.findall(r'^\s+string "(.*?)"$', block, flags=re.M | re.S))
    return calls


def probe(env: dict[str, str], code: str) -> list[str]:
    """Run ``code`` with the app's Python on the test desktop; the lines it printed."""
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


@needs("xembed")
@pytest.mark.parametrize("markup", [True, False], ids=["markup-server", "plain-server"])
def test_hostile_titles_show_as_written_and_notify_escaped(server, tmp_path, name, markup):
    desktop = Desktop("xembed", markup=markup).start()
    monitor = app = None
    try:
        env = {**desktop.env}
        env.pop("PYTHON_KEYRING_BACKEND", None)
        data_dir = tmp_path / "app-data"
        server.switch[name] = 200
        sites = [
            site(ZERO, server.url(f"/switch/{name}"), priority="critical", down_message=DOWN),
            site(LINK, server.url("/status/200")),
        ]
        sites += [site(f"<b>{n}</b>", server.url("/status/200")) for n in range(40)]
        doc = tmp_path / "sites.json"
        doc.write_text(json.dumps(document(group("<i>Ops</i>", *sites), strikes=1)))
        assert cli(data_dir, "import", str(doc), env=env).returncode == 0

        log = tmp_path / "notify.txt"
        with log.open("w") as out:
            monitor = subprocess.Popen(
                ["dbus-monitor", "--session", "interface='org.freedesktop.Notifications'"],
                env=env,
                stdout=out,
                stderr=subprocess.DEVNULL,
            )
        app = subprocess.Popen(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert wait_for(lambda: tray_state(desktop, tmp_path) == "up", 20, "a green tray icon")
        before = rss_mib(app.pid)
        assert cli(data_dir, env=env).returncode == 0  # a second launch: the dashboard
        dashboard = wait_for(
            lambda: desktop.xdotool("search", "--name", "^All up — Dashboard — djamon-desktop$"),
            10,
            "the dashboard window",
        ).splitlines()[0]
        desktop.xdotool("windowsize", dashboard, "900", "700")
        time.sleep(2)  # drawn, every row and tooltip made
        after = rss_mib(app.pid)
        print(f"RSS before the dashboard {before:.1f} MiB, with it {after:.1f} MiB")
        assert after - before < 60 and app.poll() is None
        shots = Path(os.environ.get("DJAMON_SHOTS") or tmp_path)
        shots.mkdir(parents=True, exist_ok=True)
        desktop.screenshot(shots / "e2e-hostile-dashboard.png")

        server.switch[name] = 503
        assert cli(data_dir, "check", env=env).returncode == 1
        calls = wait_for(
            lambda: [c for c in notify_calls(log.read_text()) if len(c) >= 4 and "down" in c[3]],
            15,
            "the outage's notification on the bus",
        )
        _app_name, _icon, summary, body = calls[-1][:4]
        assert summary.startswith(f"{ZERO} is down — outage ")  # plain, as the spec has it
        if markup:  # escaped for a server that reads markup in bodies
            assert body.startswith(
                '&lt;b&gt;down&lt;/b&gt; &lt;a href="http://x.example/"&gt;more&lt;/a&gt; '
                "&amp; &lt;img src=file:///etc/passwd&gt;\n"
            )
            assert "<" not in body
        else:  # a server that shows bodies as they are gets the characters as they are
            assert body.startswith(DOWN + "\n")
        time.sleep(1)
        desktop.screenshot(shots / f"e2e-hostile-notification-{desktop.markup}.png")
        assert app.poll() is None
    finally:
        if app is not None:
            app.send_signal(signal.SIGTERM)
            try:
                _, err = app.communicate(timeout=10)
                assert "Traceback" not in err
            except subprocess.TimeoutExpired:
                app.kill()
                app.communicate()
        if monitor is not None:
            monitor.terminate()
            monitor.wait(5)
        desktop.close()


@pytest.mark.parametrize(
    "mode, sni",
    [
        pytest.param("xembed", False, marks=needs("xembed")),
        pytest.param("sni", True, marks=needs("sni")),
    ],
)
def test_the_tray_tooltip_is_escaped_only_where_qt_shows_it_as_a_qt_tooltip(mode, sni):
    """On an XEmbed tray Qt shows the icon's tooltip itself (rich text guessed: escaped); with a
    StatusNotifierItem host on the bus the tooltip goes as the item's plain-text title."""
    desktop = Desktop(mode).start()
    try:
        code = (
            "from PySide6.QtWidgets import QApplication\n"
            "app = QApplication([])\n"
            "from djamon_desktop.gui.plain import dbus_tray\n"
            "print(dbus_tray())\n"
        )
        assert probe(desktop.env, code) == [str(sni)]
    finally:
        desktop.close()


BALLOON_PROBE = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QSystemTrayIcon
from djamon_desktop.gui.notify import Notifier
from djamon_desktop.gui.icons import state_icon

app = QApplication([])
tray = QSystemTrayIcon(state_icon("up"))
tray.show()
notifier = Notifier(tray, use_dbus=False)

def look():
    for window in app.topLevelWidgets():
        if window.isVisible():
            for label in window.findChildren(QLabel):
                if label.text():
                    print(repr(label.text()), label.textFormat().name)
    app.quit()

QTimer.singleShot(1000, lambda: notifier.notify(TITLE, BODY, 1, critical=True))
QTimer.singleShot(2500, look)
app.exec()
"""


@needs("xembed")
def test_qts_own_balloon_shows_the_words_as_written():
    """No notification server: Qt's balloon beside an XEmbed tray shows title and body as the
    characters written (its labels are plain text: nothing escaped, nothing taken as markup)."""
    desktop = Desktop("xembed").start()
    try:
        env = {**desktop.env}
        env.pop("DBUS_SESSION_BUS_ADDRESS")
        title, body = f"{ZERO} is down — outage AB12CD34", DOWN
        shown = probe(env, f"TITLE = {title!r}\nBODY = {body!r}\n" + BALLOON_PROBE)
        assert f"{title!r} PlainText" in shown and f"{body!r} PlainText" in shown, shown
    finally:
        desktop.close()


TOOLTIP_PROBE = """
import subprocess
from PySide6 import QtGui
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from djamon_desktop.core.status import Overview
from djamon_desktop.gui.tray import Tray

app = QApplication([])
tray = Tray()
tray.show()
tray.show_overview(Overview("down", WORDS))

def hover():  # a real pointer over the icon: Qt shows the tooltip itself
    box = tray.icon.geometry()
    x, y = box.x() + box.width() // 2, box.y() + box.height() // 2
    subprocess.run(["xdotool", "mousemove", str(x), str(y)], check=True)
    subprocess.run(["xdotool", "mousemove_relative", "1", "1"], check=True)
    QTimer.singleShot(2500, look)

def look():
    for label in app.topLevelWidgets():
        if label.isVisible() and isinstance(label, QLabel):
            text = label.text()
            if label.textFormat() != QtGui.Qt.TextFormat.PlainText and (
                QtGui.Qt.mightBeRichText(text)
            ):
                document = QtGui.QTextDocument()
                document.setHtml(text)
                text = document.toPlainText()
            print(repr(text))
    app.quit()

QTimer.singleShot(1500, hover)
app.exec()
"""


@needs("xembed")
def test_the_xembed_tray_tooltip_shows_the_words_as_written():
    """The pointer over the icon on an XEmbed tray: the tooltip Qt shows (a label that guesses
    rich text) reads as the words written, markup and all."""
    desktop = Desktop("xembed").start()
    try:
        words = f"{ZERO} & <b>Pay</b> down since 05:35"
        shown = probe(desktop.env, f"WORDS = {words!r}\n" + TOOLTIP_PROBE)
        assert repr(f"djamon-desktop: {words}") in shown, shown
    finally:
        desktop.close()
