"""The site editor's **Try it**: one check of a URL with the conditions as typed (not yet
saved), on a thread of its own, and its answer in words. The UI thread never touches the
network: it starts the try and is handed the one line to show when the check ends.

The check itself is ``core.probe.try_check``, as a round makes it."""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from ..core.expect import Expect
from ..core.probe import ProbeResult, try_check
from ..core.urls import shown_url

log = logging.getLogger(__name__)


def tried_text(result: ProbeResult, expect: Expect, good_codes: Sequence[int]) -> str:
    """What a try saw, in one line: ``Up: 200 in 123 ms``, ``Down: 503 in 41 ms (good codes:
    200, 301)``, ``content: body lacks 'OK' (1,204 bytes read)``, ``timeout after 5,000 ms``."""
    took = f"{result.elapsed_ms:,.0f} ms"
    if result.error:
        return (
            f"{result.error}: {result.detail}" if result.detail else f"{result.error} after {took}"
        )
    if result.status_code is None:  # a tcp:// site: no error and no code is its port open
        return f"Up: the connection opened in {took}"
    if result.is_good(good_codes):  # (the site's own codes, when its expect names them)
        return f"Up: {result.status_code} in {took}"
    listed = ", ".join(map(str, expect.codes or good_codes))
    return f"Down: {result.status_code} in {took} (good codes: {listed})"


class Trier(QObject):
    """Runs one try at a time; ``answered(text)`` comes on the thread that made it."""

    answered = Signal(str)
    _done = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.running = False
        self._done.connect(self._finish)

    def start(self, url: str, expect: Expect, timeout: float, good_codes: Sequence[int]) -> bool:
        """Start a try (False, and nothing started, while one runs: a second click is not
        queued)."""
        if self.running:
            return False
        self.running = True
        args = (url, expect, timeout, tuple(good_codes))
        threading.Thread(target=self._run, args=args, name="djamon-try", daemon=True).start()
        return True

    def _run(self, url: str, expect: Expect, timeout: float, good_codes: Sequence[int]) -> None:
        try:
            text = tried_text(try_check(url, expect, timeout, good_codes), expect, good_codes)
        except Exception as exc:  # a bug: said in the window, not raised on a bare thread
            log.exception("trying %s failed", shown_url(url))
            text = f"the try failed: {type(exc).__name__}"
        with contextlib.suppress(RuntimeError):  # the editor (and this object) went meanwhile
            self._done.emit(text)

    def _finish(self, text: str) -> None:
        self.running = False
        self.answered.emit(text)
