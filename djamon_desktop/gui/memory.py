"""Giving back what a closed window held.

A window's widgets, rows and charts are many small blocks from C's allocator; once the window
is deleted they are free, but glibc keeps freed memory in its arenas (one per thread that
allocated: the UI thread, the reads thread, the poller's) rather than returning it, so the
app's resident size would stay at its peak. ``release_memory`` asks glibc to return what is
free (``malloc_trim``), soon after a window is deleted, once for a batch of them.
Elsewhere (musl, macOS, Windows) it does nothing."""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

from PySide6.QtCore import QTimer

#: after the first deletion of a batch (closing many at once trims once)
_SETTLE_MS = 500

_pending = False
_trim = None


def _load_trim():
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc
        return None


def trim_now() -> None:
    """Collect Python's cycles (a closed window's wrappers and their slots), then give free
    memory back to the system."""
    global _trim, _pending
    _pending = False
    gc.collect()
    if _trim is None:
        _trim = _load_trim() or (lambda _pad: 0)
    _trim(0)


def release_memory() -> None:
    """Trim soon (on the UI thread's loop, after the deletions pending now are done)."""
    global _pending
    if not _pending:
        _pending = True
        QTimer.singleShot(_SETTLE_MS, trim_now)
