"""One app per data folder, with real processes: the data folder's lock decides which launch runs,
and the channel a second launch talks to is reachable only by the same user, whatever the umask
and whatever another user created first (that part runs as root: a child process as `nobody`)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from djamon_desktop import team
from djamon_desktop.instance import LOCK_NAME, ask_to_show

NOBODY = 65534
SYSTEM_PYTHON = "/usr/bin/python3"  # one `nobody` can run (the tests' venv may be out of reach)

#: as `nobody`: listen at PATH, the name the app's socket had in /tmp, and answer "ok" to
#: anything, as an app would; prints a line for every connection
SQUATTER = """
import socket, sys
s = socket.socket(socket.AF_UNIX)
s.bind(sys.argv[1])
s.listen(8)
print("listening", flush=True)
while True:
    c, _ = s.accept()
    print("connection", c.recv(64), flush=True)
    c.sendall(b"ok\\n")
    c.close()
"""

#: as `nobody`: what happens when it opens the lock file and when it asks the channel to show
PROBE = """
import json, socket, sys
out = {}
try:
    open(sys.argv[1], "rb").close()
    out["lock"] = "opened"
except OSError as exc:
    out["lock"] = type(exc).__name__
c = socket.socket(socket.AF_UNIX)
c.settimeout(5)
try:
    c.connect(sys.argv[2])
    c.sendall(b"show\\n")
    out["channel"] = "answered %r" % c.recv(16)
except OSError as exc:
    out["channel"] = type(exc).__name__
print(json.dumps(out))
"""


def app_env(home: Path, runtime: str | None) -> dict[str, str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(home)}
    for name in ("XDG_RUNTIME_DIR", "XDG_CACHE_HOME", "DISPLAY", "WAYLAND_DISPLAY"):
        env.pop(name, None)
    env.pop(team.ENV_DATABASE, None)
    if runtime is not None:
        env["XDG_RUNTIME_DIR"] = runtime
    return env


def launch(data_dir: Path, env: dict[str, str], umask: int = -1) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, umask=umask,
    )  # fmt: skip


def wait_up(app: subprocess.Popen, data_dir: Path) -> str:
    """Once the app answers on its channel: the channel's path (from the lock file)."""
    deadline = time.monotonic() + 30
    while ask_to_show(data_dir, timeout=0.5) != "shown":
        if app.poll() is not None:
            pytest.fail(f"the app ended ({app.returncode}): {app.stdout.read()}")
        assert time.monotonic() < deadline, "the app never answered on its channel"
    return (data_dir / LOCK_NAME).read_text().strip()


def stop(app: subprocess.Popen) -> str:
    app.terminate()
    try:
        out = app.communicate(timeout=30)[0]
    except subprocess.TimeoutExpired:
        app.kill()
        out = app.communicate()[0]
    assert app.returncode == 0, out
    return out


def mode(path: str | Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


def test_a_second_launch_brings_the_first_forward_without_a_second_app(tmp_path, data_dir):
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    env = app_env(tmp_path / "home", str(runtime))
    first = launch(data_dir, env)
    try:
        channel = wait_up(first, data_dir)
        assert Path(channel).parent == runtime and Path(channel).exists()
        second = subprocess.run(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert second.returncode == 0, second.stderr
        assert "its dashboard was brought forward" in second.stdout
        assert first.poll() is None
    finally:
        stop(first)
    assert not Path(channel).exists()  # taken away at the end
    # the next launch is the first again
    again = launch(data_dir, env)
    try:
        assert wait_up(again, data_dir) == channel
    finally:
        stop(again)


def test_a_second_launch_leaves_its_request_with_a_first_that_is_not_answering(tmp_path, data_dir):
    """The first stopped (as one still opening a hung database is): the second does not start
    an app of its own, leaves "show" waiting and exits 0; the first takes it when it goes on."""
    env = app_env(tmp_path / "home", None)
    first = launch(data_dir, env)
    try:
        wait_up(first, data_dir)
        first.send_signal(signal.SIGSTOP)
        start = time.monotonic()
        second = subprocess.run(
            [sys.executable, "-m", "djamon_desktop", "--data-dir", str(data_dir)],
            env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        took = time.monotonic() - start
        assert second.returncode == 0, second.stderr
        assert "still starting; it will bring its dashboard forward" in second.stdout
        # not stuck on the stopped first one: the bound is slack for starting Python under load
        assert took < 10, took
        first.send_signal(signal.SIGCONT)
        assert ask_to_show(data_dir, timeout=10) == "shown"
    finally:
        first.send_signal(signal.SIGCONT)
        stop(first)


def test_umask_000_does_not_widen_the_channel_and_tmp_is_never_used(tmp_path, data_dir):
    """$XDG_RUNTIME_DIR=/tmp (world-writable) is passed over for ~/.cache/djamon-desktop/run."""
    home = tmp_path / "home"
    app = launch(data_dir, app_env(home, "/tmp"), umask=0)
    try:
        channel = wait_up(app, data_dir)
        folder = home / ".cache" / "djamon-desktop" / "run"
        assert Path(channel).parent == folder
        assert (mode(channel), mode(folder), mode(data_dir / LOCK_NAME)) == (0o600, 0o700, 0o600)
        assert mode(home / ".cache") == mode(home / ".cache" / "djamon-desktop") == 0o700
    finally:
        stop(app)


def test_a_channel_folder_that_is_too_wide_is_tightened(tmp_path, data_dir):
    home = tmp_path / "home"
    folder = home / ".cache" / "djamon-desktop" / "run"
    folder.mkdir(parents=True)
    folder.chmod(0o777)
    app = launch(data_dir, app_env(home, None))
    try:
        assert Path(wait_up(app, data_dir)).parent == folder
        assert mode(folder) == 0o700
    finally:
        stop(app)


def test_a_long_folder_path_still_holds_the_channel(tmp_path, data_dir):
    """A folder path longer than a socket address allows (108 bytes)."""
    home = tmp_path / ("h" * 120)
    app = launch(data_dir, app_env(home, None))
    try:
        channel = wait_up(app, data_dir)
        assert len(os.fsencode(channel)) > 108 and Path(channel).exists()
    finally:
        stop(app)


def as_nobody(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [SYSTEM_PYTHON, "-c", *args],
        user=NOBODY, group=NOBODY, extra_groups=[], cwd="/", text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs,
    )  # fmt: skip


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, to run a process as another user")
def test_another_user_can_neither_keep_the_app_from_starting_nor_reach_it():
    public = Path(tempfile.mkdtemp(prefix="djamon-squat-", dir="/tmp"))
    data_dir = public / "data"  # a folder named by the user keeps its mode: here 0755
    old_name = "/tmp/djamon-desktop-" + hashlib.sha1(str(data_dir).encode()).hexdigest()[:16]
    squatter = app = None
    out = heard = log = ""
    try:
        public.chmod(0o755)  # nobody may walk up to the channel's own folder, not into it
        home = public / "home"
        (home / ".cache" / "djamon-desktop").mkdir(parents=True)
        for folder in (data_dir, home, home / ".cache", home / ".cache" / "djamon-desktop"):
            folder.mkdir(exist_ok=True)
            folder.chmod(0o755)
        theirs = public / "their-runtime"  # an $XDG_RUNTIME_DIR that is nobody's
        theirs.mkdir(mode=0o700)
        os.chown(theirs, NOBODY, NOBODY)
        if os.path.lexists(old_name):
            os.unlink(old_name)
        squatter = as_nobody(SQUATTER, old_name)
        assert squatter.stdout.readline().strip() == "listening", squatter.stderr.read()

        app = launch(data_dir, app_env(home, str(theirs)))
        channel = wait_up(app, data_dir)  # it started, and answers its own user
        run = home / ".cache" / "djamon-desktop" / "run"
        assert Path(channel).parent == run and not any(theirs.iterdir())

        probe = as_nobody(PROBE, str(data_dir / LOCK_NAME), channel)
        assert json.loads(probe.communicate(timeout=30)[0]) == {
            "lock": "PermissionError",
            "channel": "PermissionError",
        }
        # a folder loosened by hand (or by another program): the app itself refuses the user
        run.chmod(0o755)
        os.chmod(channel, 0o777)
        probe = as_nobody(PROBE, str(data_dir / LOCK_NAME), channel)
        said = json.loads(probe.communicate(timeout=30)[0])["channel"]
        assert said in ("answered b''", "ConnectionResetError", "BrokenPipeError"), said
        assert app.poll() is None
    finally:
        if app is not None:
            out = stop(app)
        if squatter is not None:
            squatter.kill()
            heard = squatter.communicate()[0]
        if os.path.lexists(old_name):
            os.unlink(old_name)
        log = "".join(p.read_text() for p in (data_dir / "logs").glob("*.log*"))
        shutil.rmtree(public, ignore_errors=True)
    assert "connection" not in heard  # nothing of ours went to the squatter
    assert "already running" not in out
    assert f"refused a connection from user id {NOBODY}" in log
    assert f"no channel for a second launch in {theirs}" in log
