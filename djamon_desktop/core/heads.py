"""The head of an answer, read as leniently as curl reads it.

Only the status line is interpreted ("HTTP/1.1 200 OK", "HTTP/1.0 200", "HTTP/2 200"); lines may
end in a bare LF; header lines are not judged ("Content-Length : 0" is harmless), only measured,
up to curl's limits (100 KiB a line, 300 KiB in all). Of the headers, only the few that say how
a body comes are kept (:data:`BODY_HEADERS`), for a check that reads the body.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

MAX_LINE_BYTES = 100 * 1024  # one header line, as curl allows (CURL_MAX_HTTP_HEADER)
MAX_HEAD_BYTES = 300 * 1024  # the whole head, as curl allows (MAX_HTTP_RESP_HEADER_SIZE)


class NotHttp(Exception):
    """The peer answered with something that is not HTTP."""


class ClosedEarly(ConnectionError):
    """The peer closed the connection before any answer."""


_LONG_LINE = f"a line of the head is over {MAX_LINE_BYTES // 1024} KiB"
_STATUS_LINE = re.compile(rb"HTTP/\d(?:\.\d)? +(\d{3})(?:[ \t][^\r\n]*)?\r?\n")

#: the headers a body's reader needs (lower case): its type (charset), length, framing, coding
BODY_HEADERS = (b"content-type", b"content-length", b"transfer-encoding", b"content-encoding")
_FIRST_LETTERS = frozenset(b"cCtT")  # a cheap test before a header line is split


@dataclass
class Head:
    """An answer's final status and, of its headers, those in :data:`BODY_HEADERS` (names in
    lower case; a header sent twice keeps both values, joined by ", " as HTTP allows)."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)


async def read_status(reader: asyncio.StreamReader) -> int:
    """Read one answer's head (after any 1xx heads) and return its status code."""
    return (await read_head(reader)).status


async def read_head(reader: asyncio.StreamReader) -> Head:
    """Read one answer's head (after any 1xx heads): its status code and body headers."""
    total = 0
    status: int | None = None
    headers: dict[str, str] = {}
    while True:
        try:
            line = await reader.readuntil(b"\n")
        except asyncio.IncompleteReadError as exc:
            if total == 0 and not exc.partial:
                raise ClosedEarly("closed before answering") from None
            raise NotHttp("the connection closed in the middle of the head") from None
        except asyncio.LimitOverrunError:
            raise NotHttp(_LONG_LINE) from None
        total += len(line)
        if len(line) > MAX_LINE_BYTES:
            raise NotHttp(_LONG_LINE)
        if total > MAX_HEAD_BYTES:
            raise NotHttp(f"the head is over {MAX_HEAD_BYTES // 1024} KiB")
        if b"\0" in line:
            raise NotHttp("a NUL byte in the head")
        if status is None:
            match = _STATUS_LINE.fullmatch(line)
            if match is None:
                raise NotHttp(f"not a status line: {line[:40]!r}")
            status = int(match[1])
        elif line in (b"\r\n", b"\n"):
            if 100 <= status < 200 and status != 101:
                status = None  # 100 Continue and friends come before the real answer
                headers = {}
                continue
            return Head(status, headers)
        elif line[0] in _FIRST_LETTERS:
            name, colon, value = line.partition(b":")
            name = name.strip().lower()
            if colon and name in BODY_HEADERS:
                key = name.decode("ascii")
                text = value.strip().decode("latin-1")
                headers[key] = f"{headers[key]}, {text}" if key in headers else text


def request(method: str, target: str, headers: Sequence[tuple[str, str]]) -> bytes:
    """A request's head, ready to send."""
    lines = [f"{method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("ascii")
