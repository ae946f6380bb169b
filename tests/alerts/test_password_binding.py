"""A password goes only where it was given for: ``smtp_password`` is bound to the e-mail
server of the moment it was set, and an alert for another server waits in the outbox with no
login tried (two real SMTP servers on loopback, each keeping every AUTH it is sent, and the
``check`` command in its own process); a plain-text login to a host that is not loopback is
refused at import and held at send time; a password stored before bindings were kept is bound
at its first use, with a warning in the log."""

from __future__ import annotations

import json

import pytest

from djamon_desktop import paths, secrets
from djamon_desktop.password_binding import SMTP_ELSEWHERE

from ..conftest import document, payments
from ..mail import PASSWORD, USER, MailServer

PLAINTEXT = "settings.email.security is none: the SMTP password would go unencrypted to"


@pytest.fixture
def other_mail(ca, mail):
    """A second SMTP server like ``mail`` (same user and password accepted, so a password sent
    to it would log in), on a port of its own."""
    server = MailServer(ca).start()
    yield server
    server.stop()


def held_reason(run, code: str) -> str:
    """The state of the outage's e-mail alert, as ``outage CODE`` says it."""
    [line] = [x for x in run("outage", code).out.splitlines() if x.startswith("Alert email")]
    return line


def set_smtp_password(run_process, value: str = PASSWORD) -> str:
    result = run_process("secret", "set", "smtp_password", stdin=f"{value}\n")
    assert result.code == 0, result.err
    return result.out


@pytest.mark.usefixtures("engine")
def test_an_alert_for_another_server_waits_and_no_login_is_tried(
    server, load, run, run_process, mail, other_mail, name
):
    load(payments(server, name, strikes=1, email=mail.settings()))
    said = set_smtp_password(run_process)
    assert said.strip() == (
        f"smtp_password: stored in the keyring, for localhost:{mail.port} (starttls) as {USER} only"
    )
    load(document(email={"port": other_mail.port}))  # the settings move to server B

    server.switch[name] = 500
    checked = run_process("check")
    assert checked.code == 1, checked.err
    code = run("outage", "current", "--json").json()["code"]
    assert other_mail.auth_attempts == [] and other_mail.inbox == []
    assert mail.auth_attempts == [] and mail.inbox == []
    assert f"Alert (email, outage {code} opened) kept queued: {SMTP_ELSEWHERE}" in checked.out
    assert held_reason(run, code).endswith(f": {SMTP_ELSEWHERE}")
    tested = run("alert-test", "email")  # the test message is held the same way
    assert tested.code == 2 and tested.err.strip().endswith(SMTP_ELSEWHERE)
    assert other_mail.auth_attempts == []

    again = run_process("check")  # still waiting, still no login
    assert again.code == 1 and SMTP_ELSEWHERE in again.out
    assert "queued after 2 attempts" in held_reason(run, code)
    assert other_mail.auth_attempts == []

    said = set_smtp_password(run_process)  # set again: now for server B
    assert f"for localhost:{other_mail.port} (starttls) as {USER} only" in said
    sent = run_process("check")
    assert f"Alert (email, outage {code} opened) sent" in sent.out, sent.out
    assert other_mail.auth_attempts == [USER]
    assert len(other_mail.inbox) == 1 and code in str(other_mail.inbox[0].message["Subject"])
    assert "delivered" in held_reason(run, code)
    assert mail.auth_attempts == [] and mail.inbox == []


@pytest.mark.usefixtures("engine")
def test_each_of_host_port_username_and_security_binds(server, load, run, run_process, mail, name):
    load(payments(server, name, strikes=1, email=mail.settings()))
    set_smtp_password(run_process)
    server.switch[name] = 500
    for change in (
        {"host": "127.0.0.1"},
        {"username": "someone-else@example.com"},
        {"security": "ssl"},
    ):
        load(document(email={**mail.settings(), **change}))
        tested = run("alert-test", "email")
        assert tested.code == 2 and tested.err.strip().endswith(SMTP_ELSEWHERE), change
    assert mail.auth_attempts == []
    load(document(email={**mail.settings(), "host": "LocalHost"}))  # the same host
    assert run("alert-test", "email").code == 0
    assert mail.auth_attempts == [USER]


def test_a_password_from_before_bindings_is_bound_at_its_first_use(
    server, load, run, mail, other_mail, name, data_dir
):
    # the mail fixture stored smtp_password the way an older version did: no server with it
    assert secrets.get_bound("smtp_password") == (PASSWORD, None)
    server.switch[name] = 500
    load(payments(server, name, strikes=1, email=mail.settings()))
    first = run("check")
    assert "kept queued" not in first.out and len(mail.inbox) == 1
    log_text = "".join(p.read_text() for p in paths.log_dir(data_dir).glob("*.log*"))
    assert "smtp_password had no server recorded" in log_text
    assert f"bound from now on to localhost:{mail.port} (starttls) as {USER}" in log_text
    bound = json.loads(secrets.get_bound("smtp_password")[1] or "null")
    assert bound == {
        "host": "localhost",
        "port": str(mail.port),
        "username": USER,
        "security": "starttls",
    }

    load(document(email={"port": other_mail.port}))  # from now on it holds
    server.switch[name] = 200
    closing = run("check")
    assert f"kept queued: {SMTP_ELSEWHERE}" in closing.out
    assert other_mail.auth_attempts == [] and mail.auth_attempts == [USER]


def test_secret_delete_takes_the_binding_too(run_process, keyring, load, run):
    load(document())
    run_process("secret", "set", "smtp_password", stdin="first\n")
    assert secrets.get_bound("smtp_password")[1] is not None
    assert run_process("secret", "delete", "smtp_password").code == 0
    assert secrets.get_bound("smtp_password") == (None, None)
    listed = run_process("secret", "list").out.splitlines()
    assert "smtp_password: not set" in listed and len(listed) == len(secrets.NAMES)


# -- no password in plain text to another machine ------------------------------------------------


@pytest.mark.parametrize("host", ["mail.example.com", "127.0.0.1.nip.io", "10.0.0.1", "::2"])
def test_a_plain_login_to_a_host_that_is_not_loopback_is_refused_at_import(
    run, load, tmp_path, host
):
    load(document())
    before = run("export").out
    path = tmp_path / "plain.json"
    email = {"host": host, "port": 25, "security": "none", "username": "ops"}
    path.write_text(json.dumps(document(email=email)))
    result = run("import", str(path))
    assert result.code == 2
    assert result.err.splitlines()[-1] == (
        f"{path}: settings.email.security: none would send the SMTP password unencrypted to "
        f"{host}, which is not this machine (only localhost, 127.x.x.x or ::1 is); use starttls "
        "or ssl, or no username"
    )
    assert run("export").out == before  # nothing stored


@pytest.mark.parametrize(
    "email",
    [
        {"host": "localhost", "security": "none", "username": "ops"},
        {"host": "127.0.0.2", "security": "none", "username": "ops"},
        {"host": "::1", "security": "none", "username": "ops"},
        {"host": "mail.example.com", "security": "none", "username": ""},  # no login
        {"host": "mail.example.com", "security": "starttls", "username": "ops"},
    ],
)
def test_what_sends_no_password_in_plain_text_to_another_machine_is_taken(run, load, email):
    load(document(email=email))
    assert json.loads(run("export").out)["settings"]["email"]["security"] == email["security"]


def test_a_plain_login_stored_before_is_held_without_connecting(load, run, server, mail, name):
    """Settings an older version (or another desktop) stored: the alert waits with a reason, and
    no connection is made (mail.example.com can't be resolved here: trying would say so)."""
    from djamon_desktop.store.database import close_database, open_database
    from djamon_desktop.store.engine import writing
    from djamon_desktop.store.settings import load_settings, write_settings

    load(payments(server, name, strikes=1, email=mail.settings()))
    open_database(paths.database_path(paths.resolve_data_dir(None)))
    try:
        with writing():
            moved = {"host": "mail.example.com", "security": "none"}
            email = {**load_settings().part("email"), **moved}
            write_settings({"email": email})
    finally:
        close_database()
    server.switch[name] = 500
    checked = run("check")
    assert f"kept queued: {PLAINTEXT} mail.example.com, which is not this machine" in checked.out
    assert "was not found" not in checked.out
    tested = run("alert-test", "email")
    assert tested.code == 2 and PLAINTEXT in tested.err
    assert mail.auth_attempts == []
