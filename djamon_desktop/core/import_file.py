"""The file an import reads: a regular file of at most 1 GiB, nothing else.

A named pipe would have the import wait for a writer that may never come, a device such as
``/dev/zero`` (or a link to it) never ends, and a folder is no file: each is refused with the
path and why, before anything is read. The file is opened without waiting (``O_NONBLOCK``: a
pipe opened for reading waits for a writer otherwise) and judged by what was opened (``fstat``),
so one swapped for a pipe after it was looked at is refused too. Standard input is copied to a
temporary file first: a fixture is read more than once.
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from typing import BinaryIO

from ..errors import UserError

#: the largest file an import reads
MAX_BYTES = 1 << 30
LIMIT_TEXT = "1 GiB"
#: what is said of a file whose reading ran out of memory
TOO_BIG = "it does not fit in this computer's memory"


class Unreadable(UserError):
    """An import file that can't or may not be read: ``reason`` follows its name."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"import: {name}: {reason}")
        self.name = name
        self.reason = reason


def _kind(mode: int) -> str | None:
    """What a file that is not a regular one is, in words."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _judge(name: str, status: os.stat_result) -> None:
    kind = _kind(status.st_mode)
    if kind is not None:
        raise Unreadable(name, f"it is {kind}, not a regular file; only a file is imported")
    if status.st_size > MAX_BYTES:
        raise Unreadable(name, f"it is {_size(status.st_size)}; at most {LIMIT_TEXT} is imported")


def _size(count: int) -> str:
    return f"{count / (1 << 30):.1f} GiB" if count >= 1 << 30 else f"{count:,} bytes"


def open_import(name: str) -> BinaryIO:
    """``name`` opened for an import (``-``: standard input); Unreadable when it is not a
    regular file of at most :data:`MAX_BYTES`, or can't be opened."""
    if name == "-":
        return _spooled(sys.stdin.buffer)
    try:
        _judge(name, os.stat(name))
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        raise Unreadable(name, f"can't read it: {exc.strerror or exc}") from None
    try:
        _judge(name, os.fstat(fd))
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return _Bounded(os.fdopen(fd, "rb"), name)


class _Bounded:
    """A regular file read no further than :data:`MAX_BYTES` (it may grow while it is read)."""

    def __init__(self, file: BinaryIO, name: str) -> None:
        self.file = file
        self.name = name

    def read(self, size: int = -1) -> bytes:
        room = MAX_BYTES + 1 - self.file.tell()
        try:
            data = self.file.read(room if size < 0 else min(size, room))
        except OSError as exc:
            raise Unreadable(self.name, f"can't read it: {exc.strerror or exc}") from None
        if self.file.tell() > MAX_BYTES:
            raise Unreadable(self.name, f"it grew beyond {LIMIT_TEXT} while it was read")
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self.file.seek(offset, whence)

    def tell(self) -> int:
        return self.file.tell()

    def close(self) -> None:
        self.file.close()

    def __enter__(self) -> _Bounded:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def _spooled(source: BinaryIO) -> BinaryIO:
    """Standard input in a temporary file (gone once closed), up to :data:`MAX_BYTES`."""
    copy = tempfile.TemporaryFile(prefix="djamon-import-")  # noqa: SIM115 - the caller's to close
    copied = 0
    try:
        while block := source.read(1 << 20):
            copied += len(block)
            if copied > MAX_BYTES:
                raise Unreadable("stdin", f"it holds more than {LIMIT_TEXT}, the most imported")
            copy.write(block)
    except OSError as exc:
        copy.close()
        raise Unreadable("stdin", f"can't read it: {exc.strerror or exc}") from None
    except BaseException:
        copy.close()
        raise
    copy.seek(0)
    return copy
