"""The monthly report mailed on the 1st (setting ``monthly_report``): the first round on or after
00:00 local time on the 1st of a month queues last month's uptime report, a PDF attached to an
e-mail, through the outbox, once for the team; the outbox delivers and retries it as it does
every alert.

The rule is taken as written: the report of last month is due from the 1st's midnight until it
is queued, so a round later in the month (the setting or e-mail turned on mid-month, every
desktop off on the 1st) queues it then. Each round knows the month last queued from what it read
at its start (``store.settings.round_start``), so a round on any other day costs nothing more;
when one is due, the report is read and its PDF made outside the writers' turn, and
``store.monthly.queue_month`` takes the turn only to mark the month and queue the mail (another
desktop that got there first leaves it with nothing to do).

While e-mail alerts are off nothing is queued, nor marked: the report of the month waits for them
(the Settings window says so under the setting). Quiet hours do not hold it: they hold the alerts
of outages, and this is none. It goes on e-mail only, never on X or Apprise.

It sits above the layers, as the cycle does: the store reads and queues, ``core.report_pdf``
writes the PDF, ``alerts.report_mail`` the words."""

from __future__ import annotations

import logging
from datetime import datetime

from .alerts.report_mail import attachment_name, report_email
from .core.report_model import last_month
from .core.schedule import local_zone
from .core.settings_value import Settings
from .store import monthly

log = logging.getLogger(__name__)

#: the months this process already said it could not mail, so the log says it once
_said_off: set[str] = set()


def queue_if_due(settings: Settings, now: datetime, last: str | None) -> str | None:
    """Queue last month's report when it is due at ``now`` (when the round started, by the
    cycle's clock) and e-mail is on; ``last``: the month last queued as the round read it at its
    start. The span's title (``March 2026``) when this call queued it, else None. A failure to
    make it is logged and left for the next round: the round itself goes on."""
    if not settings.monthly_report_enabled:
        return None
    try:
        zone = local_zone()
        span = last_month(now, zone)
        month = span.month or ""
        if not monthly.is_due(month, last):
            return None
        if not settings.email_enabled:
            if month not in _said_off:
                _said_off.add(month)
                log.info("monthly report of %s not mailed: e-mail alerts are off", span.title)
            return None
        from .core.report_pdf import pdf_bytes
        from .store.reports import report

        made = report(span, now, zone, str(zone))
        subject, body = report_email(made)
        queued = monthly.queue_month(
            month, now, subject, body, pdf_bytes(made), attachment_name(month)
        )
    except Exception as exc:  # the round goes on; the next one tries again
        log.warning("the monthly report was not queued (%s); the next round tries again",
                    type(exc).__name__, exc_info=True)  # fmt: skip
        return None
    if not queued:
        return None
    log.info("monthly report of %s queued for e-mail", span.title)
    return span.title
