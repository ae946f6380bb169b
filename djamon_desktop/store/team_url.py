"""A team database's URL: how it is recognised, checked, shown in messages (passwords as
``***``), stripped of its password for ``team.json``, and what psycopg2 is given besides it.

Nothing here loads the PostgreSQL driver except what reads a URL as libpq does (``check_url``,
``connect_params``, ``needs_password``), and those run only for a team URL.
"""

from __future__ import annotations

import getpass
import os
import re
from urllib.parse import unquote, unquote_plus, urlsplit

from ..errors import UserError

#: the environment variable naming the team database (after ``--database``)
ENV_URL = "DJAMON_DATABASE_URL"
SCHEMES = ("postgresql://", "postgres://")
#: libpq's connect timeout unless the URL sets its own
CONNECT_TIMEOUT_S = 10
HIDDEN = "***"

# in a keyword=value text (not a URL): a key holding "password" and its value
_KEYWORD_PASSWORD = re.compile(r"(\b\w*password\w*\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


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
    parameter whose name holds ``password`` (``sslpassword``, ``pass%77ord``...) as ``***``."""
    if "://" not in url:
        return _KEYWORD_PASSWORD.sub(lambda m: m.group(1) + HIDDEN, url)
    head, authority, path, query, fragment = _split(url)
    userinfo, at, hosts = authority.rpartition("@")
    if at and ":" in userinfo:
        authority = f"{userinfo.partition(':')[0]}:{HIDDEN}@{hosts}"
    pairs = []
    for pair in query.split("&") if query else []:
        key, eq, _ = pair.partition("=")
        pairs.append(f"{key}={HIDDEN}" if eq and _names_password(key) else pair)
    return _join(head, authority, path, "&".join(pairs), fragment)


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
        params = _url_params(url)
    except ProgrammingError as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else "not a libpq URL"
        raise UserError(f"database URL {shown(url)}: {reason}") from None
    if not params.get("dbname"):
        raise UserError(f"database URL {shown(url)}: name the database (…/DBNAME)")
    if "," not in _split(url)[1]:  # one host: a bad port is told here rather than by libpq
        try:
            urlsplit(url).port  # noqa: B018 - a bad port raises here
        except ValueError as exc:
            raise UserError(f"database URL {shown(url)}: {exc}") from None
    return url


def connect_params(url: str) -> dict:
    """What psycopg2 is given besides the URL: a connect timeout unless the URL sets one, and
    keepalives so a server that vanished mid-round is noticed rather than waited on forever."""
    params = _url_params(url)
    extra: dict = {}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = CONNECT_TIMEOUT_S
    if "tcp_user_timeout" not in params:
        extra["tcp_user_timeout"] = CONNECT_TIMEOUT_S * 1000
    if "keepalives_idle" not in params:
        extra.update(keepalives=1, keepalives_idle=10, keepalives_interval=5, keepalives_count=2)
    if "application_name" not in params:
        extra["application_name"] = "djamon-desktop"
    return extra


def server_of(url: str) -> dict[str, str]:
    """The server a URL names, as a password is bound to it (:mod:`...password_binding`):
    host (with ``hostaddr`` when one is given: libpq connects there), port, user and
    database, each as libpq fills it in when the URL leaves it out (``PGHOST``..., the login
    name). UserError for a URL libpq can't read."""
    params = _url_params(check_url(url))
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
    return "password" not in _url_params(url) and not os.environ.get("PGPASSWORD")


def _url_params(url: str) -> dict[str, str]:
    from psycopg2.extensions import parse_dsn

    return parse_dsn(url)
