"""A site URL with credentials: sent as Basic authentication, and its password shown as ***
wherever the program shows or logs the URL (the command line, the log, the e-mail alert);
``export`` keeps the URL as it was given."""

from __future__ import annotations

import base64
import json

import pytest

from djamon_desktop import paths

from ..conftest import document, group, site

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")

PASSWORD = "hunter2-Pässwörd"
QUOTED = "hunter2-P%C3%A4ssw%C3%B6rd"


def test_password_is_sent_as_basic_auth_and_shown_nowhere(server, load, run, mail, name, data_dir):
    server.switch[name] = 500
    url = f"http://ops:{QUOTED}@127.0.0.1:{server.port}/switch/{name}"
    shown = f"http://ops:***@127.0.0.1:{server.port}/switch/{name}"
    load(document(group("G", site("Payments", url)), strikes=1, email=mail.settings()))
    before = len(server.seen)

    checked = run("check", "--json")
    assert checked.code == 1
    assert checked.json()["results"][0]["url"] == shown
    seen = server.seen[before]
    token = base64.b64encode(f"ops:{PASSWORD}".encode()).decode()
    assert seen.headers["authorization"] == f"Basic {token}"
    assert "ops" not in seen.target and "hunter2" not in seen.target

    outputs = [checked.out, run("check").out]
    assert run("sites", "--json").json()[0]["url"] == shown
    outputs += [run("sites").out, run("outages", "--json").out, run("outages").out]
    outputs += [run("outage", "current", "--json").out, run("outage", "current").out]
    log_text = "".join(
        p.read_text(encoding="utf-8") for p in paths.log_dir(data_dir).glob("*.log*")
    )
    assert shown in log_text  # the failing site is logged, password hidden
    outputs.append(log_text)

    [opened] = mail.inbox
    body = opened.message.get_content()
    assert shown in body
    outputs += [body, str(opened.message["Subject"])]
    for text in outputs:
        assert "hunter2" not in text and QUOTED not in text and PASSWORD not in text

    exported = json.loads(run("export").out)
    assert exported["groups"][0]["sites"][0]["url"] == url  # export keeps it as given
