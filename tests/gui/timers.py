"""Timers a test fires itself, for code that takes a timer factory (``new_timer``).

A test that waits for a real Qt timer either sleeps out its whole interval or, with a short one,
races it on a loaded machine; one with a long interval can see it fire in the middle when the
machine is slow enough. A held timer is a real ``QTimer`` whose ``start`` only notes the
interval asked for: it fires when the test calls :meth:`HeldTimer.fire`, through the same
``timeout`` signal the code connected to, and never on its own.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer


class HeldTimer(QTimer):
    """Started means held: ``started_ms`` is the interval the code asked for."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.started_ms: int | None = None
        self.held = False

    def start(self, msec: int | None = None) -> None:  # type: ignore[override]
        self.started_ms = self.interval() if msec is None else msec
        self.held = True

    def stop(self) -> None:
        self.held = False
        super().stop()

    def isActive(self) -> bool:  # noqa: N802 (Qt's name)
        return self.held

    def fire(self) -> None:
        """Time's up, now: what a running timer does at the end of its interval."""
        assert self.held, "fired a timer that is not running"
        if self.isSingleShot():
            self.held = False
        self.timeout.emit()


class HeldTimers:
    """A ``new_timer`` factory: every timer it makes is held, and listed in ``made``."""

    def __init__(self) -> None:
        self.made: list[HeldTimer] = []

    def __call__(self, parent: QObject | None = None) -> HeldTimer:
        timer = HeldTimer(parent)
        self.made.append(timer)
        return timer

    def running(self) -> list[HeldTimer]:
        return [t for t in self.made if t.held]
