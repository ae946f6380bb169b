"""`check` of tcp:// sites: a port that opens is up with no status code, one refused is down."""

from __future__ import annotations

import json
import socket

import pytest

from ..conftest import document, group, site
from ..servers import closed_port

#: every test here runs on SQLite and on a team's PostgreSQL (tests/conftest.py, engine)
pytestmark = pytest.mark.usefixtures("engine")


def test_a_tcp_site_is_up_when_its_port_opens(server, load, run):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    open_url = f"tcp://127.0.0.1:{listener.getsockname()[1]}"
    refused_url = f"tcp://127.0.0.1:{closed_port()}"
    try:
        load(document(group("Ports", site("Database", open_url), site("Mail", refused_url))))
        first = run("check", "--json")
        again = run("check", "--json")
    finally:
        listener.close()
    assert first.code == again.code == 1  # the refused one fails
    by_title = {r["title"]: r for r in again.json()["results"]}
    db = by_title["Database"]
    assert db["url"] == open_url
    assert (db["ok"], db["status_code"], db["error"], db["down_count"], db["state"]) == (
        True,
        None,
        None,
        0,
        "up",
    )
    mail = by_title["Mail"]
    assert (mail["ok"], mail["status_code"], mail["error"], mail["down_count"]) == (
        False,
        None,
        "connection",
        2,
    )
    states = {s["title"]: s["state"] for s in run("sites", "--json").json()}
    assert states["Database"] == "up"


def test_a_tcp_site_without_a_port_is_refused_at_import(run, tmp_path):
    path = tmp_path / "doc.json"
    path.write_text(json.dumps(document(group("Ports", site("Database", "tcp://db.example")))))
    result = run("import", str(path))
    assert result.code == 2
    assert result.err.strip().endswith(
        f"{path}: groups[0].sites[0].url: 'tcp://db.example' has no port: a tcp:// URL is "
        "tcp://HOST:PORT, with a port from 1 to 65535"
    )
    assert run("sites", "--json").json() == []
