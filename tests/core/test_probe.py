"""Checks against real loopback servers that answer, hang, drip, reset and lie."""

from __future__ import annotations

import asyncio
import base64
import random
import re
import socket
import time

import pytest

from djamon_desktop.core.parallel import any_good, probe_all
from djamon_desktop.core.polite import FIRST
from djamon_desktop.core.probe import Session, probe
from djamon_desktop.core.wire import ascii_host, cache_busted, target_of

from ..servers import ForwardProxy, MisbehavingServer, closed_port


def check(url: str, timeout: float = 2.0, session: Session | None = None):
    async def go():
        return await probe(session or Session(), url, timeout)

    return asyncio.run(go())


@pytest.mark.parametrize("code", [200, 204, 301, 302, 304, 404, 500, 503])
def test_status_is_reported_as_answered(server, code):
    result = check(server.url(f"/status/{code}"))
    assert (result.status_code, result.error) == (code, None)
    assert result.is_good([200, 301, 304]) is (code in (200, 301, 304))


def test_check_is_head_with_cache_breaker(server):
    before = len(server.seen)
    check(server.url("/status/200"))
    seen = server.seen[before]
    assert seen.method == "HEAD"
    assert re.fullmatch(r"/status/200\?cb=[a-z0-9]{8}", seen.target)


def test_url_with_query_is_sent_as_it_is(server):
    before = len(server.seen)
    check(server.url("/status/200?token=abc"))
    assert server.seen[before].target == "/status/200?token=abc"


def test_cache_breaker_shapes():
    rng = random.Random(7)
    assert re.fullmatch(r"http://h/\?cb=[a-z0-9]{8}", cache_busted("http://h", rng))
    assert re.fullmatch(r"http://h/x\?cb=[a-z0-9]{8}", cache_busted("http://h/x?", rng))
    assert cache_busted("http://h/x?a=1#frag", rng) == "http://h/x?a=1"
    assert cache_busted("http://h/a", rng) != cache_busted("http://h/a", rng)


def test_redirect_is_not_followed(server):
    before = len(server.seen)
    assert check(server.url("/status/301")).status_code == 301
    assert len(server.seen) == before + 1


def test_405_to_head_is_retried_once_as_get(server):
    before = len(server.seen)
    assert check(server.url("/nohead/200")).status_code == 200
    assert [s.method for s in server.seen[before:]] == ["HEAD", "GET"]


def test_501_to_head_is_retried_as_get(server):
    # /nohead answers 405 to HEAD; /status/501 answers 501 to both: a single GET retry, then 501
    before = len(server.seen)
    assert check(server.url("/status/501")).status_code == 501
    assert [s.method for s in server.seen[before:]] == ["HEAD", "GET"]


def test_get_retry_shares_the_one_deadline(server):
    started = time.monotonic()
    result = check(server.url("/nohead-hang"), timeout=1.0)
    took = time.monotonic() - started
    assert result.error == "timeout"
    # one deadline for the HEAD and its GET, not one each: the deadline plus slack for a loaded
    # machine, well short of two deadlines
    assert 0.95 <= took < 1.8


def test_hanging_server_times_out_at_the_deadline(server):
    result = check(server.url("/hang"), timeout=1.0)
    assert (result.status_code, result.error) == (None, "timeout")
    # cut at the deadline: the bound is the deadline plus slack for a loaded machine
    assert 990 <= result.elapsed_ms < 1800


def test_dripping_server_cannot_stretch_the_deadline(server):
    # each byte comes well within any per-read timeout; the whole head takes about 4 s
    started = time.monotonic()
    result = check(server.url("/drip"), timeout=1.0)
    assert result.error == "timeout"
    # the deadline plus slack for a loaded machine, well short of the 4 s the drip takes
    assert time.monotonic() - started < 2.5


def test_reset_is_connection(server):
    assert check(server.url("/reset")).error == "connection"


def test_closed_without_answer_is_connection(server):
    assert check(server.url("/close")).error == "connection"


def test_refused_is_connection():
    result = check(f"http://127.0.0.1:{closed_port()}/")
    assert result.error == "connection"
    assert "refused" in result.detail


def test_unresolvable_name_is_dns():
    assert check("http://no-such-host.invalid/").error == "dns"


def test_not_http_is_protocol(server):
    assert check(server.url("/garbage")).error == "protocol"


def test_untrusted_certificate_is_tls(tls_server):
    result = check(tls_server.url("/status/200"))
    assert result.error == "tls"
    assert "certificate" in result.detail


def test_trusted_certificate_answers(tls_server, ca, tmp_path, monkeypatch):
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    assert check(tls_server.url("/status/204")).status_code == 204


def test_plain_http_to_a_tls_port_is_connection(tls_server):
    # Python's TLS server drops a plain-text client without a word: a reset, not an answer
    result = check(tls_server.url("/status/200").replace("https://", "http://"))
    assert result.error == "connection"


def test_http_proxy_is_used_and_no_proxy_exempts(server, monkeypatch):
    proxy = ForwardProxy().start()
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        assert check(server.url("/status/200")).status_code == 200
        assert proxy.seen and proxy.seen[-1].target.startswith(server.url("/status/200?cb="))
        count = len(proxy.seen)
        monkeypatch.setenv("NO_PROXY", "127.0.0.1")
        assert check(server.url("/status/200")).status_code == 200
        assert len(proxy.seen) == count
    finally:
        proxy.stop()


def test_https_goes_through_a_connect_tunnel(tls_server, ca, tmp_path, monkeypatch):
    proxy = ForwardProxy().start()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        assert check(tls_server.url("/status/200")).status_code == 200
        assert proxy.seen[-1].method == "CONNECT"
        assert proxy.seen[-1].target == f"127.0.0.1:{tls_server.port}"
    finally:
        proxy.stop()


def test_many_at_once_finish_within_one_deadline(server):
    urls = [server.url("/hang")] * 3 + [server.url(f"/slow/{ms}") for ms in (50, 100, 200)] * 20
    started = time.monotonic()
    results = asyncio.run(probe_all(urls, 1.0))
    took = time.monotonic() - started
    assert [r.error for r in results[:3]] == ["timeout"] * 3
    assert [r.status_code for r in results[3:]] == [200] * 60
    # all within the round's bound (twice the deadline: the slow ones wait for their turn on
    # the one server) plus slack for a loaded machine; one after another they would take 3 s
    # for the hung ones alone
    assert took < 2.5


def test_guard_returns_at_the_first_good_answer(server):
    started = time.monotonic()
    ok = asyncio.run(any_good([server.url("/hang"), server.url("/status/200")], 3.0, [200]))
    assert ok is True
    # at the good answer, not at the 3 s deadline the hung one runs into: slack for load
    assert time.monotonic() - started < 2.0


def test_guard_fails_when_nothing_answers_well(server):
    urls = [server.url("/status/500"), f"http://127.0.0.1:{closed_port()}/"]
    assert asyncio.run(any_good(urls, 2.0, [200])) is False


# -- URLs as a browser sends them ----------------------------------------------------------------


def test_non_ascii_path_and_query_go_percent_encoded(server):
    before = len(server.seen)
    assert check(server.url("/café/ü?q=é&x=%C3%A9")).status_code == 200
    assert server.seen[before].target == "/caf%C3%A9/%C3%BC?q=%C3%A9&x=%C3%A9"
    check(server.url("/%E2%82%AC/€"))  # existing escapes stay as they are
    assert server.seen[before + 1].target.startswith("/%E2%82%AC/%E2%82%AC?cb=")


def test_target_of_an_international_url():
    to = target_of("https://Bücher.example:8443/straße?q=ä")
    assert (to.host, to.port, to.path) == ("xn--bcher-kva.example", 8443, "/stra%C3%9Fe?q=%C3%A4")
    assert to.authority == "xn--bcher-kva.example:8443"
    assert to.absolute == "https://xn--bcher-kva.example:8443/stra%C3%9Fe?q=%C3%A4"
    assert to.authorization is None
    # UTS 46 as browsers map it: full-width letters and the ideographic full stop, no ß folding
    assert ascii_host("ｂüｃｈｅｒ。example") == "xn--bcher-kva.example"
    assert ascii_host("faß.de") == "xn--fa-hia.de"
    assert ascii_host("my_host.example") == "my_host.example"  # ASCII names are left alone
    assert target_of("http://[::1]:8080/").authority == "[::1]:8080"


def test_a_host_idna_cannot_write_is_dns_and_reaches_nobody():
    result = check("http://☃.example/")
    assert result.error == "dns"
    assert "IDNA" in result.detail


def test_credentials_go_as_basic_authorization_never_in_the_request_line(server):
    before = len(server.seen)
    url = f"http://al%C3%AFce:p%40ss:w%C3%B6rd@127.0.0.1:{server.port}/status/200"
    assert check(url).status_code == 200
    seen = server.seen[before]
    assert seen.headers["authorization"] == "Basic " + b64("alïce:p@ss:wörd")
    assert seen.headers["host"] == f"127.0.0.1:{server.port}"
    assert seen.target.startswith("/status/200?cb=") and "p%40ss" not in seen.target
    # a user without a password is sent with an empty one, as curl does
    check(f"http://bob@127.0.0.1:{server.port}/status/200")
    assert server.seen[before + 1].headers["authorization"] == "Basic " + b64("bob:")


def test_through_a_proxy_the_request_line_has_idna_and_no_credentials(server, monkeypatch):
    proxy = ForwardProxy(forward_to=("127.0.0.1", server.port)).start()
    try:
        monkeypatch.setenv("HTTP_PROXY", proxy.url)
        before = len(server.seen)
        url = f"http://ops:s3cret@bücher.example:{server.port}/café?q=é"
        assert check(url).status_code == 200
        [asked] = proxy.seen
        assert asked.target == f"http://xn--bcher-kva.example:{server.port}/caf%C3%A9?q=%C3%A9"
        assert asked.headers["host"] == f"xn--bcher-kva.example:{server.port}"
        assert asked.headers["authorization"] == "Basic " + b64("ops:s3cret")
        assert "ops" not in asked.target and "s3cret" not in asked.target
        assert server.seen[before].target == "/caf%C3%A9?q=%C3%A9"
    finally:
        proxy.stop()


def test_https_tunnel_names_the_idna_host_and_verifies_it(ca, tmp_path, monkeypatch):
    import ssl

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("xn--bcher-kva.example").configure_cert(context)
    site = MisbehavingServer(tls=context).start()
    proxy = ForwardProxy(tunnel_to=("127.0.0.1", site.port)).start()
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    try:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
        monkeypatch.setenv("HTTPS_PROXY", proxy.url)
        assert check("https://ops:s3cret@Bücher.example/status/204").status_code == 204
        [connect] = proxy.seen
        assert (connect.method, connect.target) == ("CONNECT", "xn--bcher-kva.example:443")
        assert "authorization" not in connect.headers
        [inside] = site.seen
        assert inside.headers["host"] == "xn--bcher-kva.example"
        assert inside.headers["authorization"] == "Basic " + b64("ops:s3cret")
    finally:
        proxy.stop()
        site.stop()


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


# -- heads as lenient as curl's --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("space-before-colon", 200),
        ("bare-lf", 204),
        ("no-reason", 503),
        ("http10", 302),
        ("continue", 201),
        ("odd-header", 200),
    ],
)
def test_harmless_odd_heads_are_answers(server, name, code):
    assert (check(server.url(f"/head/{name}")).status_code, name) == (code, name)


@pytest.mark.parametrize("name", ["nul", "not-http", "cut-short"])
def test_heads_curl_refuses_are_protocol(server, name):
    assert (check(server.url(f"/head/{name}")).error, name) == ("protocol", name)


def test_one_header_line_up_to_100_kib_is_fine_over_it_is_protocol(server):
    assert check(server.url(f"/long-line/{100 * 1024}")).status_code == 200
    result = check(server.url(f"/long-line/{100 * 1024 + 1}"))
    assert result.error == "protocol"
    assert "100 KiB" in result.detail


def test_a_head_up_to_300_kib_is_fine_over_it_is_protocol(server):
    # the status line (17 bytes) and the blank line (2) count too
    assert check(server.url(f"/big-head/3/{100 * 1024 - 7}")).status_code == 200
    result = check(server.url("/big-head/4/80000"))
    assert result.error == "protocol"
    assert "300 KiB" in result.detail


def test_on_result_hears_each_check_as_it_ends_with_its_index(server):
    urls = [server.url("/hang"), server.url("/slow/300"), server.url("/status/200")]
    heard: list[tuple[int, int | None, str | None, float]] = []
    started = time.monotonic()

    def on_result(index, result):
        heard.append((index, result.status_code, result.error, time.monotonic() - started))

    results = asyncio.run(probe_all(urls, 2.0, on_result=on_result))
    assert [(i, code, error) for i, code, error, _ in heard] == [
        (2, 200, None),
        (1, 200, None),
        (0, None, "timeout"),
    ]
    # not held back until the hung one ends: heard before its deadline, which comes at least
    # 2 s after ``started`` however loaded the machine
    assert heard[0][3] < 2.0 and heard[1][3] < 2.0
    assert [r.status_code for r in results] == [None, 200, 200]


def test_an_on_result_that_raises_ends_the_round_at_once(server):
    def on_result(index, result):
        raise RuntimeError(f"store failed at {index}")

    started = time.monotonic()
    with pytest.raises(RuntimeError, match="store failed at 1"):
        asyncio.run(
            probe_all([server.url("/hang"), server.url("/status/200")], 3.0, on_result=on_result)
        )
    # at once, not at the 3 s deadline of the hung one: the bound is slack for a loaded machine
    assert time.monotonic() - started < 2.0


def test_a_check_held_back_by_its_servers_cap_gets_its_whole_deadline(server):
    """Slow pages fill the server's first cap; the hung one listed after them starts when one
    of them ends (0.4 s in, before any is parked), and its deadline counts from then, past the
    round's first 1.5 s."""
    urls = [server.url("/slow/400")] * FIRST + [server.url("/hang")]
    began = time.monotonic()
    results = asyncio.run(probe_all(urls, 1.5))
    took = time.monotonic() - began
    assert [r.status_code for r in results[:FIRST]] == [200] * FIRST
    assert results[-1].error == "timeout"
    assert results[-1].elapsed_ms >= 1450  # its whole deadline, from its own first request
    assert took >= 0.4 + 1.45  # it could not start before a slow one ended
    assert took < 3.0  # within twice the timeout, the bound of a round


def _quiet_listeners(count: int) -> list[socket.socket]:
    """Loopback ports that listen and never accept: checks of them wait without a sound. One a
    check, so that no server's cap holds any of them back."""
    out = []
    for _ in range(count):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        out.append(silent)
    return out


@pytest.mark.parametrize("first", [True, False], ids=["listed first", "listed last"])
def test_a_quick_site_reports_its_own_time_whatever_its_place(server, first):
    """A check's reported time counts from its own first request, and the round lets the early
    ones read their answers while it still starts the rest. No wall-clock bound: every moment is
    the event loop's own clock, read as each result comes in (``on_result`` runs at once after
    the check measured its time), and a check began at that moment less its reported time. So
    the test asks about the order of moments, not how many milliseconds lie between them."""
    silent = _quiet_listeners(3000)
    ended: dict[int, float] = {}
    try:
        quiet = [f"http://127.0.0.1:{s.getsockname()[1]}/" for s in silent]
        quick = server.url("/status/200")
        urls = [quick, *quiet] if first else [*quiet, quick]

        async def go():
            loop = asyncio.get_running_loop()
            round_start = loop.time()
            on_result = lambda index, _result: ended.setdefault(index, loop.time())  # noqa: E731
            # starting 3,000 checks takes about 0.4 s idle but over 1 s on a loaded 2-core
            # machine: all start within the 3 s, so none is busy
            return round_start, await probe_all(urls, 3.0, on_result=on_result)

        round_start, results = asyncio.run(go())
    finally:
        for listener in silent:
            listener.close()
    mine_at = 0 if first else len(urls) - 1
    mine = results[mine_at]
    assert mine.status_code == 200
    assert {r.error for r in results if r is not mine} == {"timeout"}
    began = {i: ended[i] - r.elapsed_ms / 1000 for i, r in enumerate(results)}
    last_quiet_began = max(t for i, t in began.items() if i != mine_at)
    # the round took a while to start the 3,000 (else this test could not tell the cases apart)
    assert last_quiet_began - round_start > 0.01
    if first:
        # its answer was read before the round had started the 3,000 after it: its time does
        # not include starting them
        assert ended[mine_at] < last_quiet_began
    else:
        # it began after the 3,000 before it (1 ms for the rounding of the reported time): its
        # time does not count from the round's start
        assert began[mine_at] > last_quiet_began - 0.001
