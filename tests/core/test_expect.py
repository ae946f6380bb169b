"""A site's ``expect``: every problem named at its place, the Expect it parses to, and the text a
site's row keeps, read back the same."""

from __future__ import annotations

import math

import pytest

from djamon_desktop.core.expect import (
    MISSING,
    Expect,
    expect_problems,
    from_stored,
    parse_expect,
    path_problem,
    stored,
)

FULL = {
    "text": "OK",
    "absent": "error",
    "json": {"path": "status.items.0.db", "equals": {"state": "ok", "n": [1, None, True]}},
    "max_ms": 1500,
    "codes": [200, 204],
}


def test_a_full_expect_parses_to_each_condition():
    expect = parse_expect(FULL, 5)
    assert expect == Expect(
        text="OK",
        absent="error",
        json_path=("status", "items", "0", "db"),
        json_equals={"state": "ok", "n": [1, None, True]},
        max_ms=1500,
        codes=(200, 204),
    )
    assert expect.reads_body and not expect.empty
    assert expect.to_json() == FULL
    assert list(expect.to_json()) == ["text", "absent", "json", "max_ms", "codes"]


@pytest.mark.parametrize(
    "value, reads",
    [
        ({"text": "OK"}, True),
        ({"absent": "Error"}, True),
        ({"json": {"path": "ok", "equals": True}}, True),
        ({"max_ms": 300}, False),  # timed, but a HEAD still
        ({"codes": [418]}, False),
    ],
)
def test_only_a_body_condition_reads_the_body(value, reads):
    assert parse_expect(value, 5).reads_body is reads


def test_nothing_expected():
    assert parse_expect(None) == Expect() == parse_expect({})
    assert Expect().empty and not Expect().reads_body
    assert stored(Expect()) is None and stored(parse_expect({})) is None
    assert from_stored(None) == Expect() == from_stored("")


def test_equals_null_is_a_value_not_a_missing_one():
    expect = parse_expect({"json": {"path": "a", "equals": None}})
    assert expect.json_equals is None and expect.json_equals is not MISSING
    assert expect.to_json() == {"json": {"path": "a", "equals": None}}
    assert Expect().json_equals is MISSING


@pytest.mark.parametrize(
    "value",
    [
        FULL,
        {"text": "Ünïcode ✓ \"quoted\" 'single'"},
        {"json": {"path": "a", "equals": None}},
        {"json": {"path": "a", "equals": "3"}},
        {"json": {"path": "a", "equals": 3}},
        {"json": {"path": "a", "equals": 2.5}},
        {"json": {"path": "a", "equals": False}},
        {"max_ms": 1},
        {"codes": [100, 599]},
    ],
)
def test_the_stored_text_reads_back_the_same(value):
    expect = parse_expect(value, 5)
    text = stored(expect)
    assert isinstance(text, str)
    back = from_stored(text)
    assert back == expect
    # equal types too: 3 is not "3", 1 is not True
    assert type(back.json_equals) is type(expect.json_equals)
    assert back.to_json() == value


@pytest.mark.parametrize(
    "value, timeout, problems",
    [
        ([], 5, [("", "must be an object, not a list")]),
        ("OK", 5, [("", "must be an object, not a string")]),
        (None, 5, [("", "must be an object, not null")]),
        (
            {"txt": "OK"},
            5,
            [(".txt", "unknown key; known keys: text, absent, json, max_ms, codes")],
        ),
        ({"text": ""}, 5, [(".text", "must not be empty")]),
        ({"text": 3}, 5, [(".text", "must be a string, not a number")]),
        ({"absent": "x" * 1001}, 5, [(".absent", "is 1001 characters long; at most 1000")]),
        ({"text": "a\x00b"}, 5, [(".text", "holds a NUL character")]),
        (
            {"max_ms": 0},
            5,
            [(".max_ms", "0 is outside 1-5000 (milliseconds, at most the timeout)")],
        ),
        ({"max_ms": 5001}, 5, [(".max_ms", "5001 is outside 1-5000")]),
        ({"max_ms": 9000}, 2.5, [(".max_ms", "9000 is outside 1-2500")]),
        ({"max_ms": 1.5}, 5, [(".max_ms", "must be a whole number of milliseconds, not a number")]),
        ({"max_ms": True}, 5, [(".max_ms", "must be a whole number of milliseconds")]),
        ({"codes": 200}, 5, [(".codes", "must be a list of HTTP status codes, not a number")]),
        ({"codes": []}, 5, [(".codes", "must not be empty")]),
        ({"codes": [200, 600]}, 5, [(".codes", "600 is not an HTTP status code")]),
        ({"codes": [True]}, 5, [(".codes", "True is not an HTTP status code")]),
        ({"json": "status.db"}, 5, [(".json", "must be an object with path and equals")]),
        ({"json": {"path": "a"}}, 5, [(".json.equals", "is missing")]),
        ({"json": {"equals": 1}}, 5, [(".json.path", "is missing")]),
        ({"json": {"path": "a", "equals": 1, "is": 2}}, 5, [(".json.is", "unknown key")]),
        (
            {"json": {"path": "a..b", "equals": 1}},
            5,
            [(".json.path", "'a..b' has an empty segment")],
        ),
        ({"json": {"path": ".a", "equals": 1}}, 5, [(".json.path", "has an empty segment")]),
        ({"json": {"path": "", "equals": 1}}, 5, [(".json.path", "must not be empty")]),
        ({"json": {"path": 3, "equals": 1}}, 5, [(".json.path", "must be a string, not a number")]),
        ({"json": {"path": "a", "equals": math.nan}}, 5, [(".json.equals", "is not a JSON value")]),
        ({"json": {"path": "a", "equals": [math.inf]}}, 5, [(".json.equals", "not a JSON value")]),
    ],
)
def test_each_problem_at_its_place(value, timeout, problems):
    found = expect_problems(value, timeout)
    assert len(found) == len(problems), found
    for (under, message), (want_under, want_message) in zip(found, problems, strict=True):
        assert under == want_under
        assert want_message in message, message
    if value is not None:  # (None is "nothing expected" to parse_expect; import refuses it)
        with pytest.raises(ValueError, match=r"^expect"):
            parse_expect(value, timeout)


def test_every_problem_is_listed_not_just_the_first():
    found = expect_problems(
        {"text": "", "max_ms": 0, "codes": "x", "json": {"path": "a..b"}, "nope": 1}, 5
    )
    assert [under for under, _ in found] == [
        ".text",
        ".max_ms",
        ".codes",
        ".json.equals",
        ".json.path",
        ".nope",
    ]


def test_max_ms_up_to_the_timeout_is_fine():
    assert expect_problems({"max_ms": 5000}, 5) == []
    assert expect_problems({"max_ms": 1}, 5) == []
    # without a timeout (a stored value read back) only the lower bound holds
    assert parse_expect({"max_ms": 60000}).max_ms == 60000


@pytest.mark.parametrize(
    "path, problem",
    [
        ("status.db", None),
        ("items.0.ok", None),
        ("a", None),
        ("a.", "empty segment"),
        ("", "empty"),
    ],
)
def test_path_problem(path, problem):
    found = path_problem(path)
    assert (found is None) if problem is None else (problem in found)
