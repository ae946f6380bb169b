"""GUI tests run on Qt's offscreen platform: no display needed. The tray is invisible there,
so tests read the icon's pixels and emit messageClicked themselves."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402

from djamon_desktop.core.clock import Clock, utc_now  # noqa: E402
from djamon_desktop.paths import database_path, ensure_data_dir  # noqa: E402
from djamon_desktop.store.database import close_database, open_database  # noqa: E402

from .timers import HeldTimers  # noqa: E402


@pytest.fixture
def db(data_dir):
    """The data folder's database, open in this process, as the app has it."""
    ensure_data_dir(data_dir)
    open_database(database_path(data_dir))
    yield data_dir
    close_database()


@pytest.fixture
def team_db(data_dir, team_url, monkeypatch):
    """A team's PostgreSQL database open in this process, as the app has it when started with
    ``DJAMON_DATABASE_URL`` (which is set, so that the processes a test starts use it too).
    A test module makes its Apps (``make_app``) a team's by overriding ``db`` with a fixture
    that returns ``team_db``."""
    ensure_data_dir(data_dir)
    monkeypatch.setenv("DJAMON_DATABASE_URL", team_url)
    open_database(team_url)
    yield data_dir
    close_database()


class TrayHost:
    """Whether the desktop has a system tray, as the app asks (``gui.no_tray.tray_available``).
    The offscreen platform never has one, so the tests say: there is, unless a test takes it
    away (``present = False``) to see the app without a tray. tests/e2e asks real ones."""

    present = True


@pytest.fixture(autouse=True)
def tray_host(monkeypatch) -> TrayHost:
    from djamon_desktop.gui import no_tray

    host = TrayHost()
    monkeypatch.setattr(no_tray, "tray_available", lambda: host.present)
    return host


@pytest.fixture
def held_timers() -> HeldTimers:
    """The apps' deadline timers (an Undo's, a pause's end), held: they run out when the test
    fires them."""
    return HeldTimers()


@pytest.fixture
def make_app(qtbot, db, held_timers):
    """``make_app(start_round=True, clock=utc_now)``: an App on the test's data folder (no
    D-Bus: notifications go to the tray balloon). Its deadlines are ``held_timers``: no Undo or
    pause runs out while a slow machine runs a test, only when the test says."""
    from djamon_desktop.gui.app import App

    made = []

    def make(start_round: bool = True, clock: Clock = utc_now) -> App:
        app = App(db, use_dbus=False, clock=clock, new_timer=held_timers)
        made.append(app)
        if start_round:
            with qtbot.waitSignal(app.poller.round_finished, timeout=15000):
                app.start()
        else:
            app.start(first_round=False)
        qtbot.waitUntil(lambda: not app.reads.busy, timeout=15000)  # the first picture shown
        return app

    yield make
    for app in made:
        app.poller.stop()
        app.dispose()


@pytest.fixture
def settings_window(qtbot, db):
    """``settings_window()``: the Settings window open on the stored settings, shown and done
    reading the keyring."""
    from djamon_desktop.gui.windows.settings import SettingsWindow
    from djamon_desktop.store.settings import load_settings, save_settings

    from .screen import shown

    def make() -> SettingsWindow:
        window = SettingsWindow(save_settings)
        window.show_settings(load_settings())
        shown(qtbot, window)
        qtbot.waitUntil(lambda: not window.keyring_pending())
        return window

    return make


@pytest.fixture
def shot():
    """``shot(widget, name)`` saves a screenshot when DJAMON_SHOTS names a folder."""
    folder = os.environ.get("DJAMON_SHOTS")

    def save(widget, name: str) -> None:
        if folder:
            from pathlib import Path

            Path(folder).mkdir(parents=True, exist_ok=True)
            assert widget.grab().save(str(Path(folder) / f"{name}.png"))

    return save


def pixel_colour(icon, size: int = 22) -> tuple[int, int, int]:
    """The icon's main colour: the commonest opaque pixel that is not the white mark."""
    from collections import Counter

    image = icon.pixmap(size).toImage()
    counts: Counter = Counter()
    for x in range(image.width()):
        for y in range(image.height()):
            c = image.pixelColor(x, y)
            if c.alpha() > 200 and min(c.red(), c.green(), c.blue()) < 230:
                counts[(c.red(), c.green(), c.blue())] += 1
    return counts.most_common(1)[0][0]


def near(colour: tuple[int, int, int], expected, tolerance: int = 30) -> bool:
    return all(abs(a - b) < tolerance for a, b in zip(colour, expected, strict=True))
