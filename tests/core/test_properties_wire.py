"""Properties of how a URL goes out (core/wire.py), over URLs made of random parts: what is sent
is ASCII and decodes back to what was written, the credentials travel only in the header, and a
name IDNA can't write is refused with BadName, never another error."""

from __future__ import annotations

import base64
import random
import re
import string
from urllib.parse import quote, unquote, urlsplit

import idna
from hypothesis import example, given, settings
from hypothesis import strategies as st

from djamon_desktop.core.wire import (
    CB_ALPHABET,
    BadName,
    ascii_host,
    ascii_target,
    authority,
    basic,
    cache_busted,
    target_of,
)

FAST = settings(max_examples=200, deadline=None, derandomize=True, database=None)

# printable ASCII, spaces and controls, Latin, Greek, CJK and an emoji
anything = st.text(
    st.one_of(st.characters(max_codepoint=0x7F), st.sampled_from("éüßΩ漢字😀 \t")), max_size=30
)
label = st.text(st.sampled_from(string.ascii_lowercase + string.digits + "éüßöΩ漢"), min_size=1)
hosts = st.lists(label.filter(lambda x: len(x) < 20), min_size=1, max_size=3).map(".".join)


@FAST
@given(anything)
def test_a_target_is_printable_ascii_and_decodes_back(text):
    sent = ascii_target(text)
    assert re.fullmatch(r"[\x21-\x7e]*", sent), sent
    assert unquote(sent) == unquote(text)
    assert ascii_target(sent) == sent  # sending it again changes nothing


@FAST
@given(hosts)
@example("bücher.example")
@example("ß.de")
def test_a_host_is_ascii_and_reads_back_as_written_or_is_refused(host):
    try:
        sent = ascii_host(host)
    except ValueError:  # idna.IDNAError is one; the probe turns it into BadName
        assert not host.isascii()
        return
    assert sent.isascii()
    if host.isascii():
        assert sent == host
    mapped = idna.uts46_remap(host, std3_rules=False, transitional=False)
    assert [idna.ulabel(x) if x.startswith("xn--") else x for x in sent.split(".")] == (
        mapped.split(".")
    )


@st.composite
def urls(draw) -> tuple[str, dict]:
    """(url, what it was made of)."""
    made = {
        "scheme": draw(st.sampled_from(["http", "https"])),
        "user": draw(st.one_of(st.none(), anything)),
        "password": draw(st.one_of(st.none(), anything)),
        "host": draw(st.one_of(hosts, st.sampled_from(["127.0.0.1", "::1"]))),
        "port": draw(st.one_of(st.none(), st.integers(1, 65535))),
        "path": draw(anything).replace("?", "").replace("#", ""),
        "query": draw(anything).replace("#", ""),
    }
    userinfo = ""
    if made["user"] is not None or made["password"] is not None:
        userinfo = quote(made["user"] or "", safe="")
        if made["password"] is not None:
            userinfo += ":" + quote(made["password"], safe="")
        userinfo += "@"
    host = f"[{made['host']}]" if ":" in made["host"] else made["host"]
    port = "" if made["port"] is None else f":{made['port']}"
    path = "/" + made["path"].lstrip("/")
    query = f"?{made['query']}" if made["query"] else ""
    return f"{made['scheme']}://{userinfo}{host}{port}{path}{query}#frag", made


def unbroken(text: str) -> str:
    return re.sub("[\t\r\n]", "", text)


@FAST
@given(urls())
def test_a_url_is_sent_as_it_was_written_or_refused_as_a_bad_name(made):
    url, parts = made
    try:
        to = target_of(url)
    except BadName:
        assert not parts["host"].isascii()
        return
    assert to.scheme == parts["scheme"]
    assert to.port == parts["port"] or (to.port == to.default_port and parts["port"] is None)
    assert to.host == ascii_host(parts["host"])
    assert re.fullmatch(r"/[\x21-\x7e]*", to.path), to.path
    path, _, query = to.path.partition("?")
    # tabs and line ends are dropped from a URL, as browsers drop them (WHATWG URL)
    assert unquote(path) == unbroken("/" + parts["path"].lstrip("/"))
    assert unquote(query) == unbroken(parts["query"])
    if parts["user"] is None and parts["password"] is None:
        assert to.authorization is None
    elif parts["user"] or parts["password"]:
        assert to.authorization == basic(parts["user"] or "", parts["password"] or "")
    # the proxy's absolute form and the Host header carry no user information
    assert "@" not in to.authority and "#" not in to.path
    assert to.absolute == f"{to.scheme}://{to.authority}{to.path}"
    assert urlsplit(to.absolute).port == (None if to.port == to.default_port else to.port)


@FAST
@given(anything, anything)
def test_basic_decodes_back_to_the_user_and_password(user, password):
    value = basic(user, password)
    assert value.startswith("Basic ") and value.isascii()
    assert base64.b64decode(value.removeprefix("Basic ")).decode() == f"{user}:{password}"


@FAST
@given(st.sampled_from(["example.com", "127.0.0.1", "::1", "fe80::1"]), st.integers(1, 65535))
def test_the_authority_names_the_port_unless_it_is_the_default(host, port):
    shown = authority(host, port, 443)
    parts = urlsplit(f"https://{shown}/")
    assert parts.hostname == host.lower()
    assert parts.port == (None if port == 443 else port)


@FAST
@given(urls(), st.integers(0, 2**32))
def test_the_cache_breaker_is_added_only_without_a_query(made, seed):
    url, parts = made
    busted = cache_busted(url, random.Random(seed))
    before, after = urlsplit(url), urlsplit(busted)
    assert (after.scheme, after.netloc, after.fragment) == (before.scheme, before.netloc, "")
    assert after.path == (before.path or "/")
    if before.query:
        assert after.query == before.query
    else:
        assert re.fullmatch(f"cb=[{CB_ALPHABET}]{{8}}", after.query)
