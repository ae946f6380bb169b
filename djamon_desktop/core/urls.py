"""How a site's URL is shown to people: any password it carries replaced by ``***``. Pure.

``https://user:secret@host/`` is checked with Basic authentication; wherever the program shows
or logs the URL (the command line's output, logs, notifications, alerts, windows) the password
is hidden. ``export`` keeps the URL exactly as it was given.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit, urlunsplit

HIDDEN = "***"

#: a host (a name with a dot, ``localhost``, an IPv4 or a bracketed IPv6 address), an optional
#: port, then nothing or a path, query or fragment: what a person types for a web site
_BARE = re.compile(
    r"(?:[^\s:/?#@\[\]]+\.[^\s:/?#@\[\]]+|localhost|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:[/?#]\S*)?",
    re.IGNORECASE,
)


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


def with_https(typed: str) -> str:
    """What a person typed in the site editor's URL field, with ``https://`` in front when it
    is a bare host (``example.com``, ``example.com:8443/health``): as a browser's address bar
    takes it. Anything else (a scheme given, a typo) is left as typed, for the field's error
    to name. Only for what is typed: an import file's URL stays strict."""
    text = typed.strip()
    if "://" in text or not _BARE.fullmatch(text):
        return typed
    return f"https://{text}"
