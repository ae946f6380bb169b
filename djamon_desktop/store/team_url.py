"""A team database's URL: how it is recognised, checked, shown in messages (passwords as
``***``), stripped of its password for ``team.json``. What psycopg2 is given besides it is
:func:`.team_tls.connect_params`'s.

Nothing here loads the PostgreSQL driver except what reads a URL as libpq does (``check_url``,
``url_params``, ``needs_password``), and those run only for a team URL.
"""

from __future__ import annotations

import getpass
import os
import re
import string
from urllib.parse import unquote, unquote_plus

from ..errors import UserError

SCHEMES = ("postgresql://", "postgres://")
#: libpq's connect timeout unless the URL sets its own
CONNECT_TIMEOUT_S = 10
HIDDEN = "***"
#: the connection parameters libpq 17 knows (and ``ssl``, its URLs' old spelling of sslmode)
LIBPQ_KEYWORDS = frozenset(
    {
        "host",
        "hostaddr",
        "port",
        "dbname",
        "user",
        "password",
        "passfile",
        "channel_binding",
        "connect_timeout",
        "client_encoding",
        "options",
        "application_name",
        "fallback_application_name",
        "keepalives",
        "keepalives_idle",
        "keepalives_interval",
        "keepalives_count",
        "tcp_user_timeout",
        "replication",
        "gssencmode",
        "sslmode",
        "sslnegotiation",
        "sslcompression",
        "sslcert",
        "sslkey",
        "sslcertmode",
        "sslpassword",
        "sslrootcert",
        "sslcrl",
        "sslcrldir",
        "sslsni",
        "requirepeer",
        "require_auth",
        "ssl_min_protocol_version",
        "ssl_max_protocol_version",
        "krbsrvname",
        "gsslib",
        "gssdelegation",
        "service",
        "target_session_attrs",
        "load_balance_hosts",
        "ssl",
    }
)

# in a keyword=value text (not a URL): a key holding "password" and its value
_KEYWORD_PASSWORD = re.compile(r"(\b\w*password\w*\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
# a piece of a message in double or single quotes
_QUOTED = re.compile(r"([\"'])(.*?)\1")


def is_team_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(SCHEMES)


def _split(url: str) -> tuple[str, str, str, str, str]:
    """``scheme://``, the authority (user, password, hosts), the path, the query (without
    ``?``) and the fragment (with ``#``), cut by hand: libpq's URLs may name several hosts,
    which ``urlsplit`` refuses to read a port from."""
    scheme, sep, rest = url.partition("://")
    head = scheme + sep
    rest, hash_, fragment = rest.partition("#")
    rest, _, query = rest.partition("?")
    authority, slash, path = rest.partition("/")
    return head, authority, slash + path, query, hash_ + fragment


def _join(head: str, authority: str, path: str, query: str, fragment: str) -> str:
    return head + authority + path + ("?" + query if query else "") + fragment


def _names_password(key: str) -> bool:
    return "password" in unquote_plus(key).lower()


def shown(url: str) -> str:
    """The URL as messages show it: the password of ``user:password@`` and the value of every
    parameter whose name holds ``password`` (``sslpassword``, ``pass%77ord``...) as ``***``.

    Read as libpq reads it (no ``#fragment``: a ``#`` belongs to the value it stands in), and
    with room for a password typed without percent-encoding: from the first ``:`` before the
    first ``@`` to the last ``@`` is hidden (a password holding ``/``, ``?``, ``@`` or ``#``
    shows no part of itself; an ``@`` further on, as in ``?user=a@b``, hides a little more
    than the password), and a password parameter's value runs on over the ``&`` pieces with no
    ``=`` that follow it (libpq refuses those, but they are likely the password's rest)."""
    if "://" not in url:
        return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + HIDDEN, url)
    out, at = [], 0
    for start, end in _hidden_spans(url):
        out += [url[at:start], HIDDEN]
        at = end
    return "".join([*out, url[at:]])


def scrubbed(text: str, url: str) -> str:
    """``text`` (a driver's message about ``url``) with what ``shown`` hides of the URL hidden
    in it too: libpq quotes the piece it could not read (``invalid percent-encoded token:
    "p%zz"``, ``invalid integer value "pa" for connection option "port"``). A quoted piece that
    overlaps a hidden part where it stands in the URL (as written or decoded), holds one, is part
    of one or holds 3 of its characters in a row becomes ``***``, and so does any hidden part of
    4 characters or more met unquoted."""
    if "://" in url:
        spans = _hidden_spans(url)
    else:
        spans = [m.span(2) for m in _KEYWORD_PASSWORD.finditer(url)]
    parts = {url[start:end].strip("'") for start, end in spans}
    hidden = {form for part in parts if part for form in (part, unquote(part), unquote_plus(part))}
    if not hidden:
        return text

    secret = [False] * (len(url) + 1)  # the URL's characters that are hidden
    for start, end in spans:
        secret[start:end] = [True] * (end - start)
    # libpq quotes the URL as written and, in parameters, as decoded: both are looked in
    readings = [(url, list(range(len(url)))), _decoded(url)]

    def overlaps(token: str) -> bool:
        for reading, origin in readings:
            at = reading.find(token)
            while at >= 0:
                if any(secret[origin[i]] for i in range(at, at + len(token))):
                    return True
                at = reading.find(token, at + 1)
        return any(_share(token, part) for part in hidden)

    def quoted(match: re.Match) -> str:
        token = match.group(2)
        return match.group(1) + HIDDEN + match.group(1) if token and overlaps(token) else match[0]

    text = _QUOTED.sub(quoted, text)
    for part in sorted(hidden, key=len, reverse=True):
        if len(part) >= 4:
            text = text.replace(part, HIDDEN)
    return text


def _share(token: str, part: str) -> bool:
    """Whether ``token`` holds ``part``, is part of it, or holds 3 characters of it in a row
    (libpq puts pieces together again: a host list's ports, ``0,%A`` from ``0:,%A/@``)."""
    if token in part or part in token:
        return True
    return any(part[at : at + 3] in token for at in range(len(part) - 2))


def _decoded(url: str) -> tuple[str, list[int]]:
    """``url`` with its ASCII ``%XX`` escapes decoded, and where each character came from."""
    text, origin, at = [], [], 0
    while at < len(url):
        escape = url[at + 1 : at + 3]
        if (
            url[at] == "%"
            and len(escape) == 2
            and all(c in string.hexdigits for c in escape)
            and int(escape, 16) < 0x80
        ):
            text.append(chr(int(escape, 16)))
            origin.append(at)
            at += 3
            continue
        text.append(url[at])
        origin.append(at)
        at += 1
    return "".join(text), origin


def _hidden_spans(url: str) -> list[tuple[int, int]]:
    """Where the passwords of a ``scheme://`` URL stand: (start, end) pairs, merged, in order."""
    begin = url.index("://") + 3
    spans = []
    first_at, last_at = url.find("@", begin), url.rfind("@")
    colon = url.find(":", begin)
    if url.startswith("[", begin) and 0 <= url.find("]", begin) < first_at:
        colon = url.find(":", url.find("]", begin))  # an IPv6 literal's colons are no password's
    if 0 <= colon < first_at:
        spans.append((colon + 1, last_at))
    # the parameters, read from every "?" (a password may hold a "?", and a parameter's value
    # an "@": any of them may be where the query starts)
    for mark in [i for i in range(begin, len(url)) if url[i] == "?"]:
        spans += _parameter_spans(url, mark + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _parameter_spans(url: str, at: int) -> list[tuple[int, int]]:
    """The values of the parameters from ``at`` on whose names hold ``password``; each runs on
    over the ``&`` pieces after it up to one libpq knows (a password typed with an unencoded
    ``&``: libpq would refuse the pieces, and they are likely the password's rest)."""
    spans = []
    hiding = False  # within a password parameter's value
    for piece in url[at:].split("&"):
        end = at + len(piece)
        key, eq, _ = piece.partition("=")
        if eq and (not hiding or unquote_plus(key) in LIBPQ_KEYWORDS or _names_password(key)):
            hiding = _names_password(key)
            if hiding:
                spans.append((at + len(key) + 1, end))
        elif hiding:
            spans.append((spans[-1][0], end))
        at = end + 1
    return spans


def without_password(url: str) -> tuple[str, str | None]:
    """The URL with no password in it (``user:PASSWORD@`` or the ``password`` parameter, its
    name percent-encoded or not), and the password (None when it held none)."""
    if "://" not in url:
        return url, None
    head, authority, path, query, fragment = _split(url)
    password = None
    userinfo, at, hosts = authority.rpartition("@")
    if at and ":" in userinfo:
        user, _, raw = userinfo.partition(":")
        password = unquote(raw)
        authority = f"{user}@{hosts}" if user else hosts
    kept = []
    for pair in query.split("&") if query else []:
        key, _, value = pair.partition("=")
        if unquote_plus(key) == "password":
            password = unquote_plus(value)
        else:
            kept.append(pair)
    return _join(head, authority, path, "&".join(kept), fragment), password


def check_url(url: str) -> str:
    """The URL as libpq takes it, or UserError (exit 2) saying what is wrong with it."""
    if not is_team_url(url):
        raise UserError(f"database URL {shown(url)!r}: use postgresql://USER@HOST:PORT/DBNAME")
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    from psycopg2 import ProgrammingError

    try:
        params = url_params(url)
    except ProgrammingError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "not a libpq URL"
        raise UserError(f"database URL {shown(url)}: {scrubbed(reason, url)}") from None
    if not params.get("dbname"):
        raise UserError(f"database URL {shown(url)}: name the database (…/DBNAME)")
    for port in params.get("port", "").split(","):  # told here rather than by libpq
        number = port.isascii() and port.isdigit()
        if port and not (number and 0 < int(port) < 65536):
            reason = (
                f"Port out of range 1-65535: {port}" if number else f"Port {port!r} is no number"
            )
            raise UserError(f"database URL {shown(url)}: {scrubbed(reason, url)}")
    return url


def server_of(url: str) -> dict[str, str]:
    """The server a URL names, as a password is bound to it (:mod:`...password_binding`):
    host (with ``hostaddr`` when one is given: libpq connects there), port, user and
    database, each as libpq fills it in when the URL leaves it out (``PGHOST``..., the login
    name). UserError for a URL libpq can't read."""
    params = url_params(check_url(url))
    user = params.get("user") or os.environ.get("PGUSER") or getpass.getuser()
    host = params.get("host") or os.environ.get("PGHOST", "")
    hostaddr = params.get("hostaddr") or os.environ.get("PGHOSTADDR", "")
    return {
        "host": f"{host} ({hostaddr})" if hostaddr else host,
        "port": params.get("port") or os.environ.get("PGPORT") or "5432",
        "user": user,
        "dbname": params.get("dbname") or os.environ.get("PGDATABASE") or user,
    }


def needs_password(url: str) -> bool:
    """Whether libpq would have no password of its own for this URL (none in the URL, no
    ``PGPASSWORD``); ``~/.pgpass`` is left to libpq and tried first."""
    return "password" not in url_params(url) and not os.environ.get("PGPASSWORD")


def url_params(url: str) -> dict[str, str]:
    """The URL's parameters as libpq reads them."""
    from psycopg2.extensions import parse_dsn

    return parse_dsn(url)
