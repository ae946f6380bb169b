from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
import trustme

from djamon_desktop import cli

from .certs import cert_sites
from .mail import PASSWORD, MailServer
from .postgres import PostgresServer
from .servers import MisbehavingServer


def pytest_addoption(parser, pluginmanager):
    """In the Qt-free run (the command line installed without the gui extra, pytest-qt left
    out) the settings pytest-qt reads are still known, so the configuration stays valid."""
    if not pluginmanager.has_plugin("pytest-qt"):
        parser.addini("qt_log_level_fail", "pytest-qt's: not loaded in this run")
        parser.addini("qt_log_ignore", "pytest-qt's: not loaded in this run", type="linelist")


PROXY_VARS = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture(autouse=True)
def _hermetic_env(monkeypatch, tmp_path):
    """No proxy, CA bundle or data folder leaks in from the machine running the tests."""
    for name in PROXY_VARS:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DJAMON_DATA_DIR", str(tmp_path / "data"))
    for name in ("DJAMON_DATABASE_URL", "DJAMON_VANTAGE", "PGPASSWORD", "PGPASSFILE"):
        monkeypatch.delenv(name, raising=False)
    # No OS keyring unless a test asks for one (see the `keyring` fixture).
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    _reload_keyring()


def _reload_keyring() -> None:
    import keyring.core

    keyring.core.init_backend()


@pytest.fixture
def keyring(monkeypatch, tmp_path):
    """A real keyring backend (keyrings.alt's file keyring) chosen the standard way, through
    PYTHON_KEYRING_BACKEND, and kept outside the data folder. Returns a setter."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "keyring-home"))
    _reload_keyring()
    from djamon_desktop import secrets

    yield secrets.put
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    _reload_keyring()


@pytest.fixture
def name() -> str:
    """A name of this test's own, e.g. for a switch on the shared server (/switch/NAME)."""
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def server():
    s = MisbehavingServer().start()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def ca():
    return trustme.CA()


@pytest.fixture
def ca_file(ca, tmp_path):
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


@pytest.fixture
def mail(ca, ca_file, monkeypatch, keyring):
    """A STARTTLS + AUTH SMTP server the program (and the processes it starts) trusts
    (SSL_CERT_FILE), its password in the keyring."""
    monkeypatch.setenv("SSL_CERT_FILE", ca_file)
    keyring("smtp_password", PASSWORD)
    server = MailServer(ca).start()
    yield server
    server.stop()


@pytest.fixture
def cert_site(ca, tmp_path, monkeypatch):
    """``cert_site(days)``: an HTTPS site whose certificate expires ``days`` from now, trusted
    by the checks (tests/certs.py), stopped at the test's end."""
    with cert_sites(ca, tmp_path, monkeypatch) as make:
        yield make


@pytest.fixture(scope="session")
def tls_server(ca):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    s = MisbehavingServer(tls=context).start()
    yield s
    s.stop()


@pytest.fixture
def data_dir(tmp_path) -> Path:
    return tmp_path / "data"


@dataclass
class Run:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


@pytest.fixture
def run(capsys):
    """Call the command line in this process: run("check", "--json") -> Run."""

    def call(*args: str) -> Run:
        capsys.readouterr()
        code = cli.main(list(args))
        captured = capsys.readouterr()
        return Run(code, captured.out, captured.err)

    return call


@pytest.fixture
def run_process():
    """Run the installed program in its own process, as a user or script would."""

    def call(*args: str, stdin: str | None = None, env: dict | None = None) -> Run:
        proc = subprocess.run(
            [sys.executable, "-m", "djamon_desktop", *args],
            input=stdin,
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return call


def document(*groups: dict, **settings) -> dict:
    """A djamon-desktop/1 document; by default the connectivity guard is off (no internet here)."""
    settings.setdefault("sandbox_urls", [])
    return {"format": "djamon-desktop/1", "settings": settings, "groups": list(groups)}


def group(title: str, *sites: dict) -> dict:
    return {"title": title, "sites": list(sites)}


def site(title: str, url: str, **extra) -> dict:
    return {"title": title, "url": url, **extra}


def payments(
    server, name: str, message: str = "Card payments fail.", blog: bool = True, **settings
):
    """The usual test document: a critical "Payments" site on /switch/NAME (so a test can make it
    fail) and, with ``blog``, a low-priority "Blog" that is always up."""
    sites = [
        site("Payments", server.url(f"/switch/{name}"), priority="critical", down_message=message)
    ]
    if blog:
        sites.append(site("Blog", server.url("/status/200"), priority="low"))
    return document(group("Production", *sites), **settings)


@pytest.fixture
def load(run, tmp_path):
    """Import a document through the command line and insist it was taken."""

    def call(doc: dict) -> None:
        path = tmp_path / "load.json"
        path.write_text(json.dumps(doc))
        result = run("import", str(path))
        assert result.code == 0, result.err

    return call


def checks_at_once(data_dir: Path, count: int) -> list[tuple[int, str]]:
    """``count`` processes running ``check`` on the data folder at the same time; each one's
    exit code and what it wrote to stderr, once all have ended."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir), "check"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    ended = [proc.communicate(timeout=60)[1] for proc in procs]
    return [(proc.returncode, err) for proc, err in zip(procs, ended, strict=True)]


class Clock:
    """A clock a test sets: ``clock()`` is ``clock.now`` (an App's or a Poller's ``clock``)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@contextlib.contextmanager
def opened(data_dir: Path):
    """The database the command line uses with this data folder (its SQLite file, or the team
    database ``DJAMON_DATABASE_URL`` names), open in this process for a direct look."""
    from djamon_desktop import team
    from djamon_desktop.store.database import close_database, open_database

    open_database(team.database_target(None, data_dir))
    try:
        yield
    finally:
        close_database()


# -- a real PostgreSQL server (tests/postgres.py) ------------------------------------------


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL cluster for the whole run, started on first use and removed at the end."""
    server = PostgresServer.create().start()
    yield server
    server.remove()


@pytest.fixture
def team_url(pg_server):
    """The URL (password included) of a new, empty PostgreSQL database of this test's own."""
    url = pg_server.fresh_database()
    yield url
    _let_go_of_team_database()
    pg_server.drop_database(url)


def _let_go_of_team_database() -> None:
    """This thread's connection closed and the store's ``db`` pointing at nothing rather than
    at a database about to be dropped: the next test starts as a new process would."""
    from djamon_desktop.store.database import close_database
    from djamon_desktop.store.models import db

    close_database()
    db.initialize(None)


@pytest.fixture(scope="session")
def pg_latest(pg_server) -> str:
    """The name of a database at the latest schema, migrated once, that the ``engine`` tests'
    databases are copied from (migrating each test's own database cost ~0.1 s a test)."""
    from djamon_desktop.store.database import open_database

    url = pg_server.fresh_database()
    open_database(url)
    _let_go_of_team_database()  # a template must have no one connected
    return url.rsplit("/", 1)[1]


@pytest.fixture
def team_url_at_latest(pg_server, pg_latest):
    """Like ``team_url``, but the new database already has the latest schema (no rows)."""
    url = pg_server.fresh_database(template=pg_latest)
    yield url
    _let_go_of_team_database()
    pg_server.drop_database(url)


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, monkeypatch):
    """Runs a test once on each engine: for ``postgresql`` a new team database (at the latest
    schema, see ``pg_latest``; tests of migrating use ``team_url``) is chosen the way a user
    chooses it (``DJAMON_DATABASE_URL``); for ``sqlite`` the data folder's file. Returns the
    engine's name."""
    if request.param == "postgresql":
        url = request.getfixturevalue("team_url_at_latest")
        monkeypatch.setenv("DJAMON_DATABASE_URL", url)
    return request.param


@pytest.fixture
def database_target(engine, data_dir):
    """What ``open_database`` is given on this engine: the data folder's SQLite file or the
    team database's URL."""
    import os

    from djamon_desktop import team

    return team.database_target(os.environ.get("DJAMON_DATABASE_URL"), data_dir)
