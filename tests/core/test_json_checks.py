"""Checks whose site expects a JSON value (``expect.json``): the path walked, the value compared
strictly on types, the detail saying what came, against a real loopback server."""

from __future__ import annotations

import json

import pytest

from djamon_desktop.core.probe import ProbeResult

from ..body_server import BodyServer, Page, gzipped
from .test_content_checks import check, failed


@pytest.fixture(scope="module")
def site():
    s = BodyServer().start()
    yield s
    s.stop()


# -- values --------------------------------------------------------------------------------------

HEALTH = {
    "status": {"db": "degraded", "cache": "ok", "up": True, "n": 1, "ratio": 1.0, "none": None},
    "items": [{"ok": False}, {"ok": True, "name": "b"}],
    "0": "key zero",
    "counts": {"3": "three"},
}


def json_check(site, path: str, equals, body: bytes | None = None) -> ProbeResult:
    url = site.page("/health", Page(body or json.dumps(HEALTH).encode(), content_type=None))
    return check(url, {"json": {"path": path, "equals": equals}})


@pytest.mark.parametrize(
    "path, equals",
    [
        ("status.cache", "ok"),
        ("status.up", True),
        ("status.n", 1),
        ("status.n", 1.0),  # JSON numbers: equal when their values are
        ("status.ratio", 1),
        ("status.none", None),
        ("items.1.ok", True),
        ("items.1", {"name": "b", "ok": True}),
        ("items.0.ok", False),
        ("0", "key zero"),
        ("counts.3", "three"),
        ("status.db", "degraded"),
    ],
)
def test_json_values_that_are_equal(site, path, equals):
    assert failed(json_check(site, path, equals)) == (200, None, "")


@pytest.mark.parametrize(
    "path, equals, detail",
    [
        ("status.db", "ok", 'status.db is "degraded", want "ok"'),
        ("status.up", 1, "status.up is true, want 1"),
        ("status.n", True, "status.n is 1, want true"),
        ("status.n", "1", 'status.n is 1, want "1"'),
        ("status.none", False, "status.none is null, want false"),
        ("status.missing", None, "status.missing is missing, want null"),
        ("status.db.deeper", "ok", 'status.db.deeper is missing, want "ok"'),
        ("items.2.ok", True, "items.2.ok is missing, want true"),
        ("items.x", True, "items.x is missing, want true"),
        ("items.-1", True, "items.-1 is missing, want true"),
        ("items.0.ok", True, "items.0.ok is false, want true"),
        ("items.1", {"ok": True}, 'items.1 is {"ok": true, "name": "b"}, want {"ok": true}'),
    ],
)
def test_json_values_that_differ_or_are_missing(site, path, equals, detail):
    assert failed(json_check(site, path, equals)) == (200, "content", detail)


def test_a_body_that_is_not_json_is_content(site):
    result = json_check(site, "status", "ok", body=b"<html>oops</html>")
    assert (result.status_code, result.error) == (200, "content")
    assert result.detail.startswith("the body is not JSON: Expecting value at line 1 column 1")


def test_nan_is_not_json(site):
    assert json_check(site, "a", 1, body=b'{"a": NaN}').error == "content"


def test_a_long_json_value_is_cut_short_and_one_line(site):
    body = json.dumps({"s": "line one\nline two \u202e" + "z" * 500}).encode()
    result = json_check(site, "s", "ok", body=body)
    assert result.error == "content"
    assert len(result.detail) <= 120
    assert "\n" not in result.detail and "\u202e" not in result.detail


def test_a_gzipped_latin1_json_body(site):
    body = json.dumps({"name": "Caf\u00e9"}, ensure_ascii=False).encode("latin-1")
    url = site.page(
        "/json-latin1",
        Page(gzipped(body), coding="gzip", content_type="application/json; charset=latin-1"),
    )
    assert check(url, {"json": {"path": "name", "equals": "Caf\u00e9"}}).error is None
