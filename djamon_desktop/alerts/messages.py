"""The words of an alert: e-mail subject and body, and the X post. Pure functions."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, tzinfo

from ..core.certs import CertFacts, expiry_words, iso
from ..core.maintenance import Window, windows_of
from ..core.outages import AlertText, OutageFacts, SiteLine, duration_words
from ..core.quiet_hours import HeldOutage, held_until
from ..core.settings_value import Settings
from ..core.status import plural
from ..core.text import one_line
from ..core.urls import shown_url
from . import CHANNELS

POST_LIMIT = 280


def _when(moment: datetime) -> str:
    """The moment in local time, and in UTC in brackets: ``2026-12-07 10:28:23 CET (09:28:23
    UTC)``; said once where the local time is UTC's (``01:28:23 UTC``, ``01:28:23 GMT``)."""
    local = moment.astimezone()
    zone = local.tzname() or ""
    if local.utcoffset() == timedelta(0):
        return f"{local:%Y-%m-%d %H:%M:%S} {zone or 'UTC'}"
    utc = moment.astimezone(UTC)
    return f"{local:%Y-%m-%d %H:%M:%S} {zone} ({utc:%H:%M:%S} UTC)".replace("  ", " ")


def _site_block(site: SiteLine) -> str:
    role = " (primary)" if site.primary else ""
    return (
        f"- {one_line(site.title)}{role}, group {one_line(site.group)}, priority {site.priority}\n"
        f"  {one_line(shown_url(site.url))}\n"
        f"  Last check: {one_line(site.last_answer)}\n"
        f"  Message: {one_line(site.down_message)}"
    )


def opened_email(code: str, start: datetime, sites: list[SiteLine]) -> tuple[str, str]:
    primary = sites[0]
    others = f" and {len(sites) - 1} more" if len(sites) > 1 else ""
    subject = f"[djamon] DOWN: {one_line(primary.title)}{others} (outage {code})"
    body = "\n".join(
        [
            f"Outage {code} started at {_when(start)}.",
            "",
            "Down:",
            *(_site_block(s) for s in sites),
            "",
            "You will get another message when every site is back.",
            "-- djamon-desktop",
        ]
    )
    return subject, body + "\n"


def _named(sites: Sequence[SiteLine]) -> str:
    """The first site's title, and how many more: ``Shop and 2 more``."""
    more = f" and {len(sites) - 1} more" if len(sites) > 1 else ""
    return f"{one_line(sites[0].title)}{more}"


def closed_email(
    code: str, start: datetime, end: datetime, seconds: int, sites: list[SiteLine]
) -> tuple[str, str]:
    """The closing e-mail. A site taken out of monitoring (deleted or deactivated) is said to
    be removed, never back: nobody checked it up."""
    lasted = duration_words(seconds)
    removed = [s for s in sites if s.left == "removed"]
    back = [s for s in sites if s.left != "removed"]
    if not removed:
        subject = f"[djamon] RECOVERED: {one_line(sites[0].title)} after {lasted} (outage {code})"
        head = f"Outage {code} is over: every site is back."
    elif not back:
        subject = f"[djamon] CLOSED: {_named(removed)} removed from monitoring (outage {code})"
        head = (
            f"Outage {code} is closed: {'its site was' if len(removed) == 1 else 'its sites were'}"
            " removed from monitoring; none was checked up again."
        )
    else:
        subject = (
            f"[djamon] CLOSED: {_named(back)} recovered, {_named(removed)} removed from"
            f" monitoring (outage {code})"
        )
        head = (
            f"Outage {code} is closed: {plural(len(back), 'site')} recovered,"
            f" {len(removed)} removed from monitoring (not checked up again)."
        )
    listed = ["Sites in this outage:", *(_site_block(s) for s in sites)]
    if removed:
        listed = [
            *(["Recovered:", *(_site_block(s) for s in back), ""] if back else []),
            "Removed from monitoring:",
            *(_site_block(s) for s in removed),
        ]
    body = "\n".join(
        [
            head,
            f"It started at {_when(start)} and ended at {_when(end)}.",
            f"It lasted {lasted}.",
            "",
            *listed,
            "-- djamon-desktop",
        ]
    )
    return subject, body + "\n"


def post_length(text: str) -> int:
    """Length as X counts it: most Latin, Greek and Cyrillic characters count 1, others 2."""
    total = 0
    for ch in unicodedata.normalize("NFC", text):
        point = ord(ch)
        light = (
            point <= 0x10FF
            or 0x2000 <= point <= 0x200D
            or 0x2010 <= point <= 0x201F
            or 0x2032 <= point <= 0x2037
        )
        total += 1 if light else 2
    return total


def fit_post(message: str, suffix: str, limit: int = POST_LIMIT) -> str:
    """``message`` + ``suffix``, shortening the message (never the suffix) to fit."""
    message = message.strip()
    if post_length(message + suffix) <= limit:
        return message + suffix
    room = limit - post_length(suffix) - post_length("…")  # X counts the ellipsis as 2
    cut = ""
    for ch in message:
        if post_length(cut + ch) > room:
            break
        cut += ch
    return cut.rstrip() + "…" + suffix


def opened_post(code: str, primary: SiteLine) -> str:
    message = primary.down_message or f"{primary.title} is down."
    return fit_post(one_line(message), f" (outage {code})")


def _titles(sites: Sequence[SiteLine]) -> str:
    return ", ".join(one_line(s.title) for s in sites)


def closed_post(code: str, primary: SiteLine, seconds: int, sites: Sequence[SiteLine] = ()) -> str:
    """The closing post (``sites``: all of the outage's, to tell the removed ones apart)."""
    lasted = duration_words(seconds)
    removed = [s for s in sites if s.left == "removed"]
    back = [s for s in sites if s.left != "removed"]
    if not removed:
        message = f"Resolved: {one_line(primary.title)} is back after {lasted}."
    elif not back:
        verb = "was" if len(removed) == 1 else "were"
        message = f"Closed: {_titles(removed)} {verb} removed from monitoring"
    else:
        message = (
            f"Closed after {lasted}: {_titles(back)} {'is' if len(back) == 1 else 'are'} back;"
            f" {_titles(removed)} {'was' if len(removed) == 1 else 'were'} removed from"
            " monitoring."
        )
    return fit_post(message, f" (outage {code})")


def still_down_words(title: str, minutes: int) -> str:
    """What a reminder says: "Payments API still down after 15 minutes; nobody is on it"."""
    return f"{one_line(title)} still down after {duration_words(minutes * 60)}; nobody is on it"


def reminder_email(
    code: str, start: datetime, minutes: int, sites: list[SiteLine]
) -> tuple[str, str]:
    """The one reminder of an outage nobody acknowledged (``escalate_after_minutes``)."""
    primary = sites[0]
    subject = f"[djamon] STILL DOWN: {still_down_words(primary.title, minutes)} (outage {code})"
    body = "\n".join(
        [
            f"Outage {code} started at {_when(start)} and is still down after "
            f"{duration_words(minutes * 60)}; nobody is on it.",
            f'Say you are on it: djamon-desktop ack {code} (or "I\'m on it" in the app).',
            "",
            "Down:",
            *(_site_block(s) for s in sites),
            "",
            "This is the only reminder for this outage.",
            "-- djamon-desktop",
        ]
    )
    return subject, body + "\n"


def reminder_post(code: str, primary: SiteLine, minutes: int) -> str:
    return fit_post(still_down_words(primary.title, minutes), f" (outage {code})")


def _minute(moment: datetime) -> str:
    """Local ``YYYY-MM-DD HH:MM``, as a digest lists an outage's start and end."""
    return f"{moment.astimezone():%Y-%m-%d %H:%M}"


def _held_line(held: HeldOutage) -> str:
    end = "still down" if held.end is None else _minute(held.end)
    sites = ", ".join(one_line(title) for title in held.sites) or "-"
    return f"{held.code}: {_minute(held.start)} to {end}: {sites}"


def digest_email(outages: Sequence[HeldOutage]) -> tuple[str, str]:
    """What quiet hours held, in one message: each outage with its code, start, end (or "still
    down") and sites."""
    count = plural(len(outages), "outage")
    subject = f"[djamon] QUIET HOURS: {count} while alerts were held"
    body = "\n".join(
        [
            f"Quiet hours are over. Held during them: {count} (start to end, local time).",
            "",
            *(f"- {_held_line(held)}" for held in outages),
            "",
            "Critical outages were sent at once and are not listed here.",
            "-- djamon-desktop",
        ]
    )
    return subject, body + "\n"


def digest_post(outages: Sequence[HeldOutage]) -> str:
    lines = "; ".join(_held_line(held) for held in outages)
    return fit_post(f"Held during quiet hours: {lines}", "")


def cert_email(facts: CertFacts) -> tuple[str, str]:
    """A certificate warning: the site, its URL (password hidden) and the expiry date."""
    left = expiry_words(facts.expires_at, facts.seen_at)
    title = one_line(facts.title)
    subject = f"[djamon] CERTIFICATE: {title} {left} ({facts.expires_at:%Y-%m-%d})"
    body = "\n".join(
        [
            f"The TLS certificate of {title} (group {one_line(facts.group)}) {left}:",
            f"  {shown_url(facts.url)}",
            f"  Expires: {_when(facts.expires_at)}",
            f"  ({iso(facts.expires_at)})",
            "",
            "Renew it before then, or the site's checks will fail with a TLS error.",
            "You get this once for this certificate; a renewed one is watched afresh.",
            "-- djamon-desktop",
        ]
    )
    return subject, body + "\n"


def cert_post(facts: CertFacts) -> str:
    left = expiry_words(facts.expires_at, facts.seen_at)
    return fit_post(
        f"The TLS certificate of {one_line(facts.title)} ({shown_url(facts.url)}) {left}",
        f" ({facts.expires_at:%Y-%m-%d}).",
    )


@dataclass(frozen=True)
class AlertPolicy:
    """What to queue: the channels enabled now, whether recoveries are announced, and (given
    ``now``, the moment the alerts are written) whether quiet hours hold them, until when."""

    channels: tuple[str, ...] = ()
    notify_recovery: bool = True
    quiet_hours: tuple[Window, ...] = ()
    now: datetime | None = None  # None: nothing is held
    zone: tzinfo | None = None  # the windows' (local time)

    @classmethod
    def from_settings(cls, settings: Settings, now: datetime | None = None) -> AlertPolicy:
        channels = tuple(c for c in CHANNELS if settings.enabled(c))
        quiet = windows_of(settings.quiet_hours)
        zone = None
        if quiet and now is not None:
            from ..core.schedule import local_zone

            zone = local_zone()
        return cls(channels, settings.notify_recovery, quiet, now, zone)

    def texts(self, facts: OutageFacts | CertFacts) -> list[AlertText]:
        """The alerts to queue for an outage opened or closed, or for a certificate about to
        expire: one per enabled channel."""
        if isinstance(facts, CertFacts):
            subject, body = cert_email(facts)
            return self._per_channel(subject, body, cert_post(facts))
        if facts.event == "closed" and not self.notify_recovery:
            return []
        if not facts.sites:
            return []
        lines = list(facts.sites)
        if facts.event == "reminder":
            minutes = self._minutes_since(facts.start_time)
            subject, body = reminder_email(facts.code, facts.start_time, minutes, lines)
            post = reminder_post(facts.code, lines[0], minutes)
        elif facts.event == "opened":
            subject, body = opened_email(facts.code, facts.start_time, lines)
            post = opened_post(facts.code, lines[0])
        else:
            assert facts.end_time is not None and facts.seconds_down is not None
            subject, body = closed_email(
                facts.code, facts.start_time, facts.end_time, facts.seconds_down, lines
            )
            post = closed_post(facts.code, lines[0], facts.seconds_down, lines)
        texts = self._per_channel(subject, body, post)
        held = None
        if self.now is not None:
            held = held_until(self.quiet_hours, self.now, self.zone, lines[0].priority)
        return [replace(text, held_until=held) for text in texts] if held else texts

    def digest(self, channel: str, outages: Sequence[HeldOutage]) -> AlertText:
        """The one message a channel gets when quiet hours end: every outage held for it."""
        subject, body = digest_email(outages)
        written = dict(self._written(subject, body, digest_post(outages)))
        return AlertText(channel, *written.get(channel, (subject, body)))

    def _minutes_since(self, start: datetime) -> int:
        """Whole minutes from an outage's start to now (the reminder's moment), at least 1."""
        if self.now is None:
            return 1
        return max(1, int((self.now - start).total_seconds() // 60))

    def _per_channel(self, subject: str, body: str, post: str) -> list[AlertText]:
        """One alert a channel enabled, in its form: e-mail subject and body, or a post."""
        written = self._written(subject, body, post)
        return [AlertText(channel, *written[channel]) for channel in self.channels]

    @staticmethod
    def _written(subject: str, body: str, post: str) -> dict[str, tuple[str, str]]:
        # Apprise: the e-mail's subject and body (as title and body), to every URL
        return {"email": (subject, body), "twitter": ("", post), "apprise": (subject, body)}
