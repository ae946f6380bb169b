"""What the tray says at a glance: one state, in colour, shape and words. Pure."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from .states import FAILING, State
from .urls import shown_url


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 outage``, ``2 outages``, ``0 outages``; ``many`` for irregular words."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def local_text(when: datetime | None) -> str:
    """A moment as people here read it: local time, to the second."""
    return "never" if when is None else when.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def local_day(when: datetime) -> str:
    """The local day of a moment: ``2026-12-01`` (a certificate's expiry, say)."""
    return when.astimezone().strftime("%Y-%m-%d")


def answer_text(status_code: int | None, error: str | None) -> str:
    """What a check saw: its status code, or the kind of error; ``connected`` for a check that
    made neither (a ``tcp://`` site whose port opened). Callers say ``-`` themselves for a
    site never checked."""
    if error:
        return error
    return "connected" if status_code is None else str(status_code)


def listed(items: Sequence[str], limit: int = 2) -> str:
    """``a``, ``a and b``, ``a, b and 3 more``: at most ``limit`` items named."""
    named = list(items[:limit])
    rest = len(items) - len(named)
    if rest:
        return f"{', '.join(named)} and {rest} more"
    if len(named) > 1:
        return f"{', '.join(named[:-1])} and {named[-1]}"
    return named[0] if named else ""


def unanswered_text(sandbox_urls: Sequence[str]) -> str:
    """Which sandbox URLs did not answer, passwords hidden: ``no answer from https://a/``."""
    if not sandbox_urls:
        return "no sandbox URL answered"
    return "no answer from " + listed([shown_url(u) for u in sandbox_urls])


def failure_words(down_count: int) -> str:
    return f"{ordinal(down_count)} failure in a row" if down_count else "up"


def retry_words(seconds: float) -> str:
    """When a failing site is checked again (the fast lane): ``retrying in 12 s``."""
    left = math.ceil(seconds)
    if left <= 0:
        return "retrying now"
    if left < 60:
        return f"retrying in {left} s"
    minutes, rest = divmod(left, 60)
    return f"retrying in {minutes} min {rest} s" if rest else f"retrying in {minutes} min"


@dataclass(frozen=True)
class SiteAtGlance:
    """What the tray's one line reads of a site."""

    title: str
    active: bool
    state: State  # any of SITE_STATES
    down_count: int
    cert_expires_at: datetime | None = None  # only when its certificate is due a warning
    site_id: int | None = None
    quiet_until: datetime | None = None  # state maintenance: until then (None: until resumed)
    #: on a team database with several live vantages: each one's own count in words ("3rd
    #: failure from alice, 11th from bob") and the highest of them; else None and 0
    failures: str | None = None
    most_failures: int = 0


@dataclass(frozen=True)
class OpenOutage:
    code: str
    start_time: datetime
    titles: Sequence[str]  # primary first
    site_ids: Sequence[int | None] = ()  # the same order; () when not known
    acknowledged_by: str | None = None  # who is on it (a name others typed: plain text)
    acknowledged_at: datetime | None = None
    down_from: str = ""  # in a team: "down from 2 of 3 desktops" (its primary site); else ""


@dataclass(frozen=True)
class Overview:
    state: State  # up (green) | warning (amber) | down (red) | idle (grey)
    text: str  # the tooltip and the menu's status line
    #: active sites never checked, when the words say so ("N sites waiting for their first
    #: check": grey, or after what fails); else 0
    waiting: int = 0
    #: the state's own clause, with which ``text`` begins (``Payments failing: 1st failure in a
    #: row``): what a failing site's retry countdown follows, before the other clauses
    lead: str = ""


def on_it_length(since: datetime, now: datetime) -> str:
    """How long someone has been on an outage, in whole minutes: ``under a minute``, ``4
    minutes``, ``1 hour 5 minutes`` past the hour. A clock behind the database's says under a
    minute, never less."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    hours, rest = divmod(minutes, 60)
    if not minutes:
        return "under a minute"
    if not hours:
        return plural(rest, "minute")
    return f"{plural(hours, 'hour')} {plural(rest, 'minute')}" if rest else plural(hours, "hour")


ON_IT = " is on it · "


def on_it_words(name: str, since: datetime, now: datetime) -> str:
    """Who is on an outage and for how long: ``alice is on it · 4 minutes``."""
    return f"{name}{ON_IT}{on_it_length(since, now)}"


def _clock(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


def maintenance_words(quiet: Sequence[SiteAtGlance], outage: OpenOutage | None) -> str:
    """The sites in maintenance and when the first comes back: ``Payments until 03:00``."""
    ends = [s.quiet_until for s in quiet if s.quiet_until is not None]
    until = _clock(min(ends)) if ends else "resumed"
    also = f" (outage {outage.code} stays open)" if outage is not None else ""
    return f"{listed([s.title for s in quiet])} until {until}{also}"


def _blames(outage: OpenOutage, quiet: Sequence[SiteAtGlance]) -> bool:
    """Whether some site of the open outage is not in maintenance (then the tray is red)."""
    if outage.site_ids:
        ids = {s.site_id for s in quiet}
        return any(site_id not in ids for site_id in outage.site_ids)
    titles = {s.title for s in quiet}
    return not outage.titles or any(title not in titles for title in outage.titles)


def cert_words(sites: Sequence[SiteAtGlance]) -> str:
    """The active sites' certificates due a warning, soonest first, in words ('' for none):
    ``certificate of Shop expires 2026-12-01``."""
    due = sorted((s.cert_expires_at, s.title) for s in sites if s.active and s.cert_expires_at)
    if not due:
        return ""
    first = local_day(due[0][0])
    if len(due) == 1:
        return f"certificate of {due[0][1]} expires {first}"
    titles = listed([title for _, title in due])
    return f"{plural(len(due), 'certificate')} expire soon ({titles}; the first {first})"


def waiting_words(waiting: int) -> str:
    """Active sites never checked yet (just added or imported; a small round checks them at
    once): ``3 sites waiting for their first check``, ``1 site waiting for its first check``."""
    whose = "its" if waiting == 1 else "their"
    return f"{plural(waiting, 'site')} waiting for {whose} first check"


def busy_words(busy: int) -> str:
    """The sites the last round could not start in time (``busy``: no strike, checked first in
    the next round): ``3 sites not checked (this machine was too busy)``."""
    return f"{plural(busy, 'site')} not checked (this machine was too busy)"


def overview(
    sites: Sequence[SiteAtGlance],
    outage: OpenOutage | None,
    connectivity: bool,
    paused_until: datetime | None = None,
    paused_forever: bool = False,
    sandbox_urls: Sequence[str] = (),
    now: datetime | None = None,
    busy: int = 0,
) -> Overview:
    """``sandbox_urls`` are the ones that did not answer when ``connectivity`` is false. A
    certificate due a warning is said after the state (it changes neither colour nor shape),
    then how many sites the last round could not start in time (``busy``; they are not
    failing, so the colour stays). Who is on the open outage comes last (``; alice is on it ·
    4 minutes``), ``now`` counting the minutes (without it that is not said).

    Active sites never checked keep the tray from green: grey, "N sites waiting for their
    first check", unless something fails or is down (that wins; the count follows)."""
    ov = _overview(sites, outage, connectivity, paused_until, paused_forever, sandbox_urls)
    ov = replace(ov, lead=ov.lead or ov.text)
    waiting = sum(1 for s in sites if s.active and s.state == State.UNKNOWN)
    if waiting and ov.state in (State.WARNING, State.DOWN):
        ov = replace(ov, text=f"{ov.text}; {waiting_words(waiting)}")
    certs = cert_words(sites)
    if certs:
        ov = replace(ov, text=f"{ov.text}; {certs}")
    if busy and connectivity and not paused_forever and paused_until is None:
        ov = replace(ov, text=f"{ov.text}; {busy_words(busy)}")
    by, at = (outage.acknowledged_by, outage.acknowledged_at) if outage else (None, None)
    if ov.state == State.DOWN and by and at and now is not None:
        # last: a line cut to fit keeps it whole (the dashboard's status line)
        ov = replace(ov, text=f"{ov.text}; {on_it_words(by, at, now)}")
    if waiting and waiting_words(waiting) in ov.text:
        ov = replace(ov, waiting=waiting)
    return ov


def _overview(
    sites: Sequence[SiteAtGlance],
    outage: OpenOutage | None,
    connectivity: bool,
    paused_until: datetime | None,
    paused_forever: bool,
    sandbox_urls: Sequence[str],
) -> Overview:
    active = [s for s in sites if s.active]
    if paused_forever:
        return Overview(State.IDLE, "Monitoring paused until you resume it")
    if paused_until is not None:
        return Overview(State.IDLE, f"Monitoring paused until {_clock(paused_until)}")
    if not active:
        return Overview(State.IDLE, "No site to monitor: add one from the dashboard")
    if not connectivity:
        return Overview(
            State.IDLE,
            f"Connectivity lost ({unanswered_text(sandbox_urls)}): "
            "no site is blamed until it is back",
        )
    # In maintenance (a window or a pause) a site never turns the tray red: the others decide,
    # and with every site in maintenance the tray is grey and says until when.
    quiet = [s for s in active if s.state == State.MAINTENANCE]
    if quiet and (outage is None or not _blames(outage, quiet)):
        words = maintenance_words(quiet, outage)
        watched = [s for s in active if s.state != State.MAINTENANCE]
        if not watched:
            return Overview(State.IDLE, f"Maintenance: {words}")
        ov = _overview(watched, None, True, None, False, ())
        return Overview(ov.state, f"{ov.text}; maintenance: {words}", ov.lead or ov.text)
    if outage is not None:
        first = outage.titles[0] if outage.titles else "A site"
        more = f" and {len(outage.titles) - 1} more" if len(outage.titles) > 1 else ""
        since = _clock(outage.start_time)
        team = f" ({outage.down_from})" if outage.down_from else ""
        return Overview(
            State.DOWN, f"{first}{more} down since {since}{team} — outage {outage.code}"
        )
    failing = [s for s in active if s.state in FAILING]
    if failing:
        worst = max(failing, key=lambda s: (s.down_count, s.most_failures))
        more = f" (and {len(failing) - 1} more)" if len(failing) > 1 else ""
        # a count of 0 while failing: some vantage sees it fail, too few to call it down
        words = failure_words(worst.down_count) if worst.down_count else "not confirmed yet"
        words = worst.failures or words
        return Overview(State.WARNING, f"{worst.title} failing: {words}{more}")
    waiting = [s for s in active if s.state == State.UNKNOWN]
    if waiting:  # not green while some site was never checked (and none is failing)
        return Overview(State.IDLE, waiting_words(len(waiting)))
    checked = [s for s in active if s.state == State.UP]
    if not checked:
        return Overview(State.IDLE, "Waiting for the first round")
    if len(checked) == 1:
        return Overview(State.UP, f"{checked[0].title} is up (the only active site)")
    return Overview(State.UP, f"All {len(checked)} sites up")
