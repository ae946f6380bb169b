"""Reading a large Djamon fixture an element at a time (core.config.decode_json): the same
values and the same errors, at the same places, as json.loads; and other threads get turns."""

from __future__ import annotations

import gc
import io
import json
import threading
import time

import pytest

from djamon_desktop.core.config import decode_json
from djamon_desktop.core.jsonfile import JsonArray, LongNumber
from djamon_desktop.core.problems import DocumentRefused

GOOD = [
    "[]",
    " [ ] ",
    "[1]",
    '[{"a": [1, 2, {"b": null}]}, "x", 3.5, true]',
    '\n[\r\n\t{"model": "monitor.site", "pk": 1}\n,\n{"pk": 2}\n]\n',
    '{"format": "djamon-desktop/1", "groups": []}',
    '"just a string"',
    "[[], [[]]]",
]
BAD = [
    "[",
    "[1,",
    "[1,]",
    "[1 2]",
    "[1] x",
    "[1]]",
    '[{"a": 1,}]',
    '[\n  {"a": 1},\n  {"b": }\n]',
    "",
    "   ",
    "[1]\n\n,",
]


@pytest.mark.parametrize("text", GOOD)
def test_the_same_values_as_json_loads(text):
    assert decode_json(text.encode()) == json.loads(text)


@pytest.mark.parametrize("text", BAD)
def test_the_same_error_place_as_json_loads(text):
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(DocumentRefused) as refused:
        decode_json(text.encode())
    [line] = refused.value.problems
    error = expected.value
    assert line.startswith(f"line {error.lineno}, column {error.colno}: not valid JSON")


def test_another_thread_keeps_its_turns_while_a_large_array_is_read():
    objects = [{"model": "monitor.siteview", "pk": n, "fields": {"site": 1}} for n in range(60000)]
    data = json.dumps(objects).encode()
    gaps: list[float] = []
    done = threading.Event()

    def ticker() -> None:
        last = time.perf_counter()
        while not done.is_set():
            time.sleep(0.002)
            now = time.perf_counter()
            gaps.append(now - last)
            last = now

    thread = threading.Thread(target=ticker)
    gc.collect()
    gc.disable()  # a collection of a long test run's heap holds every thread too: not this
    try:
        thread.start()
        started = time.perf_counter()
        assert decode_json(data) == objects
        took = time.perf_counter() - started
    finally:
        done.set()
        gc.enable()
    thread.join()
    # json.loads would hold the interpreter for the whole read: one gap as long as the read
    assert max(gaps) < max(0.05, took / 3), (max(gaps), took)


# -- read from a file a piece at a time (core.jsonfile.JsonArray) ---------------------------------

PIECES = (1, 2, 3, 7, 64)
CUT = [  # values and errors that a piece's end may cut anywhere
    '["héllo ✓ 𝄞", 12345, -1.5e-3, true, false, null, "\\ud83d\\ude00"]',
    '[\n"abc\ndef"]',
    '[ "é", tru]',
    "[123",
    '[\n\n  "unterminated',
    "[1.]",
    '[{"a": 1e5}, 2]',
]


@pytest.mark.parametrize("piece", PIECES)
@pytest.mark.parametrize("text", [t for t in GOOD + BAD + CUT if t.lstrip().startswith("[")])
def test_read_in_pieces_gives_what_json_loads_gives(text, piece):
    try:
        expected = ("value", json.loads(text))
    except json.JSONDecodeError as exc:
        expected = ("error", f"line {exc.lineno}, column {exc.colno}: not valid JSON: {exc.msg}")
    try:
        got = ("value", [item for _i, item, _t in JsonArray(io.BytesIO(text.encode()), piece)])
    except DocumentRefused as refused:
        got = ("error", refused.problems[0])
    assert got == expected


@pytest.mark.parametrize("piece", PIECES)
def test_a_bad_byte_is_said_by_its_offset_in_the_file_even_after_a_json_error(piece):
    data = b'\xef\xbb\xbf[1 2, "\xc3(", 3]'
    with pytest.raises(DocumentRefused) as refused:
        list(JsonArray(io.BytesIO(data), piece))
    assert refused.value.problems == ["not UTF-8 text: byte 0xc3 at offset 10"]


def test_each_element_says_whether_it_gave_a_key_twice():
    text = b'[{"a": 1}, {"b": {"c": 1, "c": 2}}, {"d": 1}]'
    assert [twice for _i, _item, twice in JsonArray(io.BytesIO(text))] == [False, True, False]
    with pytest.raises(DocumentRefused) as refused:
        decode_json(text)
    assert refused.value.problems == ['[1].b: the key "c" is given twice']


def test_integers_longer_than_any_field_compare_beyond_every_range():
    [long, negative, plain] = decode_json(b"[" + b"7" * 5000 + b", -" + b"1" * 40 + b", 12]")
    assert isinstance(long, LongNumber) and long > 2**63 and f"{long}" == "a 5,000-digit number"
    assert negative < -(2**63) and repr(negative) == "a negative 40-digit number"
    assert plain == 12 and type(plain) is int
    assert long != LongNumber("8" * 5000) and long == LongNumber("7" * 5000)
