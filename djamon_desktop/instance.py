"""One app per data folder, decided by a lock, reached through a channel only its user can open.

Which launch runs is decided by ``app.lock`` in the data folder (0600, ``flock``-ed for the app's
life), never by whether something answers on a socket: another user can't take a lock on a file
they can't open, so nothing they create anywhere keeps the app from starting. The first launch
then listens on a Unix socket in a folder of the user's own that nobody else can enter:
``$XDG_RUNTIME_DIR`` when it is ours and 0700, else ``~/.cache/djamon-desktop/run`` (made 0700),
else ``run`` in the data folder. It writes the socket's path into the lock file, where a second
launch (which finds the lock held) reads it, and asks it to show its dashboard.

Whatever the umask: the folder is 0700 and checked for owner and mode by both ends, the socket
0600, and the listening side drops a connection from another user (``SO_PEERCRED``). Both ends
reach the socket through an open descriptor of its folder (``/proc/self/fd/N/NAME``), so the
folder checked is the folder used, and a folder path longer than a socket address allows (108
bytes) works too. No Qt here: the app's side wraps :attr:`Claim.listener` (gui/single.py).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import logging
import os
import socket
import stat
import struct
import time
from dataclasses import dataclass
from pathlib import Path

from .errors import UserError

log = logging.getLogger(__name__)

LOCK_NAME = "app.lock"
RUN_NAME = "run"  # the last resort's folder, in the data folder
_ADDRESS_MAX = 107  # sun_path is 108 bytes with its NUL
_PROC_FD = "/proc/self/fd"


@dataclass
class Claim:
    """This process runs the app for a data folder: the lock it holds and its channel."""

    lock_fd: int
    listener: socket.socket | None  # None: no private folder could hold a socket
    folder_fd: int | None
    name: str = ""

    def close(self) -> None:
        """Stop listening, take the socket away and let the lock go (the exit does it too)."""
        if self.listener is not None:
            self.listener.close()
            with contextlib.suppress(OSError):
                os.unlink(self.name, dir_fd=self.folder_fd)
        for fd in (self.folder_fd, self.lock_fd):
            if fd is not None and fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self.listener = self.folder_fd = None
        self.lock_fd = -1  # (a second close must not close a number reused since)


_held: dict[Path, Claim] = {}


def socket_name(data_dir: Path) -> str:
    digest = hashlib.sha1(str(data_dir.resolve()).encode()).hexdigest()[:16]
    return f"djamon-desktop-{digest}.sock"


def claim(data_dir: Path) -> Claim | None:
    """Take the data folder's lock and open the channel; None when another process holds it.
    Called again in the process that holds it, returns the same claim."""
    key = data_dir.resolve()
    if key in _held:
        return _held[key]
    lock_fd = _open_lock(data_dir / LOCK_NAME)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock_fd)
        return None
    except OSError as exc:  # a filesystem without locks: nothing to tell two launches apart
        log.warning("can't lock %s (%s); not checking for another launch", data_dir, exc)
    os.ftruncate(lock_fd, 0)  # the path a crashed run left
    held = Claim(lock_fd, None, None, socket_name(data_dir))
    for folder in _folders(data_dir):
        try:
            held.folder_fd = _private_folder(folder)
            held.listener = _listen(held.folder_fd, folder, held.name)
        except OSError as exc:
            log.warning("no channel for a second launch in %s: %s", folder, exc.strerror or exc)
            if held.folder_fd is not None:
                os.close(held.folder_fd)
                held.folder_fd = None
            continue
        os.pwrite(lock_fd, os.fsencode(os.path.join(folder, held.name)) + b"\n", 0)
        log.info("a second launch reaches this one at %s", os.path.join(folder, held.name))
        break
    _held[key] = held
    return held


def release(data_dir: Path) -> None:
    held = _held.pop(data_dir.resolve(), None)
    if held is not None:
        held.close()


def _open_lock(path: Path) -> int:
    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW
    try:
        fd = os.open(path, flags, 0o600)
    except OSError as exc:
        raise UserError(f"the lock file {path} can't be opened: {exc.strerror}") from None
    info = os.fstat(fd)
    if info.st_uid != os.getuid() or not stat.S_ISREG(info.st_mode):
        os.close(fd)
        raise UserError(f"the lock file {path} is not a file of this user's; remove it")
    os.fchmod(fd, 0o600)  # whatever the umask (or an older run) gave it
    return fd


def _folders(data_dir: Path) -> list[str]:
    """Where the channel may live, best first."""
    out = []
    runtime = os.environ.get("XDG_RUNTIME_DIR", "")
    if os.path.isabs(runtime):
        out.append(runtime)
    cache = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(cache):
        cache = os.path.join(os.path.expanduser("~"), ".cache")
    out.append(os.path.join(cache, "djamon-desktop", RUN_NAME))
    out.append(str(data_dir.resolve() / RUN_NAME))
    return out


def _private_folder(folder: str) -> int:
    """An open descriptor of ``folder``, which must be ours and 0700 (made so when it is ours;
    created, with the folders above it, when missing; $XDG_RUNTIME_DIR is only checked)."""
    runtime = folder == os.environ.get("XDG_RUNTIME_DIR")
    if not runtime:
        _make_folders(folder)
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        info = os.fstat(fd)
        if info.st_uid != os.getuid():
            raise OSError(errno.EPERM, "the folder belongs to another user")
        if stat.S_IMODE(info.st_mode) != 0o700:
            if runtime:
                raise OSError(errno.EPERM, f"mode {stat.S_IMODE(info.st_mode):o}, not 700")
            os.fchmod(fd, 0o700)
    except OSError:
        os.close(fd)
        raise
    return fd


def _make_folders(folder: str) -> None:
    missing = []
    path = folder
    while not os.path.lexists(path) and os.path.dirname(path) != path:
        missing.append(path)
        path = os.path.dirname(path)
    for path in reversed(missing):
        with contextlib.suppress(FileExistsError):
            os.mkdir(path, 0o700)  # (the umask may take more away; _private_folder adds back)


def _address(folder_fd: int, folder: str, name: str) -> str:
    """The folder through its descriptor (the one checked, and short), else its path."""
    if os.path.isdir(_PROC_FD):
        return f"{_PROC_FD}/{folder_fd}/{name}"
    path = os.path.join(folder, name)
    if len(os.fsencode(path)) > _ADDRESS_MAX:
        raise OSError(errno.ENAMETOOLONG, f"{path} is too long for a socket address")
    return path


def _listen(folder_fd: int, folder: str, name: str) -> socket.socket:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(name, dir_fd=folder_fd)  # left by a run that ended without closing
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        listener.bind(_address(folder_fd, folder, name))
        os.chmod(name, 0o600, dir_fd=folder_fd)  # bind gave it what the umask left
        listener.listen(8)
        listener.setblocking(False)
    except OSError:
        listener.close()
        raise
    return listener


def peer_uid(connection: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket."""
    creds = connection.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]


def ask_to_show(data_dir: Path, timeout: float = 5.0) -> str:
    """Ask the app holding the data folder's lock to show its dashboard. Returns "shown" (it
    said so), "asked" (the request is there; it did not answer in time: still starting) or why
    it could not be asked."""
    deadline = time.monotonic() + timeout
    why = "it has not opened its channel yet"
    while True:
        path = _read_channel(data_dir / LOCK_NAME)
        if path:
            try:
                return _send_show(path, deadline)
            except OSError as exc:
                why = f"{path}: {exc.strerror or exc}"
        if time.monotonic() >= deadline:
            return why
        time.sleep(0.05)


def _read_channel(lock: Path) -> str:
    try:
        with open(lock, "rb") as file:
            return os.fsdecode(file.read(4096).split(b"\n")[0])
    except OSError:
        return ""


def _send_show(path: str, deadline: float) -> str:
    folder, name = os.path.split(path)
    folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        info = os.fstat(folder_fd)
        if info.st_uid != os.getuid() or stat.S_IMODE(info.st_mode) & 0o077:
            raise OSError(errno.EPERM, "the folder is not private to this user")
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(max(0.1, deadline - time.monotonic()))
            connection.connect(_address(folder_fd, folder, name))
            if peer_uid(connection) != os.getuid():
                raise OSError(errno.EPERM, "another user listens there")
            connection.sendall(b"show\n")
            try:
                answer = connection.recv(16)
            except TimeoutError:
                return "asked"
            return "shown" if answer.startswith(b"ok") else "asked"
    finally:
        os.close(folder_fd)
