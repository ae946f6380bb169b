"""Reading an answer's body for a check that judges it: at most :data:`MAX_BODY` bytes, decoded.

The body comes as the head says: chunked, ``Content-Length`` bytes, or until the server closes
(``Connection: close`` is always sent). A ``gzip`` or ``deflate`` body (zlib-wrapped or raw, as
servers send both under that name) is decoded as it arrives, a piece at a time with zlib's
``max_length``: the limit counts decoded bytes, and reading stops once the decoder has given
:data:`MAX_BODY` bytes, so a small body that would expand to gigabytes (a "zip bomb") costs no
more memory or time than a plain megabyte. Nothing here has a clock: the caller's deadline
(``asyncio.timeout_at`` around the whole check) ends a body that is still arriving.
"""

from __future__ import annotations

import asyncio
import codecs
import zlib
from dataclasses import dataclass

from .heads import Head, NotHttp

MAX_BODY = 1024 * 1024  # decoded bytes a check reads of a body, at most
_PIECE = 64 * 1024  # bytes asked of the socket at a time
_NO_BODY = (204, 304)  # (and every 1xx) answers that have no body whatever their head says


class BadBody(Exception):
    """A body this app cannot decode (an unknown or broken content coding); ``status`` is the
    code of the answer it came with."""

    status: int | None = None


@dataclass(frozen=True)
class Body:
    """The first (at most :data:`MAX_BODY`) decoded bytes of a body, as text."""

    text: str
    size: int  # decoded bytes read
    cut: bool  # the body went on past MAX_BODY and the rest was not read


class _Decoder:
    """Turns the body's bytes as sent into its bytes as meant, never more than ``room``."""

    def __init__(self, coding: str) -> None:
        self.coding = coding
        self._zlib: zlib._Decompress | None = None
        self._start = b""  # deflate: the first bytes, until they say zlib-wrapped or raw
        if coding in ("gzip", "x-gzip"):
            self._zlib = zlib.decompressobj(16 + zlib.MAX_WBITS)
        elif coding not in ("", "identity", "deflate"):
            raise BadBody(f"the body is in a coding this app does not read ({coding!r})")

    def feed(self, data: bytes, room: int) -> tuple[bytes, bool]:
        """The decoded bytes of ``data`` (at most ``room``) and whether more were left."""
        if self.coding == "deflate" and self._zlib is None:
            self._start += data
            if len(self._start) < 2:
                return b"", False
            data, self._start = self._start, b""
            wrapped = data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0
            self._zlib = zlib.decompressobj(zlib.MAX_WBITS if wrapped else -zlib.MAX_WBITS)
        if self._zlib is None:
            return data[:room], len(data) > room
        if self._zlib.eof:
            return b"", False  # bytes after the stream's end: ignored, as browsers do
        try:
            out = self._zlib.decompress(data, room)
        except zlib.error as exc:
            raise BadBody(f"the body's {self.coding} data is broken ({exc})") from None
        return out, bool(self._zlib.unconsumed_tail)


class _Sink:
    """Collects the decoded body until it holds MAX_BODY bytes."""

    def __init__(self, head: Head) -> None:
        codings = [c.strip().lower() for c in head.headers.get("content-encoding", "").split(",")]
        codings = [c for c in codings if c not in ("", "identity")]
        if len(codings) > 1:
            raise BadBody(f"the body is in codings this app does not read ({', '.join(codings)})")
        self.decoder = _Decoder(codings[0] if codings else "")
        self.parts: list[bytes] = []
        self.size = 0
        self.cut = False

    def take(self, data: bytes, last: bool = False) -> bool:
        """Add ``data`` as sent (``last``: known to end the body); False once the body is full
        (read no more): then it counts as cut unless its end was seen."""
        out, more = self.decoder.feed(data, MAX_BODY - self.size)
        if out:
            self.parts.append(out)
            self.size += len(out)
        if self.size >= MAX_BODY:
            self.cut = more or not last
            return False
        return True


async def read_body(reader: asyncio.StreamReader, head: Head, method: str = "GET") -> Body:
    """Read the body that follows ``head`` (see the module's docstring); raises NotHttp when
    its framing is broken, BadBody when its coding is, ConnectionError when it ends early."""
    status = head.status
    try:
        sink = _Sink(head)
        if method != "HEAD" and status not in _NO_BODY and not 100 <= status < 200:
            framing = head.headers.get("transfer-encoding", "").lower()
            if framing.rsplit(",", 1)[-1].strip() == "chunked":
                await _chunked(reader, sink)
            elif "content-length" in head.headers:
                await _counted(reader, sink, _length(head.headers["content-length"]))
            else:
                await _to_close(reader, sink)
    except BadBody as exc:
        exc.status = status
        raise
    return Body(_text(b"".join(sink.parts), head), sink.size, sink.cut)


def _length(value: str) -> int:
    values = {v.strip() for v in value.split(",")}
    if len(values) != 1 or not (only := values.pop()).isdigit():
        raise NotHttp(f"a bad Content-Length: {value[:40]!r}")
    return int(only)


async def _counted(reader: asyncio.StreamReader, sink: _Sink, length: int) -> None:
    left = length
    while left > 0:
        data = await reader.read(min(left, _PIECE))
        if not data:
            raise ConnectionError(
                f"the connection closed {left:,} bytes before the end of the body"
            )
        left -= len(data)
        if not sink.take(data, last=left <= 0):
            return


async def _to_close(reader: asyncio.StreamReader, sink: _Sink) -> None:
    while data := await reader.read(_PIECE):
        if not sink.take(data):
            return


async def _chunked(reader: asyncio.StreamReader, sink: _Sink) -> None:
    while True:
        size = _chunk_size(await _line(reader))
        if size == 0:
            while (await _line(reader)).strip():  # trailers, up to the empty line
                pass
            return
        left = size
        while left > 0:
            data = await reader.read(min(left, _PIECE))
            if not data:
                raise ConnectionError("the connection closed in the middle of a chunk")
            left -= len(data)
            if not sink.take(data):
                return
        if (await _line(reader)).strip():
            raise NotHttp("a chunk is longer than its size says")


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.IncompleteReadError:
        raise ConnectionError("the connection closed in the middle of a chunked body") from None
    except asyncio.LimitOverrunError:
        raise NotHttp("a chunk's size line is too long") from None


def _chunk_size(line: bytes) -> int:
    digits = line.split(b";", 1)[0].strip()
    try:
        if not digits or digits.startswith((b"-", b"+", b"0x", b"0X")):
            raise ValueError
        return int(digits, 16)
    except ValueError:
        raise NotHttp(f"not a chunk size: {line[:20]!r}") from None


def charset_of(content_type: str) -> str:
    """The codec named by a Content-Type's ``charset`` (UTF-8 when none, or one Python does
    not know as a text encoding)."""
    for param in content_type.split(";")[1:]:
        name, _eq, value = param.partition("=")
        if name.strip().lower() == "charset":
            try:
                codec = codecs.lookup(value.strip().strip("\"'"))
            except LookupError:
                break
            # (base64, rot13 and the like are codecs, but not of bytes to text)
            return codec.name if getattr(codec, "_is_text_encoding", True) else "utf-8"
    return "utf-8"


def _text(data: bytes, head: Head) -> str:
    return data.decode(charset_of(head.headers.get("content-type", "")), errors="replace")
