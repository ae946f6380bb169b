"""Reading a large Djamon fixture an element at a time (core.config.decode_json): the same
values and the same errors, at the same places, as json.loads; and other threads get turns."""

from __future__ import annotations

import gc
import json
import threading
import time

import pytest

from djamon_desktop.core.config import decode_json
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
