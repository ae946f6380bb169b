"""A file written whole or not at all: the report's ``--output`` and Report…'s Save as."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


def write_whole(path: Path, data: bytes) -> None:
    """``data`` at ``path``: written beside it under another name, then renamed over it, so a
    reader never sees half a file and a failure leaves what was there (OSError then). A file
    replaced keeps its permissions; a new one is readable by others, as the umask allows (a
    report is handed on)."""
    mode = path.stat().st_mode & 0o7777 if path.is_file() else 0o666 & ~_umask()
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _umask() -> int:
    """The process's umask (read by setting it, then setting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
