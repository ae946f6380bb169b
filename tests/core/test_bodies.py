"""Reading a body (core/bodies.py) from exact bytes: the framings' odd corners, fed to asyncio's
reader as a socket would feed them, after the head core/heads.py read from the same bytes."""

from __future__ import annotations

import asyncio
import zlib

import pytest

from djamon_desktop.core.bodies import MAX_BODY, BadBody, Body, charset_of, read_body
from djamon_desktop.core.heads import MAX_LINE_BYTES, NotHttp, read_head


def body_of(answer: bytes, method: str = "GET") -> Body:
    async def read() -> Body:
        reader = asyncio.StreamReader(limit=MAX_LINE_BYTES)
        reader.feed_data(answer)
        reader.feed_eof()
        return await read_body(reader, await read_head(reader), method)

    return asyncio.run(read())


def test_the_head_keeps_the_body_headers_only():
    async def read():
        reader = asyncio.StreamReader()
        reader.feed_data(
            b"HTTP/1.1 100 Continue\r\nContent-Type: nope\r\n\r\n"
            b"HTTP/1.1 200 OK\r\nCONTENT-TYPE : text/html\r\nServer: x\r\n"
            b"Transfer-Encoding: gzip\r\ntransfer-encoding: chunked\r\n\r\n"
        )
        return await read_head(reader)

    head = asyncio.run(read())
    assert head.status == 200
    assert head.headers == {"content-type": "text/html", "transfer-encoding": "gzip, chunked"}


def test_chunks_with_extensions_and_trailers():
    body = body_of(
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n1\n \n0\r\nX-Trailer: yes\r\n\r\n"
    )
    assert (body.text, body.size, body.cut) == ("hello ", 6, False)


@pytest.mark.parametrize("size_line", [b"zz\r\n", b"-5\r\n", b"0x5\r\n", b"\r\n"])
def test_a_bad_chunk_size_is_not_http(size_line):
    with pytest.raises(NotHttp):
        body_of(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + size_line + b"hello")


def test_a_chunk_longer_than_its_size_is_not_http():
    with pytest.raises(NotHttp):
        body_of(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n")


def test_a_chunked_body_cut_off_is_a_connection_failure():
    with pytest.raises(ConnectionError):
        body_of(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel")


def test_conflicting_lengths_are_not_http():
    with pytest.raises(NotHttp):
        body_of(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nabc")
    assert body_of(b"HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\n\r\nabc").text == "abc"


@pytest.mark.parametrize("status", [204, 304])
def test_answers_without_a_body_read_none(status):
    assert body_of(b"HTTP/1.1 %d X\r\nContent-Length: 5\r\n\r\n" % status).size == 0


def test_a_head_has_no_body():
    assert body_of(b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n", "HEAD").size == 0


def test_a_body_of_exactly_the_limit_is_whole_and_one_byte_more_is_cut():
    exact = body_of(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % MAX_BODY + b"a" * MAX_BODY)
    assert (exact.size, exact.cut) == (MAX_BODY, False)
    more = b"a" * (MAX_BODY + 1)
    over = body_of(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(more) + more)
    assert (over.size, over.cut) == (MAX_BODY, True)


def test_bytes_after_a_deflate_stream_are_ignored():
    data = zlib.compress(b"hello") + b"trailing junk"
    body = body_of(b"HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n\r\n" + data)
    assert body.text == "hello"


def test_two_codings_are_refused():
    with pytest.raises(BadBody):
        body_of(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip, br\r\n\r\nxx")


@pytest.mark.parametrize(
    "content_type, codec",
    [
        ("text/html", "utf-8"),
        ("text/html; charset=ISO-8859-1", "iso8859-1"),
        ("text/html;CHARSET='windows-1252'", "cp1252"),
        ('application/json; q=1; charset="utf-16"', "utf-16"),
        ("text/html; charset=klingon", "utf-8"),
        ("text/html; charset=", "utf-8"),
        ("text/html; charset=base64", "utf-8"),
        ("text/html; charset=rot13", "utf-8"),
    ],
)
def test_the_charset_of_a_content_type(content_type, codec):
    assert charset_of(content_type) == codec
