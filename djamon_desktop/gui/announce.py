"""The words of the notifications an outage's opening and end bring (whichever process's round
opened or closed it), passwords hidden."""

from __future__ import annotations

from datetime import datetime

from ..core.outages import duration_words
from ..core.status import listed, on_it_length
from ..core.urls import hide_passwords, shown_url


def down_message(current, sites, down_from: str = "") -> tuple[str, str]:
    """The title and body of an outage's opening notification (``sites``: every site, as the
    picture that brought the news read them; ``down_from``: in a team, from how many live
    vantages its primary site is down, "down from 2 of 3 desktops")."""
    titles = [s.title for s in current.sites] or ["A site"]
    urls = {s.title: s.url for s in sites}
    primary = titles[0]
    title = f"{listed(titles)} {'is' if len(titles) == 1 else 'are'} down"
    body = hide_passwords(current.content, urls.values()) or f"{primary} failed its checks."
    if primary in urls:
        body += f"\n{shown_url(urls[primary])}"
    if down_from:
        body += f"\n{primary}: {down_from}"
    return f"{title} — outage {current.code}", body


def back_message(ended) -> tuple[str, str]:
    """The title and body of an outage's end notification. A site taken out of monitoring
    during the outage (``left`` "removed") is said to be removed, never back: nobody checked
    it."""
    removed = [s.title for s in ended.sites if s.left == "removed"]
    back = [s.title for s in ended.sites if s.left != "removed"]
    lasted = f"The outage lasted {duration_words(ended.seconds_down or 0)}."
    if not ended.sites:
        back = ["Every site"]
    if not back:
        verb = "was" if len(removed) == 1 else "were"
        return (
            f"Outage {ended.code} is closed — {listed(removed)} removed from monitoring",
            f"{listed(removed, 5)} {verb} taken out of monitoring, so the outage is closed. "
            f"{lasted}",
        )
    verb = "is" if len(back) == 1 else "are"
    title = f"{listed(back)} {verb} back — outage {ended.code} is over"
    body = f"{listed(back, 5)} {verb} answering again."
    if removed:
        body += f" Removed from monitoring: {listed(removed, 5)}."
    return title, f"{body} {lasted}"


def on_it_message(ack, now: datetime) -> tuple[str, str]:
    """The title and body said when "I'm on it" found someone else on the outage (``ack``:
    who has it, since when); it stays theirs."""
    since = f" · {on_it_length(ack.at, now)}" if ack.at else ""
    return (
        f"{ack.by} is on it already — outage {ack.code}",
        f"{ack.by} is on outage {ack.code}{since}; it stays theirs. "
        "To take it over, open the outage and choose Take over.",
    )
