"""The settings, editor, outage and site windows the way a person uses them: real key presses and
clicks on the focused widget, then what the window shows.

Set DJAMON_SHOTS to a folder to have the tests save screenshots of what they looked at."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFontMetricsF
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from djamon_desktop.cycle import run_round
from djamon_desktop.gui.windows.chart import AVERAGE, FAILED, ResponseChart
from djamon_desktop.gui.windows.editors import SiteEditor
from djamon_desktop.gui.windows.keyring_fields import CHECKING
from djamon_desktop.gui.windows.outage import OutageWindow
from djamon_desktop.gui.windows.outages import DURATION_COLUMN, OutagesWindow
from djamon_desktop.gui.windows.settings import SettingsWindow
from djamon_desktop.gui.windows.site import SiteWindow
from djamon_desktop.store import editing, outbox, queries
from djamon_desktop.store.history import HourPoint, site_history
from djamon_desktop.store.models import Site
from djamon_desktop.store.settings import load_settings, save_settings

from ..conftest import Clock, document, group, site
from .screen import click_into, column_texts, press, shown, type_into

# -- settings ------------------------------------------------------------------------------------


def test_escape_closes_settings_when_nothing_changed(qtbot, settings_window):
    window = settings_window()
    click_into(qtbot, window.schedule)
    press(Qt.Key_Escape)
    assert not window.isVisible()
    assert window.close_question is None


def test_closing_with_unsaved_edits_asks_save_discard_or_cancel(qtbot, settings_window):
    window = settings_window()
    window.tabs.setCurrentWidget(window.checks_page)
    type_into(qtbot, window.fields["good_codes"], ", 204")

    press(Qt.Key_Escape)  # Escape: asks, and Cancel keeps the window and the edit
    box = window.close_question
    assert window.isVisible() and box is not None and box.isVisible()
    assert box.text() == "Some settings were changed and not saved."
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.LeftButton)
    assert window.isVisible() and window.fields["good_codes"].text().endswith(", 204")

    window.activateWindow()
    click_into(qtbot, window.fields["good_codes"])
    press(Qt.Key_W, Qt.ControlModifier)  # Ctrl+W: asks; Discard closes and forgets the edit
    box = window.close_question
    assert box is not None and box.isVisible()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Discard), Qt.LeftButton)
    assert not window.isVisible()
    assert load_settings().good_codes == (200, 301, 304)
    assert window.fields["good_codes"].text() == "200, 301, 304"

    shown(qtbot, window)  # the window manager's close button: asks; Save saves and closes
    type_into(qtbot, window.fields["good_codes"], ", 204")
    window.close()
    box = window.close_question
    assert window.isVisible() and box.isVisible()
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Save), Qt.LeftButton)
    assert not window.isVisible()
    assert load_settings().good_codes == (200, 301, 304, 204)


def test_asking_for_settings_again_keeps_unsaved_edits(qtbot, settings_window):
    window = settings_window()
    window.tabs.setCurrentWidget(window.checks_page)
    type_into(qtbot, window.fields["good_codes"], ", 204")
    window.show_settings(load_settings())  # what the app does on Settings… again
    assert window.fields["good_codes"].text() == "200, 301, 304, 204"
    window.show_sandbox_urls()
    assert window.fields["good_codes"].text() == "200, 301, 304, 204"


def test_unsaved_edits_that_do_not_save_keep_the_window_open(qtbot, settings_window):
    window = settings_window()
    window.tabs.setCurrentWidget(window.checks_page)
    type_into(qtbot, window.fields["good_codes"], ", abc")
    press(Qt.Key_Escape)
    qtbot.mouseClick(window.close_question.button(QMessageBox.StandardButton.Save), Qt.LeftButton)
    assert window.isVisible()  # Save failed: the error shows and nothing is lost
    assert "'abc' is not a status code" in window.errors.labels["good_codes"].text()


def test_checks_tab_explains_sandbox_urls(qtbot, settings_window, shot):
    window = settings_window()
    assert window.tabs.currentIndex() == 0
    window.show_sandbox_urls()
    assert window.tabs.currentWidget() is window.checks_page
    qtbot.waitUntil(window.sandbox.hasFocus)
    assert window.sandbox_help.isVisible()
    assert "normally always work" in window.sandbox_help.text()
    assert "every round" in window.sandbox_help.text()
    assert "blames no site" in window.sandbox_help.text()
    assert "blames no site" in window.sandbox.toolTip()
    before = window.sandbox.toPlainText()
    press(Qt.Key_H)  # the focus really is in the field: typing goes there
    assert window.sandbox.toPlainText() == "h" + before
    window.sandbox.setPlainText("https://www.bbc.co.uk/\nhttps://www.google.co.uk/")
    shot(window, "settings-checks-help")


def test_a_field_error_goes_as_soon_as_the_field_is_fixed(qtbot, settings_window, shot):
    window = settings_window()
    window.tabs.setCurrentWidget(window.checks_page)
    error = window.errors.labels["good_codes"]
    type_into(qtbot, window.fields["good_codes"], "20O", clear=True)  # a letter O, not a zero
    press(Qt.Key_S, Qt.ControlModifier)
    assert error.isVisible() and "'20O' is not a status code" in error.text()
    assert window.note.text() == "Nothing was saved: see the fields marked."
    shot(window, "settings-field-error")
    press(Qt.Key_Backspace)
    assert not error.isVisible() and error.text() == ""  # before any save
    press(Qt.Key_0)
    assert load_settings().good_codes == (200, 301, 304)
    press(Qt.Key_S, Qt.ControlModifier)
    assert load_settings().good_codes == (200,)

    # an error the store finds (the document rules) goes the same way
    window.tabs.setCurrentIndex(0)
    click_into(qtbot, window.schedule)
    press(Qt.Key_End, Qt.ControlModifier)
    press(Qt.Key_Return)
    QTest.keyClicks(window.schedule, "61 * * * *")
    qtbot.mouseClick(window.save_button, Qt.LeftButton)
    error = window.errors.labels["schedule"]
    assert error.isVisible() and "bad minute" in error.text()
    click_into(qtbot, window.schedule)
    press(Qt.Key_End, Qt.ControlModifier)
    for _ in range(len("61 * * * *") + 1):
        press(Qt.Key_Backspace)
    assert not error.isVisible() and error.text() == ""


def test_site_editor_error_goes_when_the_url_is_fixed(qtbot, db, server, shot):
    saved = []

    def save(group_title, fields):
        editing.save_site(group_title, fields)
        saved.append(fields["url"])

    editor = shown(qtbot, SiteEditor([], save))
    type_into(qtbot, editor.title, "Front page")
    type_into(qtbot, editor.url, "ftp://files.example.com/")
    press(Qt.Key_S, Qt.ControlModifier)
    error = editor.errors.labels["url"]
    assert error.isVisible() and "not an http or https URL" in error.text()
    assert editor.isVisible() and saved == []
    shot(editor, "editor-url-error")
    click_into(qtbot, editor.url)
    press(Qt.Key_Home)
    press(Qt.Key_Delete)
    assert not error.isVisible() and error.text() == ""  # before any save
    type_into(qtbot, editor.url, server.url("/status/200"), clear=True)
    save_button = editor.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save)
    qtbot.mouseClick(save_button, Qt.LeftButton)
    assert saved == [server.url("/status/200")]
    assert not editor.isVisible()


def test_site_editor_refuses_a_pasted_bidi_control_in_the_title(qtbot, db, server, shot):
    """A title pasted with U+202E (it would turn the words around it backwards in every window
    of the team): the editor says which character and where, and stores nothing."""
    saved = []

    def save(group_title, fields):
        editing.save_site(group_title, fields)
        saved.append(fields["title"])

    editor = shown(qtbot, SiteEditor([], save))
    type_into(qtbot, editor.group, "Web")
    click_into(qtbot, editor.title)
    QApplication.clipboard().setText("Shop\u202egnp.exe")
    press(Qt.Key_V, Qt.ControlModifier)
    type_into(qtbot, editor.url, server.url("/status/200"))
    press(Qt.Key_S, Qt.ControlModifier)
    error = editor.errors.labels["title"]
    assert error.isVisible() and error.text() == (
        "holds a bidirectional control (U+202E) at character 5; control and bidirectional "
        "characters are not allowed"
    )
    assert error.textFormat() == Qt.TextFormat.PlainText
    assert editor.isVisible() and saved == [] and queries.list_sites(3) == []
    shot(editor, "editor-title-bidi-refused")


# -- the keyring, off the UI thread --------------------------------------------------------------


class HangingKeyring:
    """A keyring whose every call waits (like one showing an unlock prompt nobody sees) until
    the test lets it go."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0
        self.stored: dict[tuple[str, str], str] = {}

    def _wait(self) -> None:
        self.calls += 1
        assert self.release.wait(30), "the test never released the keyring"

    def get_password(self, service, name):
        self._wait()
        return self.stored.get((service, name))

    def set_password(self, service, name, value):
        self._wait()
        self.stored[(service, name)] = value

    def delete_password(self, service, name):
        self._wait()
        self.stored.pop((service, name), None)


@pytest.fixture
def hanging_keyring():
    import keyring
    from keyring.backend import KeyringBackend

    class Backend(HangingKeyring, KeyringBackend):
        priority = 1

    backend = Backend()
    keyring.set_keyring(backend)
    yield backend
    backend.release.set()


def test_a_hanging_keyring_does_not_freeze_the_settings_window(qtbot, db, hanging_keyring, shot):
    window = SettingsWindow(save_settings)
    window.show_settings(load_settings())  # asks the keyring, which never answers
    shown(qtbot, window)
    qtbot.waitUntil(lambda: hanging_keyring.calls > 0)
    assert window.keyring_note.isVisible() and window.keyring_note.text() == CHECKING
    assert window.smtp_password.placeholderText() == CHECKING
    assert not window.smtp_password.isEnabled()

    # the window keeps working: a key press in a field is processed, the preview follows
    window.tabs.setCurrentIndex(2)
    type_into(qtbot, window.fields["email.host"], "smtp.example.com", clear=True)
    assert window.fields["email.host"].text() == "smtp.example.com"
    window.tabs.setCurrentIndex(0)
    type_into(qtbot, window.schedule, "*/5 * * * *", clear=True)
    assert window.preview.text().startswith("Next rounds: ")
    assert window.keyring_pending()
    window.tabs.setCurrentIndex(2)
    shot(window, "settings-keyring-checking")

    hanging_keyring.release.set()
    qtbot.waitUntil(lambda: not window.keyring_pending(), timeout=5000)
    assert not window.keyring_note.isVisible()
    assert window.smtp_password.isEnabled()
    assert window.smtp_password.placeholderText() == "not set"


def test_storing_a_password_waits_off_the_ui_thread(qtbot, db, hanging_keyring):
    hanging_keyring.release.set()
    window = SettingsWindow(save_settings)
    window.show_settings(load_settings())
    shown(qtbot, window)
    qtbot.waitUntil(lambda: not window.keyring_pending())
    hanging_keyring.release.clear()
    window.tabs.setCurrentIndex(2)
    type_into(qtbot, window.smtp_password, "hunter2-secret")
    press(Qt.Key_S, Qt.ControlModifier)
    assert window.note.text() == "Saved."
    assert window.keyring_note.text() == CHECKING and not window.smtp_password.isEnabled()
    # still answering while the keyring waits:
    type_into(qtbot, window.fields["email.username"], "ops")
    assert window.fields["email.username"].text() == "ops"
    hanging_keyring.release.set()
    qtbot.waitUntil(lambda: not window.keyring_pending(), timeout=5000)
    assert hanging_keyring.stored[("djamon-desktop", "smtp_password")] == "hunter2-secret"
    assert window.note.text() == "Saved. Stored in the keyring: smtp_password."
    assert window.smtp_password.text() == ""
    assert window.smtp_password.placeholderText().startswith("stored in the keyring")
    assert window.has_unsaved_edits()  # the user name typed while the keyring worked


def test_a_locked_keyring_is_said_in_the_window(qtbot, db):
    import keyring
    from keyring.backend import KeyringBackend
    from keyring.errors import KeyringLocked

    class Locked(KeyringBackend):
        priority = 1

        def get_password(self, service, name):
            raise KeyringLocked("prompt dismissed")

        def set_password(self, service, name, value):
            raise KeyringLocked("prompt dismissed")

        def delete_password(self, service, name):
            raise KeyringLocked("prompt dismissed")

    keyring.set_keyring(Locked())
    window = SettingsWindow(save_settings)
    window.show_settings(load_settings())
    shown(qtbot, window)
    qtbot.waitUntil(lambda: not window.keyring_pending(), timeout=5000)
    assert window.keyring_note.isVisible()
    assert window.keyring_note.text().startswith("Keyring: the keyring is locked")
    assert window.smtp_password.placeholderText() == "no OS keyring"


# -- outages -------------------------------------------------------------------------------------


START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def open_outage(load, server, name, db):
    """An open outage of two sites, one answering 503 (its URL carries a password), one timing
    out; alerts on e-mail (delivered) and X (failed twice)."""
    server.switch[name] = 503
    url = server.url(f"/switch/{name}").replace("http://", "http://ops:s3cret-pw@")
    load(
        document(
            group(
                "Production",
                site("Payments", url, priority="critical", down_message="Card payments fail."),
                site("Search", server.url("/hang"), priority="high"),
                site("Blog", server.url("/status/200"), priority="low"),
            ),
            strikes=2,
            timeout_seconds=1,
            email={
                "enabled": True,
                "host": "127.0.0.1",
                "port": 2525,
                "from": "monitor@example.com",
                "to": ["ops@example.com"],
            },
            twitter={"enabled": True},
        )
    )
    for minute in range(3):
        run_round(clock=lambda minute=minute: START + timedelta(minutes=minute))
    outage = queries.find_outage("current")
    assert outage is not None and len(outage.sites) == 2
    at = START + timedelta(minutes=3)
    email = outbox.claim_next(at, [], ["email"])
    outbox.mark_delivered(email.id, at)
    for n in range(2):
        x = outbox.claim_next(at + timedelta(minutes=n), [], ["twitter"])
        outbox.mark_failed(x.id, "X refused the post (403 Forbidden)")
    return outage


def test_outage_window_says_why_each_site_failed_and_where_alerts_are(
    qtbot, open_outage, server, name, shot
):
    clock = Clock(START + timedelta(minutes=2, seconds=7))
    window = OutageWindow(open_outage.id, clock=clock)
    window.show_outage(
        queries.find_outage(str(open_outage.id)),
        outbox.alerts_of(open_outage.id),
        queries.outage_failures(open_outage.id),
    )
    shown(qtbot, window)
    assert window.labels["Duration"].text() == "still open (1 minute, 7 seconds so far)"
    payments, search = (window.sites.item(n).text() for n in range(2))
    assert payments.startswith("Payments — primary (since ")
    assert "Why: answered 503 (last failed check " in payments
    assert "3 failed checks" in payments  # the two that opened it at 2 strikes, and one since
    assert f"URL: {server.url(f'/switch/{name}').replace('http://', 'http://ops:***@')}" in payments
    assert "s3cret-pw" not in payments
    assert search.startswith("Search (since ") and "Why: timeout" in search
    alerts = [window.alerts.item(n).text() for n in range(window.alerts.count())]
    assert alerts[0].startswith("E-mail, outage opened: delivered ")
    assert alerts[1].startswith("X, outage opened: queued after 2 attempts, last ")
    assert alerts[1].endswith(": X refused the post (403 Forbidden)")
    shot(window, "outage-open-two-sites")

    # the duration ticks while the window is shown, driven by its own one-second timer
    clock.now += timedelta(minutes=1)
    qtbot.waitUntil(
        lambda: window.labels["Duration"].text() == "still open (2 minutes, 7 seconds so far)",
        timeout=2500,
    )
    # the extra information: typed, then Ctrl+S
    with qtbot.waitSignal(window.save_extra) as saved:
        type_into(qtbot, window.extra, "Card provider down.")
        press(Qt.Key_S, Qt.ControlModifier)
    assert saved.args == [open_outage.id, "Card provider down."]
    assert window.saved_note.text() == "Saved"
    # a pasted bidirectional override is refused here, with the reason; nothing is sent
    QApplication.clipboard().setText(" \u202eevil")
    press(Qt.Key_End)
    press(Qt.Key_V, Qt.ControlModifier)
    with qtbot.assertNotEmitted(window.save_extra):
        press(Qt.Key_Return)
    assert window.saved_note.text() == (
        "Not saved: the text holds a bidirectional control (U+202E) at character 21; "
        "control and bidirectional characters are not allowed"
    )
    shot(window, "outage-extra-refused")

    window.hide()
    assert not window.ticker.timer.isActive()

    # once it is over: a duration that stays, and the recovery alerts queued
    server.switch[name] = 200
    editing.save_site("Production", {"url": server.url("/status/200")}, _site_id("Search"))
    run_round(clock=lambda: START + timedelta(minutes=5))
    window.show_outage(
        queries.find_outage(str(open_outage.id)),
        outbox.alerts_of(open_outage.id),
        queries.outage_failures(open_outage.id),
    )
    window.show()
    assert window.labels["Duration"].text() == "4 minutes"  # down from the second round
    assert not window.ticker.timer.isActive()
    alerts = [window.alerts.item(n).text() for n in range(window.alerts.count())]
    assert "E-mail, outage ended: queued, not tried yet" in alerts
    assert "Why: answered 503" in window.sites.item(0).text()  # still says why it failed


def durations(window: OutagesWindow) -> list[str]:
    """The outages list's Duration column as shown."""
    return column_texts(window.table, DURATION_COLUMN)


def _site_id(title: str) -> int:
    return next(s.site_id for s in queries.list_sites(3) if s.title == title)


def test_outages_list_ticks_and_counts_in_words(qtbot, open_outage, shot):
    clock = Clock(START + timedelta(minutes=2, seconds=7))
    window = OutagesWindow(clock=clock)
    items, total = queries.outage_page(1)
    window.show_page(1, items, total)
    shown(qtbot, window)
    assert window.page_label.text() == "Page 1 of 1 (1 outage)"
    assert durations(window) == ["1 minute, 7 seconds so far"]
    assert window.table.item(0, 2).text() == "still open"
    shot(window, "outages-list")
    assert window.ticker.timer.isActive() and window.ticker.timer.interval() == 1000
    clock.now += timedelta(seconds=3)
    window.ticker.timer.timeout.emit()  # the next tick, now, by the window's own clock
    assert durations(window) == ["1 minute, 10 seconds so far"]
    window.show_page(1, [], 0)
    assert window.page_label.text() == "No outages" and window.empty.isVisible()
    assert not window.ticker.timer.isActive()


def test_outages_list_plural_for_many(qtbot, db, load, server, name):
    load(document(group("G", site("A", server.url(f"/switch/{name}"))), strikes=1))
    for n in range(2):
        server.switch[name] = 500
        run_round(clock=lambda n=n: START + timedelta(minutes=10 * n))
        server.switch[name] = 200
        run_round(clock=lambda n=n: START + timedelta(minutes=10 * n + 1, seconds=1))
    window = shown(qtbot, OutagesWindow())
    window.show_page(1, *queries.outage_page(1))
    assert window.page_label.text() == "Page 1 of 1 (2 outages)"
    assert durations(window) == ["1 minute, 1 second", "1 minute, 1 second"]
    assert not window.ticker.timer.isActive()


# -- the site window and its chart ----------------------------------------------------------------


NOW = datetime(2026, 11, 2, 13, 37, tzinfo=UTC)


def hours(values: list[float | None], end: datetime = NOW, failed: set[int] = frozenset()):
    """Hour points ending with the hour of ``end``; None is an hour of failures only."""
    first = end.replace(minute=0, second=0, microsecond=0) - timedelta(hours=len(values) - 1)
    out = []
    for n, value in enumerate(values):
        bad = value is None or n in failed
        out.append(
            HourPoint(
                first + timedelta(hours=n),
                60,
                0 if value is None else 60 - (5 if bad else 0),
                value,
                None if value is None else value * 1.4,
            )
        )
    return out


def colour_columns(image, colour: QColor, area=None, tolerance: int = 40) -> set[int]:
    """The x of each pixel column holding ``colour`` (inside the plot ``area`` if given)."""
    found = set()
    rows = range(image.height())
    if area is not None:
        rows = range(int(area.top()) + 1, int(area.bottom()))
    for x in range(image.width()):
        for y in rows:
            c = image.pixelColor(x, y)
            if all(
                abs(a - b) < tolerance
                for a, b in zip(c.getRgb()[:3], colour.getRgb()[:3], strict=True)
            ):
                found.add(x)
                break
    return found


def test_chart_labels_fit_and_a_few_points_read_as_a_line(qtbot, db):
    chart = ResponseChart(24)
    qtbot.addWidget(chart)
    chart.resize(600, 220)
    chart.show_points(hours([1372.0, 980.0, 1210.0]), NOW)
    fm = QFontMetricsF(chart.font())
    area = chart.plot_area()
    labels = chart.axis_labels(area)
    texts = [text for _rect, text, _align in labels]
    assert "1,500 ms" in texts or "2,000 ms" in texts
    for rect, text, _align in labels:
        assert rect.width() >= fm.horizontalAdvance(text), text
        assert rect.left() >= 0 and rect.right() <= chart.width(), text
    assert any(t.endswith(":00") for t in texts)

    image = chart.grab().toImage()
    blue = colour_columns(image, AVERAGE, area)
    plot = {x for x in blue if area.left() + 2 < x < area.right() - 2}
    # three hours of the last 24 lie over about an eighth of the width: dots and their line
    assert max(plot) - min(plot) > area.width() * 2 / 24, sorted(plot)
    assert chart.summary() == "Average 1,187 ms, slowest hour 1,372 ms; 0 hours with failures"


def test_chart_of_one_hour_is_a_dot_with_its_value(qtbot, db, shot):
    chart = ResponseChart(24)
    qtbot.addWidget(chart)
    chart.resize(600, 220)
    chart.show_points(hours([245.0], failed={0}), NOW)
    image = chart.grab().toImage()
    area = chart.plot_area()
    dot = {x for x in colour_columns(image, AVERAGE, area) if area.left() < x < area.right()}
    assert 4 <= len(dot) <= 9, sorted(dot)  # one dot, about 7 pixels across
    assert colour_columns(image, FAILED, area)
    assert chart.latest_text() == "latest hour 245 ms"
    assert "Solid line: the average time of good answers" in chart.toolTip()
    assert chart.summary().endswith("1 hour with failures")
    shot(chart, "chart-first-hour")


def test_site_window_hides_the_password_and_charts_a_day(qtbot, db, load, server, shot):
    url = server.url("/status/200").replace("http://", "http://ops:s3cret-pw@")
    load(document(group("Production", site("Payments", url, priority="critical"))))
    Site.update(monitored_since=NOW - timedelta(hours=1)).execute()  # added an hour before
    run_round(clock=lambda: NOW)
    info = next(s for s in queries.list_sites(3) if s.title == "Payments")
    window = SiteWindow(info.site_id)
    window.show_site(info, queries.recent_checks(info.site_id))
    shown(qtbot, window)
    assert window.labels["URL"].text() == url.replace("s3cret-pw", "***")
    few = hours([310.0, 280.0, 420.0])
    window.show_history(site_history(info.site_id, NOW))
    assert window.uptime.text().startswith("Uptime: 100.00% over 24 hours")
    assert "Monitored 1 hour of the last 24 hours, never down" in window.uptime.toolTip()
    window.day_chart.show_points(few, NOW)
    window.week_chart.show_points(few, NOW)
    shot(window, "site-chart-3-points")
    values = [
        None if n == 20 else 900.0 + 40 * (n % 7) + (600 if n in (9, 10) else 0) for n in range(24)
    ]
    window.day_chart.show_points(hours(values, failed={5}), NOW)
    assert "slowest hour 1,620 ms" in window.day_chart.summary()
    assert window.day_chart.summary().endswith("2 hours with failures")
    shot(window, "site-chart-day")
    week = [900.0 + 25 * (n % 24) + (900 if n % 50 == 7 else 0) for n in range(24 * 7)]
    window.week_chart.show_points(hours(week, failed={30, 31, 100}), NOW)
    window.charts.setCurrentIndex(1)
    assert window.week_chart.summary().endswith("3 hours with failures")
    shot(window, "site-chart-week")


def test_the_site_and_outage_windows_show_markup_in_titles_as_it_is(qtbot, db, load, server):
    """A title and a down message from an import file (or another desktop) are data: `<b>`
    and `<img>` show as typed, nothing is rendered, loaded or followed."""
    title, message = "<b>Pay</b>", '<img src="file:///etc/passwd"> is <a href="x">down</a>'
    load(document(group("<i>G</i>", site(title, server.url("/status/503"), down_message=message)),
                  strikes=1))  # fmt: skip
    run_round(clock=lambda: NOW)
    info = next(s for s in queries.list_sites(1) if s.title == title)
    window = SiteWindow(info.site_id)
    window.show_site(info, queries.recent_checks(info.site_id))
    shown(qtbot, window)
    for key, text in (("Group", "<i>G</i>"), ("Down message", message)):
        label = window.labels[key]
        assert label.text() == text and label.textFormat() == Qt.TextFormat.PlainText
    outage = queries.find_outage("current")
    box = OutageWindow(outage.id)
    box.show_outage(outage, [], queries.outage_failures(outage.id))
    shown(qtbot, box)
    assert box.labels["Content"].textFormat() == Qt.TextFormat.PlainText
    assert "<img" in box.labels["Content"].text()
