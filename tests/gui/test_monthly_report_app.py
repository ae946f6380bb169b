"""The app's own round on the 1st mails last month's report: the report is read and its PDF
made on the rounds' worker with the rest of the round, so the UI thread keeps turning
meanwhile (its 10 ms timer is never held up for long)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from djamon_desktop.core.clock import utc_now

from ..conftest import Clock, document, group, site
from .screen import UI_STALL_S, UiTicks, settled

YEAR = utc_now().year + 2  # after the sites were added: the month reported was monitored


def test_the_apps_round_on_the_1st_mails_the_report_off_the_ui_thread(
    qtbot, make_app, load, server, mail, monkeypatch
):
    monkeypatch.setenv("TZ", "Europe/Paris")
    sites = [site(f"Shop {n}", server.url(f"/status/200?n={n}")) for n in range(100)]
    load(
        document(
            group("Shops", *sites),
            email=mail.settings(),
            monthly_report={"enabled": True},
            schedule=["0 0 1 1 *"],  # (no round of the schedule's during the test)
        )
    )
    clock = Clock(datetime(YEAR, 4, 1, 0, 0, 30, tzinfo=ZoneInfo("Europe/Paris")))
    app = make_app(start_round=False, clock=clock)
    settled(qtbot, app)
    ticks = UiTicks()
    ticks.start()
    with qtbot.waitSignal(app.poller.round_finished, timeout=30000):
        app.check_now()
    ticks.stop()
    assert not app.last_error, app.last_error
    [got] = mail.inbox
    assert str(got.message["Subject"]) == f"[djamon] UPTIME REPORT: March {YEAR}, 100.00% overall"
    assert "over 100 sites" in got.message.get_body(("plain",)).get_content()
    [attached] = list(got.message.iter_attachments())
    assert attached.get_filename() == f"djamon-report-{YEAR}-03.pdf"
    assert attached.get_content().startswith(b"%PDF")
    stall = ticks.longest() * 1000
    assert ticks.longest() < UI_STALL_S, f"the UI thread stalled for {stall:.0f} ms"
