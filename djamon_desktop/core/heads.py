"""The head of an answer, read as leniently as curl reads it.

Only the status line is interpreted ("HTTP/1.1 200 OK", "HTTP/1.0 200", "HTTP/2 200"); lines may
end in a bare LF; header lines are not judged ("Content-Length : 0" is harmless), only measured,
up to curl's limits (100 KiB a line, 300 KiB in all).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Sequence

MAX_LINE_BYTES = 100 * 1024  # one header line, as curl allows (CURL_MAX_HTTP_HEADER)
MAX_HEAD_BYTES = 300 * 1024  # the whole head, as curl allows (MAX_HTTP_RESP_HEADER_SIZE)


class NotHttp(Exception):
    """The peer answered with something that is not HTTP."""


class ClosedEarly(ConnectionError):
    """The peer closed the connection before any answer."""


_LONG_LINE = f"a line of the head is over {MAX_LINE_BYTES // 1024} KiB"
_STATUS_LINE = re.compile(rb"HTTP/\d(?:\.\d)? +(\d{3})(?:[ \t][^\r\n]*)?\r?\n")


async def read_status(reader: asyncio.StreamReader) -> int:
    """Read one answer's head (after any 1xx heads) and return its status code."""
    total = 0
    status: int | None = None
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
                continue
            return status


def request(method: str, target: str, headers: Sequence[tuple[str, str]]) -> bytes:
    """A request's head, ready to send."""
    lines = [f"{method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers), "", ""]
    return "\r\n".join(lines).encode("ascii")
