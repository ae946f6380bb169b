"""The real OS keyring: GNOME Keyring on a private session bus, with keyrings.alt installed beside
it (so keyring's automatic choice is a chain holding a plaintext file too). Only GNOME Keyring may
be read or written; a locked keyring and one whose unlock prompt nobody answers are clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from djamon_desktop.secrets import LOCKED, NAMES, SERVICE, TIMEOUT_S, no_answer_message

from .gnome_keyring import GnomeKeyring, missing_tools


def _skip_without(display: bool = False) -> None:
    missing = missing_tools(display)
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian: gnome-keyring, dbus-bin, xvfb)")
    pytest.importorskip("keyrings.alt", reason="keyrings.alt is in the test tools")
    pytest.importorskip("secretstorage", reason="keyring's Secret Service backend needs it")


@pytest.fixture
def gnome(tmp_path):
    _skip_without()
    keyring = GnomeKeyring(tmp_path / "home").start(unlock=True)
    yield keyring
    keyring.stop()


def cli(gnome: GnomeKeyring, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "djamon_desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=gnome.full_env(),
        timeout=60,
    )


def python(gnome: GnomeKeyring, code: str) -> str:
    """Run ``code`` in a Python of the same environment (as the program would see it)."""
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=gnome.full_env()
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def in_gnome_keyring(gnome: GnomeKeyring, name: str) -> str | None:
    """What GNOME Keyring itself holds, read through keyring's Secret Service backend alone."""
    out = python(
        gnome,
        "import json\nfrom keyring.backends.SecretService import Keyring\n"
        f"print(json.dumps(Keyring().get_password({SERVICE!r}, {name!r})))",
    )
    return json.loads(out)


def listed(gnome: GnomeKeyring) -> dict[str, str]:
    result = cli(gnome, "secret", "list")
    assert result.returncode == 0, result.stderr
    return dict(line.split(": ", 1) for line in result.stdout.splitlines())


def test_only_gnome_keyring_is_read_and_written(gnome):
    # a plaintext keyring file (keyrings.alt) already holding every name
    plaintext = Path(
        python(
            gnome,
            "from keyrings.alt.file import PlaintextKeyring\n"
            "k = PlaintextKeyring()\n"
            f"for n in {NAMES!r}: k.set_password({SERVICE!r}, n, 'from-the-file-' + n)\n"
            "print(k.file_path)",
        )
    )
    before = plaintext.read_bytes()
    # keyring's own choice is the chain of both: what the program must see through
    chain = python(
        gnome, "import keyring; print([type(b).__module__ for b in keyring.get_keyring().backends])"
    )
    assert "keyring.backends.SecretService" in chain and "keyrings.alt.file" in chain

    assert listed(gnome) == {n: "not set" for n in NAMES}
    deleted = cli(gnome, "secret", "delete", "smtp_password")
    assert (deleted.returncode, deleted.stdout.strip()) == (0, "smtp_password: was not set")

    stored = cli(gnome, "secret", "set", "smtp_password", stdin="in-gnome\n")
    assert stored.returncode == 0, stored.stderr
    assert in_gnome_keyring(gnome, "smtp_password") == "in-gnome"
    assert listed(gnome) == {n: "set" if n == "smtp_password" else "not set" for n in NAMES}

    deleted = cli(gnome, "secret", "delete", "smtp_password")
    assert (deleted.returncode, deleted.stdout.strip()) == (0, "smtp_password: deleted")
    assert in_gnome_keyring(gnome, "smtp_password") is None
    assert listed(gnome)["smtp_password"] == "not set"
    assert plaintext.read_bytes() == before


def test_no_os_keyring_left_is_the_clear_error(tmp_path):
    """No session bus: keyring's choice falls to the plaintext file, which is refused."""
    pytest.importorskip("keyrings.alt", reason="keyrings.alt is in the test tools")
    home = GnomeKeyring(tmp_path / "home")  # its environment only: nothing is started
    result = cli(home, "secret", "list")
    assert result.returncode == 2
    assert result.stderr.startswith("djamon-desktop: no usable OS keyring was found; ")
    assert len(result.stderr.splitlines()) == 1
    assert not list((tmp_path / "home").rglob("keyring_pass.cfg"))


def test_a_locked_keyring_says_so(gnome):
    """The login keyring locked and its prompt can't be shown (no display): refused at once."""
    gnome.stop_daemon()
    gnome.start_daemon(unlock=False)
    for args, stdin in ((("secret", "list"), None), (("secret", "set", "smtp_password"), "x\n")):
        result = cli(gnome, *args, stdin=stdin)
        assert (result.returncode, result.stderr) == (2, f"djamon-desktop: {LOCKED}\n")


def test_an_unlock_prompt_nobody_answers_times_out(tmp_path):
    """GNOME Keyring shows its unlock prompt on a display nobody looks at: `secret list`, `set`
    and `delete` (at once, so the test takes 15 s, not 45) each give up after 15 s."""
    _skip_without(display=True)
    gnome = GnomeKeyring(tmp_path / "home").with_display().start(unlock=True)
    procs: list[subprocess.Popen] = []
    try:
        gnome.stop_daemon()
        gnome.start_daemon(unlock=False)  # locked now; unlocking needs the prompt
        calls = [
            ("secret", "list"),
            ("secret", "set", "smtp_password"),
            ("secret", "delete", "smtp_password"),
        ]
        started = time.monotonic()
        procs += [
            subprocess.Popen(
                [sys.executable, "-m", "djamon_desktop", *args],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env=gnome.full_env(),
            )
            for args in calls
        ]

        def wait(proc: subprocess.Popen) -> tuple:
            out, err = proc.communicate("secret-value\n", timeout=60)  # read by `set` only
            return (proc.returncode, out, err, time.monotonic() - started)

        with ThreadPoolExecutor(len(procs)) as pool:
            outcomes = list(pool.map(wait, procs))
        for code, out, err, elapsed in outcomes:
            assert (code, out, err) == (2, "", f"djamon-desktop: {no_answer_message()}\n")
            # the keyring's timeout, then a prompt exit: slack for starting Python under load
            assert TIMEOUT_S <= elapsed < TIMEOUT_S + 10
        assert "secret-value" not in "".join(o[2] for o in outcomes)
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        gnome.stop()
