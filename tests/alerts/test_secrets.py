"""`secret set/list/delete`, a missing keyring, and no secret in anything the program writes."""

from __future__ import annotations

import json
import threading
import time
import uuid
from pathlib import Path

import pytest

from djamon_desktop.secrets import NAMES

from ..conftest import document, group, site
from ..mail import PASSWORD
from ..xapi import CREDENTIALS


def test_set_list_delete(run_process, keyring):
    assert run_process("secret", "set", "smtp_password", stdin="pa ss wörd\n").code == 0
    listed = run_process("secret", "list").out.splitlines()
    assert "smtp_password: set" in listed
    assert "twitter_consumer_key: not set" in listed
    assert len(listed) == len(NAMES)
    assert "pa ss wörd" not in run_process("secret", "list").out
    from djamon_desktop import secrets

    assert secrets.get("smtp_password") == "pa ss wörd"
    deleted = run_process("secret", "delete", "smtp_password")
    assert (deleted.code, deleted.out.strip()) == (0, "smtp_password: deleted")
    again = run_process("secret", "delete", "smtp_password")
    assert (again.code, again.out.strip()) == (0, "smtp_password: was not set")


def test_unknown_name(run_process, keyring):
    result = run_process("secret", "set", "smtp_pasword", stdin="x\n")
    assert result.code == 2
    assert result.err.strip() == (
        "djamon-desktop: secret 'smtp_pasword' is not known; the names are: " + ", ".join(NAMES)
    )


def test_empty_value_is_refused(run_process, keyring):
    result = run_process("secret", "set", "smtp_password", stdin="\n")
    assert result.code == 2 and "no value was given" in result.err


def test_no_keyring_backend_says_how_to_fix(run_process):
    # the tests' default: PYTHON_KEYRING_BACKEND names keyring's "fail" backend
    for args in (("secret", "list"), ("secret", "set", "smtp_password")):
        result = run_process(*args, stdin="x\n")
        assert result.code == 2
        assert len(result.err.splitlines()) == 1
        assert "PYTHON_KEYRING_BACKEND" in result.err


def test_a_backend_that_does_not_load(run_process):
    result = run_process("secret", "list", env={"PYTHON_KEYRING_BACKEND": "no.such.Backend"})
    assert result.code == 2
    assert "no usable keyring backend" in result.err and "Traceback" not in result.err


def test_no_secret_in_anything_the_program_writes(
    server, load, run, run_process, mail, xapi, keyring, data_dir, tmp_path
):
    """Every channel, a failing login and an X refusal, then every file searched."""
    name = uuid.uuid4().hex[:8]
    server.switch[name] = 500
    load(
        document(
            group("G", site("A", server.url(f"/switch/{name}"))),
            strikes=1,
            email=mail.settings(),
            twitter={"enabled": True},
        )
    )
    outputs = []
    xapi.answers = [401]
    keyring("smtp_password", "wrong-" + PASSWORD)
    outputs.append(run("check"))  # login refused, X refuses: both kept with reasons
    keyring("smtp_password", PASSWORD)
    server.switch[name] = 200
    outputs += [run("check"), run("check")]  # delivered; recovery
    outputs += [run("outages", "--json"), run("outage", "1"), run("sites", "--json")]
    outputs.append(run("export", str(tmp_path / "export.json")))
    outputs += [run_process("alert-test", "email"), run_process("alert-test", "twitter")]
    outputs.append(run_process("secret", "list"))
    assert len(mail.inbox) >= 3 and xapi.posts

    secrets = [PASSWORD, "wrong-" + PASSWORD, *CREDENTIALS.values()]
    written = [p for p in data_dir.rglob("*") if p.is_file()] + [tmp_path / "export.json"]
    assert any(p.suffix == ".log" for p in written)
    assert any(p.name.endswith("-wal") or p.name.endswith(".sqlite3") for p in written)
    for path in written:
        content = path.read_bytes()
        for value in secrets:
            for form in (value.encode(), value.encode("utf-16-le"), json.dumps(value).encode()):
                assert form not in content, f"{value!r} found in {path}"
    for result in outputs:
        for value in secrets:
            assert value not in result.out and value not in result.err


@pytest.fixture
def hung_keyring(monkeypatch):
    """The keyring that does not answer, with a deadline of half a second instead of 15 s."""
    from djamon_desktop import secrets

    monkeypatch.syspath_prepend(str(Path(__file__).parent))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "hung_keyring.Keyring")
    monkeypatch.setattr(secrets, "TIMEOUT_S", 0.5)
    import hung_keyring
    import keyring.core

    keyring.core.init_backend()
    hung_keyring.answer.clear()
    yield hung_keyring.answer
    hung_keyring.answer.set()
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    keyring.core.init_backend()


def test_a_keyring_that_does_not_answer(hung_keyring):
    """Called from a worker thread, as the app does: an error after the deadline, then at once
    while that request still waits, and the keyring used again once it answers."""
    from djamon_desktop import secrets

    outcomes: list[tuple[str, float]] = []

    def worker() -> None:
        for call in (secrets.status, lambda: secrets.put("smtp_password", "x")):
            started = time.monotonic()
            try:
                call()
                outcomes.append(("answered", time.monotonic() - started))
            except secrets.SecretStoreError as exc:
                outcomes.append((exc.message, time.monotonic() - started))

    thread = threading.Thread(target=worker)
    thread.start()
    thread.join(10)
    assert not thread.is_alive()
    (first, waited), (second, at_once) = outcomes
    assert first == secrets.no_answer_message()
    assert first.startswith("the keyring did not answer within 0.5 s: it is locked or waiting")
    assert 0.5 <= waited < 2  # its 0.5 s wait, with slack for a loaded machine
    # at once, not another 0.5 s wait behind the first: slack for a loaded machine
    assert second == secrets.STILL_WAITING and at_once < 0.4

    hung_keyring.set()  # the user unlocks it: the waiting request ends, then calls work again
    deadline = time.monotonic() + 5
    while True:
        try:
            known = secrets.status()
            break
        except secrets.SecretStoreError as exc:
            assert exc.message == secrets.STILL_WAITING and time.monotonic() < deadline
            time.sleep(0.01)
    assert known == {n: False for n in NAMES}


def test_set_from_a_pipe_keeps_every_line(run_process, keyring):
    urls = "json://127.0.0.1:9/hook\nntfy://ntfy.example/topic\n"
    assert run_process("secret", "set", "apprise_urls", stdin=urls).code == 0
    from djamon_desktop import secrets

    assert secrets.get("apprise_urls") == urls.removesuffix("\n")
