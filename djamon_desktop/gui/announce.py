"""The words of the notifications an outage's opening and end bring (whichever process's round
opened or closed it), passwords hidden."""

from __future__ import annotations

from ..core.outages import duration_words
from ..core.status import listed
from ..core.urls import hide_passwords, shown_url


def down_message(current, sites) -> tuple[str, str]:
    """The title and body of an outage's opening notification (``sites``: every site, as the
    picture that brought the news read them)."""
    titles = [s.title for s in current.sites] or ["A site"]
    urls = {s.title: s.url for s in sites}
    primary = titles[0]
    title = f"{listed(titles)} {'is' if len(titles) == 1 else 'are'} down"
    body = hide_passwords(current.content, urls.values()) or f"{primary} failed its checks."
    if primary in urls:
        body += f"\n{shown_url(urls[primary])}"
    return f"{title} — outage {current.code}", body


def back_message(ended) -> tuple[str, str]:
    """The title and body of an outage's end notification."""
    titles = [s.title for s in ended.sites] or ["Every site"]
    verb = "is" if len(titles) == 1 else "are"
    return (
        f"{listed(titles)} {verb} back — outage {ended.code} is over",
        f"{listed(titles, 5)} {verb} answering again. "
        f"The outage lasted {duration_words(ended.seconds_down or 0)}.",
    )
