"""A newcomer's path: a site down in an open outage is deleted or deactivated. The outage closes
at the next round, and every channel says the site was removed from monitoring, never that it is
back; the timeline says ``removed`` with the site, then ``closed``."""

from __future__ import annotations

import pytest

from djamon_desktop.store import editing, queries, timeline
from djamon_desktop.store.models import Alert

from ..conftest import document, group, opened, site

pytestmark = pytest.mark.usefixtures("engine")


@pytest.mark.parametrize("how", ["deleted", "deactivated"])
def test_a_site_taken_out_of_monitoring_is_removed_not_back(
    how, server, load, run, mail, name, data_dir
):
    server.switch[name] = 500
    hanging = site("Hanging API", server.url(f"/switch/{name}"), priority="critical")
    shop = site("Shop", server.url("/status/200"))
    load(document(group("G", hanging, shop), strikes=3, email=mail.settings()))
    for _ in range(3):
        run("check")
    outage = run("outage", "current", "--json").json()
    code, [down] = outage["code"], outage["sites"]
    assert down["title"] == "Hanging API" and len(mail.inbox) == 1
    with opened(data_dir):
        ids = {s.title: s.site_id for s in queries.list_sites(3)}

    with opened(data_dir):
        if how == "deleted":
            editing.delete_site(ids["Hanging API"])
        else:
            editing.set_active(ids["Hanging API"], False)
    result = run("check", "--json")
    assert result.json()["outages_closed"] == [outage["id"]]

    assert len(mail.inbox) == 2
    got = mail.inbox[1].message
    # as sent: the subject folded over lines, the body's lines ended by CRLF
    subject, body = " ".join(str(got["Subject"]).split()), got.get_content().replace("\r\n", "\n")
    assert subject == f"[djamon] CLOSED: Hanging API removed from monitoring (outage {code})"
    assert "back" not in body and "RECOVERED" not in body
    assert "Removed from monitoring:\n- Hanging API (primary)" in body
    last = "unknown: the site was deleted" if how == "deleted" else "HTTP 500, then taken out"
    assert f"Last check: {last}" in body

    with opened(data_dir):
        [email] = Alert.select().where((Alert.event == "closed") & (Alert.channel == "email"))
        assert (email.subject, email.body) == (subject, body)
        events = [
            (e.event, e.site_id)
            for e in timeline.events_of(outage["id"])
            if e.site_id != ids["Shop"] and not e.event.startswith("alert_")  # the rules'
        ]
    assert events[:2] == [("failed", ids["Hanging API"]), ("opened", ids["Hanging API"])]
    assert events[-2:] == [("removed", ids["Hanging API"]), ("closed", None)]
