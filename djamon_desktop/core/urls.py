"""How a site's URL is shown to people: any password it carries replaced by ``***``. Pure.

``https://user:secret@host/`` is checked with Basic authentication; wherever the program shows
or logs the URL (the command line's output, logs, notifications, alerts, windows) the password
is hidden. ``export`` keeps the URL exactly as it was given.
"""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

HIDDEN = "***"


def shown_url(url: str) -> str:
    """``url`` with the password of its user information (if any) replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    netloc = parts.netloc
    if "@" not in netloc:
        return url
    userinfo, _, hostport = netloc.rpartition("@")
    if ":" not in userinfo:
        return url
    user = userinfo.split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:{HIDDEN}@{hostport}"))


def hide_passwords(text: str, urls) -> str:
    """``text`` with every password found in ``urls`` replaced by ``***`` (for free text)."""
    for url in urls:
        shown = shown_url(url)
        if shown != url:
            text = text.replace(url, shown)
    return text
