"""What a site expects of its answer beyond a good status code: a site's ``expect``.

``{"text": ..., "absent": ..., "json": {"path": "status.db", "equals": VALUE}, "max_ms": N,
"codes": [...]}``, any of them. ``text``, ``absent`` and ``json`` read the body, so such a check
is a ``GET``; ``max_ms`` and ``codes`` alone keep it a ``HEAD``. The same value is imported,
exported, stored (as JSON text on the site's row) and edited in the site editor; this module
says what is valid and turns it into an :class:`Expect` the check uses.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from .problems import json_type
from .text import text_problem

KEYS = ("text", "absent", "json", "max_ms", "codes")
JSON_KEYS = ("path", "equals")
TEXT_MAX = 1000  # characters of a ``text`` or ``absent``


class _Missing:
    """``equals`` not given (``None`` is the JSON ``null`` a path may have to equal)."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Expect:
    """A site's conditions on its answer; every field None (or MISSING) when not set."""

    text: str | None = None
    absent: str | None = None
    json_path: tuple[str, ...] | None = None  # the path's segments ("items.0.ok" -> 3)
    json_equals: Any = MISSING  # any JSON value, null included
    max_ms: int | None = None
    codes: tuple[int, ...] | None = None  # this site's good codes, replacing the setting

    @property
    def reads_body(self) -> bool:
        """Whether the check must ``GET`` the body (a text or a JSON condition)."""
        return self.text is not None or self.absent is not None or self.json_path is not None

    @property
    def empty(self) -> bool:
        """Nothing beyond a good code (most sites share :data:`NOTHING_EXPECTED`: no compare)."""
        return self is NOTHING_EXPECTED or self == NOTHING_EXPECTED

    def to_json(self) -> dict[str, Any]:
        """The ``expect`` object as exported and stored, keys in the contract's order."""
        out: dict[str, Any] = {}
        if self.text is not None:
            out["text"] = self.text
        if self.absent is not None:
            out["absent"] = self.absent
        if self.json_path is not None:
            out["json"] = {"path": ".".join(self.json_path), "equals": self.json_equals}
        if self.max_ms is not None:
            out["max_ms"] = self.max_ms
        if self.codes is not None:
            out["codes"] = list(self.codes)
        return out


#: a site that expects nothing beyond a good code (an Expect is never changed: one serves all)
NOTHING_EXPECTED = Expect()


def path_problem(value: object) -> str | None:
    """What keeps ``value`` from being a dotted path: non-empty, no empty segment."""
    if not isinstance(value, str):
        return f"must be a string, not {json_type(value)}"
    if not value:
        return "must not be empty"
    if any(not part for part in value.split(".")):
        return f"{value!r} has an empty segment (a dotted path like 'status.db' or 'items.0.ok')"
    return text_problem(value)


def _text_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {json_type(value)}"
    if not value:
        return "must not be empty"
    if len(value) > TEXT_MAX:
        return f"is {len(value)} characters long; at most {TEXT_MAX}"
    return text_problem(value)


def _codes_problem(value: object) -> str | None:
    if not isinstance(value, list):
        return f"must be a list of HTTP status codes, not {json_type(value)}"
    if not value:
        return "must not be empty"
    for code in value:
        if isinstance(code, bool) or not isinstance(code, int) or not 100 <= code <= 599:
            return f"{code!r} is not an HTTP status code (a whole number 100-599)"
    return None


def _max_ms_problem(value: object, timeout_seconds: float) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number of milliseconds, not {json_type(value)}"
    if not math.isfinite(timeout_seconds):  # (read back from a row: checked when written)
        return None if value >= 1 else f"{value} is below 1 (milliseconds)"
    limit = int(timeout_seconds * 1000)
    if not 1 <= value <= limit:
        return f"{value} is outside 1-{limit} (milliseconds, at most the timeout)"
    return None


def _equals_problem(value: Any) -> str | None:
    """JSON only: a float that is not finite has no JSON form."""
    if isinstance(value, float) and not math.isfinite(value):
        return f"{value!r} is not a JSON value"
    if isinstance(value, list):
        return next((p for p in map(_equals_problem, value) if p), None)
    if isinstance(value, dict):
        if any(not isinstance(k, str) for k in value):
            return "object keys must be strings"
        return next((p for p in map(_equals_problem, value.values()) if p), None)
    if value is None or isinstance(value, (str, int, float, bool)):
        return None
    return f"{json_type(value)} is not a JSON value"


def expect_problems(value: object, timeout_seconds: float) -> list[tuple[str, str]]:
    """Every problem of an ``expect`` value as ``(place under it, message)``: ``""`` for the
    value itself, ``".max_ms"``, ``".json.path"`` and so on. ``max_ms`` may be at most the
    timeout (``timeout_seconds``) that will check it."""
    if not isinstance(value, dict):
        return [("", f"must be an object, not {json_type(value)}")]
    out: list[tuple[str, str]] = []
    for key, item in value.items():
        problem: str | None
        if key in ("text", "absent"):
            problem = _text_problem(item)
        elif key == "max_ms":
            problem = _max_ms_problem(item, timeout_seconds)
        elif key == "codes":
            problem = _codes_problem(item)
        elif key == "json":
            out += _json_problems(item)
            continue
        else:
            problem = f"unknown key; known keys: {', '.join(KEYS)}"
        if problem:
            out.append((f".{key}", problem))
    return out


def _json_problems(value: object) -> list[tuple[str, str]]:
    if not isinstance(value, dict):
        return [(".json", f"must be an object with path and equals, not {json_type(value)}")]
    out = []
    for key in value:
        if key not in JSON_KEYS:
            out.append((f".json.{key}", f"unknown key; known keys: {', '.join(JSON_KEYS)}"))
    for key in JSON_KEYS:
        if key not in value:
            out.append((f".json.{key}", "is missing"))
    if "path" in value and (problem := path_problem(value["path"])):
        out.append((".json.path", problem))
    if "equals" in value and (problem := _equals_problem(value["equals"])):
        out.append((".json.equals", problem))
    return out


def parse_expect(value: object, timeout_seconds: float = math.inf) -> Expect:
    """An :class:`Expect` from a valid ``expect`` value (ValueError naming the first problem
    otherwise); None or ``{}`` give the empty one."""
    if value is None:
        return NOTHING_EXPECTED
    problems = expect_problems(value, timeout_seconds)
    if problems:
        under, message = problems[0]
        raise ValueError(f"expect{under}: {message}")
    assert isinstance(value, dict)
    condition = value.get("json")
    return Expect(
        text=value.get("text"),
        absent=value.get("absent"),
        json_path=tuple(condition["path"].split(".")) if condition else None,
        json_equals=condition["equals"] if condition else MISSING,
        max_ms=value.get("max_ms"),
        codes=tuple(value["codes"]) if "codes" in value else None,
    )


def stored(expect: Expect) -> str | None:
    """The text a site's row keeps (None when nothing is expected)."""
    return None if expect.empty else json.dumps(expect.to_json(), ensure_ascii=False)


def from_stored(text: str | None) -> Expect:
    """The :class:`Expect` a site's row keeps (its text was valid when it was written)."""
    return NOTHING_EXPECTED if not text else parse_expect(json.loads(text))
