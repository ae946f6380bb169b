"""The Apprise tab of Settings and the outage window's Apprise lines, used the way a person does:
clicks and key presses, then what the window shows. The URLs go to a real keyring backend and the
tests to webhook receivers on loopback, through the real apprise library."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from PySide6.QtCore import QPoint, Qt

from djamon_desktop import secrets
from djamon_desktop.cycle import deliver, run_round
from djamon_desktop.gui.windows.apprise_tab import SENDING
from djamon_desktop.gui.windows.outage import OutageWindow
from djamon_desktop.gui.windows.settings import SettingsWindow
from djamon_desktop.store import outbox, queries
from djamon_desktop.store.settings import load_settings, save_settings

from ..alerts.webhook import Webhooks
from ..conftest import document, group, site
from .screen import click_into, press, shown, type_into
from .test_windows import START


@pytest.fixture
def hooks():
    receiver = Webhooks().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def apprise_tab(qtbot, db, keyring):
    """The Settings window, shown, on its Apprise tab (reached by a click on the tab)."""

    def make() -> SettingsWindow:
        window = SettingsWindow(save_settings)
        window.show_settings(load_settings())
        shown(qtbot, window)
        qtbot.waitUntil(lambda: not window.keyring_pending())
        bar = window.tabs.tabBar()
        index = window.tabs.indexOf(window.pages["Apprise"])
        qtbot.mouseClick(bar, Qt.LeftButton, pos=bar.tabRect(index).center())
        qtbot.waitUntil(window.apprise.field.isVisible)
        return window

    return make


def tick(qtbot, box) -> None:
    """Click a check box on its box (its row stretches far past its text)."""
    qtbot.mouseClick(box, Qt.LeftButton, pos=QPoint(8, box.height() // 2))


def type_lines(qtbot, field, lines: list[str], clear: bool = False) -> None:
    type_into(qtbot, field, lines[0], clear=clear)
    for line in lines[1:]:
        press(Qt.Key_Return)
        type_into(qtbot, field, line)


def test_urls_typed_are_checked_then_stored_in_the_keyring_never_shown_back(
    qtbot, apprise_tab, hooks, shot
):
    window = apprise_tab()
    assert window.tabs.tabText(window.tabs.currentIndex()) == "Apprise"
    assert window.apprise.stored.text() == "No URL is stored in the keyring."
    enabled = window.fields["apprise.enabled"]
    tick(qtbot, enabled)
    assert enabled.isChecked()
    field = window.apprise.field
    type_lines(qtbot, field, [hooks.url("/team"), "foo://Tok3nXYZ@example.com/x"])
    qtbot.mouseClick(window.save_button, Qt.LeftButton)
    error = window.errors.labels["apprise_urls"]
    assert error.isVisible()
    assert error.text() == (
        "apprise_urls line 2: foo://***@example.com/… is not a URL Apprise recognises"
    )
    assert window.note.text() == "Nothing was saved: see the fields marked."
    assert load_settings().apprise_enabled is False  # nothing saved
    assert secrets.get("apprise_urls") is None
    shot(window, "settings-apprise-refused")

    click_into(qtbot, field)
    press(Qt.Key_Backspace)  # the error goes as soon as the field is changed
    assert not error.isVisible()
    type_lines(qtbot, field, [hooks.url("/team"), hooks.url("/ops", scheme="form")], clear=True)
    qtbot.mouseClick(window.save_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not window.keyring_pending())
    assert secrets.get("apprise_urls") == f"{hooks.url('/team')}\n{hooks.url('/ops', 'form')}"
    assert load_settings().apprise_enabled is True
    assert field.toPlainText() == ""  # never shown back
    port = hooks.port
    assert window.apprise.stored.text() == (
        f"Stored in the keyring: 2 URLs (json://127.0.0.1:{port}/…, form://127.0.0.1:{port}/…)."
        " Type to replace them."
    )
    assert window.note.text() == "Saved. Stored in the keyring: apprise_urls."
    assert not window.has_unsaved_edits()
    shot(window, "settings-apprise-stored")


def test_send_a_test_runs_off_the_ui_thread_and_says_what_happened_to_each(
    qtbot, apprise_tab, hooks, keyring
):
    slow = hooks.url("/slow") + "?rto=20"
    keyring("apprise_urls", f"{hooks.url('/team')}\n{slow}\n{hooks.url('/broken')}")
    hooks.status["/broken"] = 503
    hooks.hold["/slow"] = threading.Event()
    window = apprise_tab()
    assert window.apprise.stored.text().startswith("Stored in the keyring: 3 URLs (")
    button = window.apprise.test_button
    qtbot.mouseClick(button, Qt.LeftButton)
    result = window.apprise.test_result
    assert result.isVisible() and result.text() == SENDING
    assert not button.isEnabled()
    qtbot.waitUntil(lambda: "/slow" in hooks.arrived)  # the receiver holds its answer ...
    enabled = window.fields["apprise.enabled"]
    tick(qtbot, enabled)  # ... and the window still answers
    assert enabled.isChecked() and result.text() == SENDING
    hooks.hold["/slow"].set()
    qtbot.waitUntil(lambda: result.text() != SENDING, timeout=15000)
    port = hooks.port
    assert result.text().splitlines() == [
        f"Sent to json://127.0.0.1:{port}/…",
        f"Sent to json://127.0.0.1:{port}/…",
        f"Not sent: json://127.0.0.1:{port}/…: Failed to send JSON POST notification: Servers "
        "are overloaded., error=503.",
    ]
    assert button.isEnabled()
    [team] = hooks.delivered("/team")
    assert team["title"] == "[djamon] Test message"


def test_send_a_test_to_urls_typed_but_not_saved(qtbot, apprise_tab, hooks):
    window = apprise_tab()
    type_into(qtbot, window.apprise.field, "slack://only-one-token")
    qtbot.mouseClick(window.apprise.test_button, Qt.LeftButton)
    error = window.errors.labels["apprise_urls"]
    assert error.isVisible() and error.text().startswith(
        "apprise_urls line 1: slack://*** is not a usable Apprise URL: "
    )
    assert not window.apprise.test_result.isVisible()  # nothing sent
    type_into(qtbot, window.apprise.field, hooks.url("/typed"), clear=True)
    qtbot.mouseClick(window.apprise.test_button, Qt.LeftButton)
    result = window.apprise.test_result
    qtbot.waitUntil(lambda: result.text() not in ("", SENDING), timeout=15000)
    assert result.text() == f"Sent to json://127.0.0.1:{hooks.port}/…"
    assert len(hooks.delivered("/typed")) == 1
    assert secrets.get("apprise_urls") is None  # a test stores nothing


def test_outage_window_names_each_apprise_delivery_by_its_host(
    qtbot, db, load, server, name, keyring, hooks
):
    other = Webhooks().start()
    try:
        keyring("apprise_urls", f"{hooks.url('/ok')}\n{other.url('/down')}")
        other.status["/down"] = 503
        server.switch[name] = 500
        load(
            document(
                group("Production", site("Payments", server.url(f"/switch/{name}"))),
                strikes=1,
                apprise={"enabled": True},
            )
        )
        run_round(clock=lambda: START)
        deliver(load_settings(), clock=lambda: START + timedelta(seconds=5))
        outage = queries.find_outage("current")
        window = OutageWindow(outage.id)
        window.show_outage(outage, outbox.alerts_of(outage.id))
        shown(qtbot, window)
        qtbot.waitUntil(lambda: window.places != {})  # the names come from the keyring thread
        lines = [window.alerts.item(n).text() for n in range(window.alerts.count())]
        assert len(lines) == 2
        ok, down = sorted(lines, key=lambda line: "delivered" not in line)
        assert ok.startswith(f"Apprise (127.0.0.1:{hooks.port}), outage opened: delivered ")
        assert down.startswith(
            f"Apprise (127.0.0.1:{other.port}), outage opened: queued after 1 attempt, last "
        )
        assert down.endswith(
            f": json://127.0.0.1:{other.port}/…: Failed to send JSON POST notification: Servers "
            "are overloaded., error=503."
        )
    finally:
        other.stop()
