"""Checks that read the answer (a site's ``expect``), against a real loopback server whose
pages have the bodies, codings, framings and pace each test sets (tests/body_server.py)."""

from __future__ import annotations

import asyncio
import math
import ssl
import time
import tracemalloc

import pytest

from djamon_desktop.core.bodies import MAX_BODY
from djamon_desktop.core.expect import Expect, parse_expect
from djamon_desktop.core.probe import ProbeResult, Session, probe, probe_all, try_check
from djamon_desktop.core.rounds import probe_round

from ..body_server import BodyServer, Page, deflated, gzip_bomb, gzipped
from ..servers import ForwardProxy

GOOD = (200, 301, 302)


@pytest.fixture(scope="module")
def site():
    s = BodyServer().start()
    yield s
    s.stop()


def check(url: str, expect: dict | Expect, timeout: float = 3.0) -> ProbeResult:
    wanted = expect if isinstance(expect, Expect) else parse_expect(expect)

    async def go() -> ProbeResult:
        return await probe(Session(), url, timeout, expect=wanted, good_codes=GOOD)

    return asyncio.run(go())


def failed(result: ProbeResult) -> tuple[int | None, str | None, str]:
    return result.status_code, result.error, result.detail


# -- text and absent ---------------------------------------------------------------------------


def test_a_body_with_the_text_is_good(site):
    url = site.page("/has-ok", Page(b'{"status": "OK"}'))
    result = check(url, {"text": "OK"})
    assert failed(result) == (200, None, "")
    assert result.is_good(GOOD)


def test_a_body_without_the_text_is_content_saying_what_it_lacks(site):
    url = site.page("/lacks-ok", Page(b"x" * 1204))
    result = check(url, {"text": "OK"})
    assert failed(result) == (200, "content", "body lacks 'OK' (1,204 bytes read)")
    assert not result.is_good(GOOD)


def test_text_is_matched_as_written(site):
    url = site.page("/lower-ok", Page(b"status: ok"))
    assert check(url, {"text": "OK"}).error == "content"


def test_a_body_with_the_absent_text_is_content(site):
    url = site.page("/has-error", Page(b"<h1>ERROR</h1> the shop's error template"))
    result = check(url, {"absent": "ERROR"})
    assert failed(result) == (200, "content", "body contains 'ERROR' (40 bytes read)")
    assert check(url, {"absent": "FATAL"}).error is None


def test_a_long_text_is_cut_short_in_the_detail(site):
    url = site.page("/short", Page(b"hello"))
    wanted = "needle " * 100
    result = check(url, {"text": wanted})
    assert result.error == "content"
    assert len(result.detail) < 120
    assert result.detail.startswith("body lacks 'needle needle")


def test_a_bad_code_fails_as_always_and_its_body_is_not_judged(site):
    url = site.page("/err-500", Page(b"no such text", status=500))
    result = check(url, {"text": "OK"})
    assert failed(result) == (500, None, "")
    assert not result.is_good(GOOD)


def test_the_sites_own_codes_make_a_code_good_and_its_body_judged(site):
    url = site.page("/teapot", Page(b"I am a teapot", status=418))
    assert failed(check(url, {"text": "teapot", "codes": [418]})) == (418, None, "")
    result = check(url, {"text": "coffee", "codes": [418]})
    assert failed(result)[:2] == (418, "content")


def test_a_round_judges_the_body_only_under_its_good_codes(site):
    url = site.page("/moved", Page(b"gone", status=302))
    texts = [parse_expect({"text": "OK"})]

    async def round_(good: list[int]) -> ProbeResult:
        return (await probe_round([], [url], 3.0, good, expects=texts))[0]

    assert failed(asyncio.run(round_([200]))) == (302, None, "")
    assert failed(asyncio.run(round_([200, 302]))) == (
        302,
        "content",
        "body lacks 'OK' (4 bytes read)",
    )

    async def unknown() -> ProbeResult:  # no setting given: 200-399 are judged
        return (await probe_all([url], 3.0, expects=texts))[0]

    assert asyncio.run(unknown()).error == "content"


# -- HEAD or GET -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "expect, method",
    [
        ({}, "HEAD"),
        ({"max_ms": 2000}, "HEAD"),
        ({"codes": [200]}, "HEAD"),
        ({"max_ms": 2000, "codes": [200]}, "HEAD"),
        ({"text": '"a"'}, "GET"),
        ({"absent": "zzz"}, "GET"),
        ({"json": {"path": "a", "equals": 1}}, "GET"),
    ],
)
def test_only_a_body_condition_makes_the_check_a_get(site, expect, method):
    path = f"/method-{len(site.pages)}"
    url = site.page(path, Page(b'{"a": 1}'))
    assert check(url, expect).is_good(GOOD)
    assert site.methods(path) == [method]
    seen = [s for s in site.seen if s.target.startswith(path)][0]
    if method == "GET":
        assert seen.headers["accept-encoding"] == "gzip, deflate"
    else:
        assert "accept-encoding" not in seen.headers


def test_a_405_to_head_is_still_retried_as_get_for_time_and_codes(site):
    url = site.page("/no-head", Page(b"hi", head_status=405))
    result = check(url, {"max_ms": 2000})
    assert failed(result) == (200, None, "")
    assert site.methods("/no-head") == ["HEAD", "GET"]


def test_a_body_condition_on_a_server_refusing_head_is_one_get(site):
    url = site.page("/no-head-text", Page(b"hi OK", head_status=405))
    assert failed(check(url, {"text": "OK"})) == (200, None, "")
    assert site.methods("/no-head-text") == ["GET"]


# -- codings, framings, charsets ---------------------------------------------------------------

TEXT = b"<html>" + b"filler " * 3000 + b"<p>All systems OK</p></html>"


@pytest.mark.parametrize(
    "name, page",
    [
        ("plain", Page(TEXT)),
        ("gzip", Page(gzipped(TEXT), coding="gzip")),
        ("x-gzip", Page(gzipped(TEXT), coding="x-gzip")),
        ("deflate-zlib", Page(deflated(TEXT), coding="deflate")),
        ("deflate-raw", Page(deflated(TEXT, raw=True), coding="deflate")),
        ("chunked", Page(TEXT, framing="chunked", piece=1000)),
        ("chunked-gzip", Page(gzipped(TEXT), coding="gzip", framing="chunked", piece=100)),
        ("until-close", Page(TEXT, framing="close")),
        ("until-close-deflate", Page(deflated(TEXT), coding="deflate", framing="close")),
        ("dripped", Page(TEXT, piece=5000, drip=0.05)),
    ],
)
def test_the_body_is_read_however_it_comes(site, name, page):
    url = site.page(f"/coded-{name}", page)
    assert failed(check(url, {"text": "All systems OK"})) == (200, None, "")
    result = check(url, {"text": "All systems DOWN"})
    assert failed(result) == (
        200,
        "content",
        f"body lacks 'All systems DOWN' ({len(TEXT):,} bytes read)",
    )


def test_a_body_in_a_coding_not_asked_for_is_content_with_its_status(site):
    url = site.page("/brotli", Page(b"\x1b\x03\x00", coding="br"))
    result = check(url, {"text": "OK"})
    assert result.status_code == 200 and result.error == "content"
    assert "'br'" in result.detail


def test_a_broken_gzip_body_is_content(site):
    url = site.page("/broken-gzip", Page(b"this is not gzip at all", coding="gzip"))
    result = check(url, {"text": "OK"})
    assert (result.status_code, result.error) == (200, "content")
    assert "gzip" in result.detail


def test_a_body_shorter_than_its_length_is_a_connection_failure(site):
    url = site.page("/short-body", Page(b"OK", declared=100))
    result = check(url, {"text": "OK"})
    assert failed(result) == (
        None,
        "connection",
        "the connection closed 98 bytes before the end of the body",
    )


def test_the_charset_of_the_content_type_decodes_the_body(site):
    body = "Caf\u00e9 ouvert".encode("latin-1")
    url = site.page("/latin1", Page(body, content_type="text/html; charset=ISO-8859-1"))
    assert failed(check(url, {"text": "Caf\u00e9 ouvert"})) == (200, None, "")
    quoted = site.page("/latin1q", Page(body, content_type='text/html; charset="latin1"'))
    assert check(quoted, {"text": "Caf\u00e9"}).error is None


@pytest.mark.parametrize("content_type", ["text/html", "text/html; charset=x-no-such-thing", None])
def test_without_a_known_charset_the_body_is_utf8_with_errors_replaced(site, content_type):
    body = "Caf\u00e9".encode("latin-1") + " na\u00efve".encode()
    url = site.page(f"/utf8-{len(site.pages)}", Page(body, content_type=content_type))
    assert check(url, {"text": "Caf\u00e9"}).error == "content"  # é in latin-1 is not UTF-8
    assert check(url, {"text": "Caf\ufffd na\u00efve"}).error is None


def test_a_body_over_tls_through_a_tunnel(ca, tmp_path, monkeypatch):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    secure = BodyServer(tls=context).start()
    proxy = ForwardProxy().start()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        page = Page(gzipped(TEXT), coding="gzip", framing="chunked", piece=3000)
        url = secure.page("/secure", page)
        result = check(url, {"text": "All systems OK"})
        assert failed(result) == (200, None, "")
        assert result.cert_expires_at is not None
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        assert check(url, {"text": "All systems OK"}).error is None
        assert check(url, {"text": "DOWN"}).error == "content"
        assert [s.method for s in proxy.seen] == ["CONNECT", "CONNECT"]
    finally:
        proxy.stop()
        secure.stop()


def test_a_body_through_a_plain_proxy(site, monkeypatch):
    proxy = ForwardProxy().start()
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        url = site.page("/proxied", Page(deflated(TEXT), coding="deflate"))
        assert check(url, {"text": "All systems OK"}).error is None
        assert proxy.seen[-1].method == "GET"
        assert proxy.seen[-1].target.startswith(url + "?cb=")
    finally:
        proxy.stop()


# -- the limits: 1 MiB decoded, within the one deadline -----------------------------------------


def test_only_the_first_mib_of_a_big_body_is_read(site):
    big = b"EARLY " + b"." * (3 * MAX_BODY) + b"LATE" + b"." * (2 * MAX_BODY)
    url = site.page("/five-mib", Page(big))
    began = time.monotonic()
    found = check(url, {"text": "EARLY"})
    assert failed(found) == (200, None, "")
    result = check(url, {"text": "LATE"})
    took = time.monotonic() - began
    assert failed(result) == (
        200,
        "content",
        f"body lacks 'LATE' ({MAX_BODY:,} bytes read, the rest not)",
    )
    assert took < 4.0  # two checks of 1 MiB each, not 10 MiB read (about 0.1 s unloaded)


def test_a_gzip_bomb_stops_at_one_mib_decoded(site, bomb):
    url = site.page("/bomb", Page(bomb, coding="gzip", content_type="text/plain"))
    tracemalloc.start()
    try:
        began = time.monotonic()
        result = check(url, {"text": "never there"})
        took = time.monotonic() - began
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert failed(result) == (
        200,
        "content",
        f"body lacks 'never there' ({MAX_BODY:,} bytes read, the rest not)",
    )
    assert peak < 16 * MAX_BODY  # 256 MiB inflated would show here
    assert took < 4.0  # (about 0.1 s unloaded; inflating it all takes seconds)


@pytest.fixture(scope="module")
def bomb() -> bytes:
    data = gzip_bomb(256)
    assert len(data) < MAX_BODY // 2  # small on the wire
    return data


def test_a_body_still_arriving_at_the_deadline_is_timeout(site):
    url = site.page("/drip-body", Page(b"x" * 20 + b"OK", piece=2, drip=0.2))
    began = time.monotonic()
    result = check(url, {"text": "OK"}, timeout=1.0)
    took = time.monotonic() - began
    assert (result.status_code, result.error) == (None, "timeout")
    assert 0.9 <= took < 2.5


def test_a_dripped_chunked_body_past_the_deadline_is_timeout(site):
    url = site.page("/drip-chunks", Page(b"y" * 40, framing="chunked", piece=4, drip=0.2))
    assert check(url, {"absent": "ERROR"}, timeout=1.0).error == "timeout"


# -- time ----------------------------------------------------------------------------------------


def test_a_slow_answer_is_slow_with_its_time(site):
    url = site.page("/slow-head", Page(b"OK", wait=0.4))
    result = check(url, {"max_ms": 100})
    assert (result.status_code, result.error) == (200, "slow")
    took = math.ceil(result.elapsed_ms)
    assert took >= 400
    assert result.detail == f"answered in {took:,} ms, want at most 100 ms"
    assert site.methods("/slow-head") == ["HEAD"]
    assert check(url, {"max_ms": 2500}).error is None


def test_max_ms_counts_to_the_end_of_the_body_read(site):
    url = site.page("/slow-body", Page(b"a" * 10 + b"OK", piece=4, drip=0.15))
    result = check(url, {"text": "OK", "max_ms": 200})
    assert failed(result)[:2] == (200, "slow")
    assert result.elapsed_ms >= 280  # the head came at once; the body's end two drips later


def test_wrong_content_is_reported_before_slowness(site):
    url = site.page("/slow-and-wrong", Page(b"ERROR", wait=0.3))
    result = check(url, {"text": "OK", "max_ms": 50})
    assert failed(result) == (200, "content", "body lacks 'OK' (5 bytes read)")


def test_a_slow_bad_code_is_a_bad_code(site):
    url = site.page("/slow-503", Page(b"", status=503, wait=0.3))
    assert failed(check(url, {"max_ms": 50})) == (503, None, "")


# -- Try it ----------------------------------------------------------------------------------------


def test_try_check_runs_one_check_from_a_plain_thread(site):
    url = site.page("/try", Page(b'{"db": "degraded"}'))
    result = try_check(url, parse_expect({"json": {"path": "db", "equals": "ok"}}), 2.0, GOOD)
    assert failed(result) == (200, "content", 'db is "degraded", want "ok"')
    assert try_check(url, Expect(), 2.0).is_good(GOOD)
