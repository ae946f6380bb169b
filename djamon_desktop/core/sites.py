"""A site as the store reads it back: plain data that a round, the windows and the command line
share (never a peewee row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class SiteInfo:
    site_id: int
    group: str
    title: str
    url: str
    priority: str
    active: bool
    down_message: str
    down_count: int
    state: str
    last_seen: datetime | None
    last_checked: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_elapsed_ms: float | None
    order: tuple[int, int]
