"""A site as the store reads it back: plain data that a round, the windows and the command line
share (never a peewee row)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .certs import notice
from .expect import NOTHING_EXPECTED, Expect
from .maintenance import Window
from .states import State


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
    state: State  # any of SITE_STATES
    last_seen: datetime | None
    last_checked: datetime | None
    last_status_code: int | None
    last_error: str | None
    last_elapsed_ms: float | None
    order: tuple[int, int]
    cert_expires_at: datetime | None = None  # https: the certificate's expiry, as last seen
    cert_expiring: bool = False  # it expires within cert_warning_days (see core.certs)
    maintenance: tuple[Window, ...] = ()  # its own maintenance windows (core.maintenance)
    paused: bool = False  # paused by hand, now
    quiet_until: datetime | None = None  # state maintenance: until then (None: until resumed)
    expect: Expect = NOTHING_EXPECTED  # what it expects of its answer beyond a good code
    last_detail: str | None = None  # what its last failed check saw beyond its error

    @property
    def notices(self) -> list[str]:
        """What ``sites --json`` lists as the site's notices (a certificate about to expire)."""
        if self.cert_expiring and self.cert_expires_at is not None:
            return [notice(self.cert_expires_at)]
        return []
