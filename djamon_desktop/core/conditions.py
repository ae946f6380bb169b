"""Judging an answer against a site's ``expect``, once its status code was good.

The body conditions come first, then the time: an answer that says the wrong thing is
``content`` even when it was also slow (what it said is what someone has to fix; how long it
took matters only for a right answer). Of the body conditions, ``text`` is judged first, then
``absent``, then ``json``; only the first that fails is reported.

Each failure comes with a ``detail`` saying what was wanted and what came. What came is the
server's text: it is cut short (:data:`SHOWN`), and made one line of plain characters, so a
detail never carries more than a line of someone else's text.
"""

from __future__ import annotations

import json
import math
from typing import Any

from .bodies import Body
from .expect import MISSING, Expect
from .text import one_line

SHOWN = 60  # characters of a text or value a detail quotes, at most (two fit in 120)


def judge(expect: Expect, body: Body | None, elapsed_ms: float) -> tuple[str, str] | None:
    """``(error, detail)`` for the first condition the answer fails, None when it meets them
    all. ``body`` is None when none was read (no body condition); ``elapsed_ms`` is the time
    to the end of the answer as read."""
    if body is not None:
        failed = _body_problem(expect, body)
        if failed:
            return "content", one_line(failed)
    if expect.max_ms is not None and elapsed_ms > expect.max_ms:
        took = math.ceil(elapsed_ms)  # (500.3 ms is not "500 ms, want at most 500 ms")
        return "slow", f"answered in {took:,} ms, want at most {expect.max_ms:,} ms"
    return None


def _body_problem(expect: Expect, body: Body) -> str | None:
    read = f"{body.size:,} bytes read{', the rest not' if body.cut else ''}"
    if expect.text is not None and expect.text not in body.text:
        return f"body lacks {_quoted(expect.text)} ({read})"
    if expect.absent is not None and expect.absent in body.text:
        return f"body contains {_quoted(expect.absent)} ({read})"
    if expect.json_path is not None:
        return _json_problem(expect, body, read)
    return None


def _json_problem(expect: Expect, body: Body, read: str) -> str | None:
    try:
        document = json.loads(body.text.lstrip("\ufeff"), parse_constant=_no_constant)
    except ValueError as exc:  # JSONDecodeError, or a NaN/Infinity the body holds
        why = f"{exc.msg} at line {exc.lineno} column {exc.colno}" if hasattr(exc, "msg") else exc
        return f"the body is not JSON: {why} ({read})"
    path = ".".join(expect.json_path or ())
    want = _shown(expect.json_equals)
    found = find(document, expect.json_path or ())
    if found is MISSING:
        return f"{_cut(path)} is missing, want {want}"
    if not same(found, expect.json_equals):
        return f"{_cut(path)} is {_shown(found)}, want {want}"
    return None


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def find(document: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` (object keys, list indexes as numbers), or MISSING."""
    here = document
    for segment in path:
        if isinstance(here, dict):
            if segment not in here:
                return MISSING
            here = here[segment]
        elif isinstance(here, list):
            if not segment.isdigit() or not segment.isascii() or int(segment) >= len(here):
                return MISSING
            here = here[int(segment)]
        else:
            return MISSING
    return here


def same(a: Any, b: Any) -> bool:
    """JSON equality, strict on types: ``true`` is not ``1``, ``"3"`` is not ``3``; numbers are
    equal when their values are (``1`` is ``1.0``); a missing value equals nothing."""
    if a is MISSING or b is MISSING:
        return False
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b and not (isinstance(a, float) and math.isnan(a))
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if a is None or b is None:
        return a is None and b is None
    return type(a) is type(b) and a == b


def _shown(value: Any) -> str:
    return _cut(json.dumps(value, ensure_ascii=False))


def _quoted(text: str) -> str:
    return f"'{_cut(text)}'"


def _cut(text: str) -> str:
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
