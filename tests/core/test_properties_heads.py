"""Properties of reading an answer's head (core/heads.py): any head curl takes gives its final
status (after any number of 1xx heads), and any bytes at all give a status, NotHttp or
ClosedEarly, never another error. The reader is asyncio's, fed the bytes as the probe's is, with
the probe's line limit."""

from __future__ import annotations

import asyncio

from hypothesis import example, given, settings
from hypothesis import strategies as st

from djamon_desktop.core.heads import (
    MAX_LINE_BYTES,
    ClosedEarly,
    NotHttp,
    read_status,
    request,
)

FAST = settings(max_examples=200, deadline=None, derandomize=True, database=None)


def status_of(data: bytes) -> int:
    async def read() -> int:
        reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
        reader.feed_data(data)
        reader.feed_eof()
        return await read_status(reader)

    return asyncio.run(read())


versions = st.sampled_from([b"HTTP/1.1", b"HTTP/1.0", b"HTTP/2", b"HTTP/3"])
reasons = st.binary(max_size=20).map(
    lambda b: b.replace(b"\r", b"").replace(b"\n", b"").replace(b"\0", b"")
)
eol = st.sampled_from([b"\r\n", b"\n"])
header = st.tuples(
    st.text("abcdefghijklmnopqrstuvwxyz-", min_size=1, max_size=12),
    st.sampled_from([b":", b" :", b": "]),
    st.binary(max_size=30).map(lambda b: b.translate(None, b"\r\n\0")),
    eol,
).map(lambda h: h[0].encode() + h[1] + h[2] + h[3])


@st.composite
def heads(draw, status: st.SearchStrategy[int]) -> bytes:
    code = draw(status)
    reason = draw(reasons)
    line = draw(versions) + b" " * draw(st.integers(1, 3)) + str(code).encode()
    if reason:
        line += draw(st.sampled_from([b" ", b"\t"])) + reason
    return line + draw(eol) + b"".join(draw(st.lists(header, max_size=5))) + draw(eol)


@FAST
@given(
    st.lists(heads(st.sampled_from([100, 102, 103, 199])), max_size=3),
    heads(st.integers(101, 101) | st.integers(200, 999)),
    st.binary(max_size=40),
)
@example([b"HTTP/1.1 100 Continue\r\n\r\n"], b"HTTP/1.1 204 No Content\n\n", b"body")
def test_the_final_status_is_read_after_any_1xx_heads(informational, final, body):
    assert status_of(b"".join(informational) + final + body) == int(final.split()[1])


@FAST
@given(st.binary(max_size=200))
@example(b"")
@example(b"HTTP/1.1 200 OK\r\n")
@example(b"HTTP/1.1 200 OK\r\nX: \0\r\n\r\n")
@example(b"SSH-2.0-OpenSSH_9.2\r\n")
def test_any_bytes_give_a_status_or_not_http_or_closed_early(data):
    try:
        status = status_of(data)
    except ClosedEarly:
        assert data == b""
    except NotHttp:
        pass
    else:
        assert 100 <= status <= 999 and data.startswith(b"HTTP/")


@FAST
@given(heads(st.integers(200, 599)), st.integers(1, 3))
def test_an_oversized_head_is_not_http(head, many):
    line = b"X-Big: " + b"a" * (MAX_LINE_BYTES * many) + b"\r\n"
    status_line, _, rest = head.partition(b"\n")
    try:
        status_of(status_line + b"\n" + line + rest)
    except NotHttp:
        return
    raise AssertionError("an over-long header line was read")


names = st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
values = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=20)


@FAST
@given(names, values.filter(lambda t: " " not in t), st.lists(st.tuples(names, values)))
def test_a_request_head_reads_back_line_by_line(method, target, headers):
    sent = request(method, "/" + target, headers)
    assert sent.endswith(b"\r\n\r\n")
    lines = sent.decode("ascii").split("\r\n")[:-2]
    assert lines[0] == f"{method} /{target} HTTP/1.1"
    assert [tuple(x.split(": ", 1)) for x in lines[1:]] == [(k, v) for k, v in headers]
