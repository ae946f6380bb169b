"""A certificate about to expire, as a person sees it: a line above the dashboard's table with a
button to the site, the row's Certificate cell, the tray's tooltip and the site window; real
HTTPS servers on loopback with certificates expiring in 5 and 60 days."""

from __future__ import annotations

from PySide6.QtCore import Qt

from ..conftest import document, group, site
from .screen import settled, site_rows


def test_an_expiring_certificate_shows_in_the_dashboard_tray_and_site(
    qtbot, make_app, load, cert_site, server, shot
):
    soon, later = cert_site(5), cert_site(60)
    load(
        document(
            group(
                "Production",
                site("Shop", soon.url()),
                site("Docs", later.url()),
                site("Blog", server.url("/status/200")),
            )
        )
    )
    app = make_app()
    day = soon.not_after.astimezone().strftime("%Y-%m-%d")

    tooltip = app.tray.icon.toolTip()
    assert tooltip == f"djamon-desktop: All 3 sites up; certificate of Shop expires {day}"

    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    qtbot.waitExposed(dashboard)
    assert dashboard.cert_bar.isVisible()
    line = dashboard.cert_bar.label.text()
    assert line.startswith("Certificate of Shop expires in 5 days")  # words, no markup shown
    assert dashboard.cert_bar.button.text() == "Open Shop…"
    rows = {r["Site"]: r for r in site_rows(dashboard)}
    assert rows["Shop"]["Certificate"] == f"⚠ {day}"
    assert rows["Shop"]["State"] == "up"  # a warning, not a failure
    assert rows["Docs"]["Certificate"] == later.not_after.astimezone().strftime("%Y-%m-%d")
    assert rows["Blog"]["Certificate"] == "-"
    shot(dashboard, "dashboard-certificate")

    qtbot.mouseClick(dashboard.cert_bar.button, Qt.MouseButton.LeftButton)
    window = next(w for w in app.windows.sites.values() if w.windowTitle().startswith("Shop "))
    qtbot.waitExposed(window)
    assert window.isVisible()
    text = window.labels["Certificate"].text()
    assert text.startswith("⚠ expires in 5 days: ") and text.endswith("(renew it soon)")
    shot(window, "site-certificate")


def test_no_line_when_no_certificate_is_due(qtbot, make_app, load, cert_site):
    later = cert_site(60)
    load(document(group("G", site("Docs", later.url()))))
    app = make_app()
    dashboard = app.windows.show_dashboard()
    settled(qtbot, app)
    qtbot.waitExposed(dashboard)
    assert not dashboard.cert_bar.isVisible()
    assert "certificate" not in app.tray.icon.toolTip()
