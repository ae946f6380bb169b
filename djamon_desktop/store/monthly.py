"""The monthly report's place in the outbox: which month was last mailed (the ``meta`` mark
``monthly_report``, ``"2026-03"``), and the mail of a month queued once for the team.

The report is read and its PDF made before anything here runs, outside the writers' turn (a
month of a hundred sites takes a second or two); :func:`queue_month` then takes the turn only to
read the mark again, set it and queue the mail, so of two desktops whose rounds both pass
midnight on the 1st, the first to take the turn queues it and the other finds the month taken
and queues nothing. A process killed before that turn queued nothing and marked nothing: the
next round does it all again."""

from __future__ import annotations

from datetime import datetime

from .engine import writing
from .history import meta_get, meta_upsert
from .models import Alert, db

#: the ``meta`` key holding the last month whose report was queued (``store.settings`` reads
#: it with the round's start)
MARK = "monthly_report"


def is_due(month: str, last: str | None) -> bool:
    """Whether the report of ``month`` (``"2026-03"``) is still to be queued, the mark being
    ``last`` (None: no report was ever queued)."""
    return last is None or last < month


def last_queued() -> str | None:
    """The month of the last report queued, or None."""
    return meta_get(MARK)


def queue_month(month: str, now: datetime, subject: str, body: str, pdf: bytes, name: str) -> bool:
    """Queue the e-mail of ``month``'s report (kind and event ``report``, channel ``email``,
    no outage; the PDF attached as ``name``) and mark the month, unless it is marked already
    (another desktop, or another process of this one, was first). Whether it was queued."""
    with writing():
        if not is_due(month, meta_get(MARK)):
            return False
        db.execute_sql(meta_upsert(), (MARK, month))
        Alert.insert(
            kind="report",
            event="report",
            channel="email",
            subject=subject,
            body=body,
            created_at=now,
            attachment=pdf,
            attachment_name=name,
        ).execute()
    return True
