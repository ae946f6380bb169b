"""Problems in what a person gave, each as ``place: what is wrong``, and the checks of single
values that find them. Pure: each check takes a value and gives its problem or None.

The messages are part of the command line's contract (docs/contract.md; ``import`` prints
them): keep them."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import SplitResult, urlsplit

from .status import plural
from .text import forbidden
from .wire import ascii_host

ValueCheck = Callable[[object], "str | None"]


class Problems:
    """Every problem found, in the order found, as ``place: message`` lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, place: str, message: str) -> None:
        self.lines.append(f"{place}: {message}" if place else message)

    def __bool__(self) -> bool:
        return bool(self.lines)


class DocumentRefused(Exception):
    def __init__(self, problems: list[str]):
        super().__init__(plural(len(problems), "problem"))
        self.problems = problems


def json_type(value: object) -> str:
    """What a JSON value is, in words ("a string", "null", ...)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def bool_problem(value: object) -> str | None:
    return None if isinstance(value, bool) else f"must be true or false, not {json_type(value)}"


def string_problem(value: object) -> str | None:
    return None if isinstance(value, str) else f"must be a string, not {json_type(value)}"


def int_problem(value: object, low: int, high: int | None = None) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number, not {json_type(value)}"
    if value < low:
        return f"{value} is below {low}"
    if high is not None and value > high:
        return f"{value} is above {high}"
    return None


def list_of(value: object, place: str, problems: Problems, item: ValueCheck) -> None:
    """A list whose every entry passes ``item``; a problem names the entry (``place[2]``)."""
    if not isinstance(value, list):
        problems.add(place, f"must be a list, not {json_type(value)}")
        return
    for index, entry in enumerate(value):
        problem = item(entry)
        if problem:
            problems.add(f"{place}[{index}]", problem)


_EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")


def email_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {json_type(value)}"
    if not _EMAIL.match(value):
        return f"{value!r} is not an e-mail address"
    return None


def url_problem(value: object) -> str | None:
    """What keeps ``value`` from being a site's URL: an http or https URL a check can fetch,
    or ``tcp://HOST:PORT`` (a connection opened, nothing sent); its password never shown."""
    return _url_problem(value, tcp=True)


def web_url_problem(value: object) -> str | None:
    """What keeps ``value`` from being an http or https URL a check can fetch (the sandbox
    URLs, a Djamon site's URL); its password never shown."""
    return _url_problem(value, tcp=False)


def _url_problem(value: object, *, tcp: bool) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {json_type(value)}"
    if not value:
        return "must not be empty"
    hide = _password_hider(value)
    shown = repr(hide(value))
    if any(ch.isspace() or forbidden(ch) for ch in value):
        return f"{shown} contains spaces, control or bidirectional characters"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return f"{shown} is not valid Unicode text (a lone surrogate)"
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError as exc:
        reason = hide(str(exc))
        if shown != repr(value):  # urlsplit quotes pieces of the host part: the password's too
            reason = re.sub(r"'[^']*'|\"[^\"]*\"", "'***'", reason)
        return f"{shown} is not a valid URL ({reason})"
    if tcp and parts.scheme == "tcp":
        problem = _tcp_problem(value, parts)
        if problem:
            return f"{shown} {problem}"
    elif parts.scheme not in ("http", "https"):
        return f"{shown} is not an http or https URL"
    if not parts.hostname:
        return f"{shown} has no host name"
    try:
        # an empty or over-long label is let through: the check fails as ``dns``, as a
        # browser's would (wire.label_problem), and the site can be kept and mended
        ascii_host(parts.hostname)
    except ValueError as exc:
        return f"{shown}: the host name can't be written in IDNA form ({exc})"
    return None


def _tcp_problem(url: str, parts: SplitResult) -> str | None:
    """What keeps a ``tcp://`` URL from naming one port of one host."""
    if "@" in parts.netloc:
        return "has user information: a tcp:// URL is only tcp://HOST:PORT"
    if parts.port is None:
        return "has no port: a tcp:// URL is tcp://HOST:PORT, with a port from 1 to 65535"
    if parts.port == 0:
        return "has port 0: a tcp:// URL is tcp://HOST:PORT, with a port from 1 to 65535"
    if parts.path not in ("", "/") or parts.query or parts.fragment or "?" in url or "#" in url:
        return "has a path, query or fragment: a tcp:// URL is only tcp://HOST:PORT"
    return None


def has_password(url: str) -> bool:
    """Whether ``url``'s user information holds a password (``user:password@``)."""
    _, slashes, rest = url.partition("//")
    userinfo, at, _ = re.split(r"[/?#]", rest, maxsplit=1)[0].rpartition("@")
    return bool(slashes and at and userinfo.partition(":")[2])


def passwords_said(count: int) -> str:
    """The warning of an export whose site URLs hold passwords (never the passwords)."""
    return (
        f"the URLs of {plural(count, 'site')} hold a password (user:password@), and the "
        "export holds them as written: keep the file private"
    )


def _password_hider(url: str) -> Callable[[str], str]:
    """Hides the password of ``url``'s user information (``user:***``) in a text about it.
    Works on URLs too broken for urlsplit, so no problem line ever shows the password."""
    _, slashes, rest = url.partition("//")
    authority = re.split(r"[/?#]", rest, maxsplit=1)[0]
    userinfo, at, _ = authority.rpartition("@")
    host, colon, port = authority.partition(":")
    broken = not at and colon and not host.startswith("[") and not port.isdigit()
    if "@" in rest[len(authority) :] and (broken or ":" in userinfo):
        # A password holding a raw "/", "?" or "#" ends the host part there (urlsplit reads
        # the user as the host and the password's start as the port, and quotes that port):
        # the user information is taken to run to the last "@", so all of it is hidden (with
        # a path holding "@" as well, more is hidden than the password: never less).
        userinfo, at = rest.rpartition("@")[0], "@"
    if not slashes or not at or ":" not in userinfo:
        return lambda text: text
    hidden = userinfo.split(":", 1)[0] + ":***"
    return lambda text: text.replace(userinfo, hidden)
