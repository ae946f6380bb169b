"""A recheck of one site asked of every live app vantage (``recheck SITE``, the site window's
Recheck everywhere): what was asked, each vantage's answer, and the words they are shown in.
Plain data the store reads (``store.rechecks``) and the command line and the windows show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

#: how long the asker waits for the answers, and how long an app still answers one
WAIT = timedelta(seconds=15)


@dataclass(frozen=True)
class Answer:
    """One vantage's check of the site, as its app stored it."""

    vantage: str
    ok: bool
    status_code: int | None
    error: str | None
    elapsed_ms: float | None
    answered_at: datetime

    def fields(self) -> dict:
        """The JSON of ``recheck --json``'s ``results``."""
        return {
            "ok": self.ok,
            "status_code": self.status_code,
            "error": self.error,
            "elapsed_ms": self.elapsed_ms,
        }


@dataclass(frozen=True)
class Asked:
    """A recheck: the site, who asked when, the live app vantages asked, the answers so far."""

    recheck_id: int
    site_id: int
    asked_at: datetime
    asked_by: str
    vantages: tuple[str, ...]
    answers: tuple[Answer, ...] = ()

    def answer(self, vantage: str) -> Answer | None:
        return next((a for a in self.answers if a.vantage == vantage), None)

    @property
    def missing(self) -> tuple[str, ...]:
        """The vantages asked that have not answered (yet)."""
        answered = {a.vantage for a in self.answers}
        return tuple(v for v in self.vantages if v not in answered)

    def over(self, now: datetime) -> bool:
        """Whether the wait is over: every vantage answered, or :data:`WAIT` went by."""
        return not self.missing or now - self.asked_at >= WAIT

    @property
    def good(self) -> bool:
        """Every vantage asked answered, and every answer is good."""
        return not self.missing and all(a.ok for a in self.answers)


def answer_words(answer: Answer) -> str:
    """``up, HTTP 200 in 12 ms``; ``down, HTTP 500 in 30 ms``; ``down, timeout after 10000 ms``."""
    verdict = "up" if answer.ok else "down"
    ms = "" if answer.elapsed_ms is None else f"{answer.elapsed_ms:.0f} ms"
    if answer.error:
        return f"{verdict}, {answer.error}" + (f" after {ms}" if ms else "")
    code = "no status" if answer.status_code is None else f"HTTP {answer.status_code}"
    return f"{verdict}, {code}" + (f" in {ms}" if ms else "")


def vantage_line(asked: Asked, vantage: str, now: datetime) -> str:
    """One vantage's line: ``alice: up, HTTP 200 in 12 ms``, ``bob: waiting for its answer`` or,
    once the wait is over, ``bob: no answer within 15 s``."""
    answer = asked.answer(vantage)
    if answer is not None:
        return f"{vantage}: {answer_words(answer)}"
    if asked.over(now):
        return f"{vantage}: no answer within {WAIT.seconds} s"
    return f"{vantage}: waiting for its answer"
