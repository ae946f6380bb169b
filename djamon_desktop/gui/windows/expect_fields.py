"""The site editor's "Check the answer" part: what a site expects of its answer beyond a good
code (its ``expect``, :mod:`djamon_desktop.core.expect`), as fields a person fills in, and a
**Try it** button that runs one check of the URL with the conditions as typed now.

The fields are turned into the ``expect`` value the import takes (``from_fields``), so the
editor, the import and the store say the same things about the same mistakes; each problem is
shown under its field, keyed ``expect.text``, ``expect.json.path`` and so on.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
)

from ...core.expect import MISSING, Expect, expect_problems
from .. import plain
from .forms import FieldErrors, quiet_label

TRYING = "Trying…"
VALUE_HINT = 'JSON: "ok", true, 3, null; a bare word is taken as text'


def json_value(typed: str) -> tuple[Any, str | None]:
    """The JSON value a person typed, and what is wrong with it: valid JSON is taken as it is
    (``"ok"``, ``true``, ``3``); a plain word that is not JSON is taken as a string (``ok``);
    what looks like JSON but is not (an unclosed quote or bracket) is a problem."""
    text = typed.strip()
    if not text:
        return MISSING, None
    try:
        return json.loads(text), None
    except ValueError as exc:
        if text[0] in "\"'[{":
            return MISSING, f"is not JSON ({exc.msg} at character {exc.pos + 1})"
        return text, None


def _whole_number(typed: str) -> int | str:
    text = typed.strip().replace(",", "").replace("_", "")
    try:
        return int(text)
    except ValueError:
        return typed.strip()


def from_fields(
    text: str, absent: str, path: str, value: str, max_ms: str, codes: str
) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """The ``expect`` value the fields say (``{}``: nothing beyond a good code) and the
    problems of the typing itself (a value that is not JSON, a code that is not a number),
    as ``(place, message)``; ``expect_problems`` finds the rest."""
    out: dict[str, Any] = {}
    found: list[tuple[str, str]] = []
    if text:
        out["text"] = text
    if absent:
        out["absent"] = absent
    equals, problem = json_value(value)
    if problem:
        found.append(("expect.json.equals", problem))
    if path.strip() or value.strip():  # one without the other: expect_problems says so
        condition: dict[str, Any] = {}
        if path.strip():
            condition["path"] = path.strip()
        if equals is not MISSING:
            condition["equals"] = equals
        out["json"] = condition
    ms = _whole_number(max_ms)
    if ms not in ("", 0):
        out["max_ms"] = ms
    if codes.strip():
        out["codes"] = [_whole_number(c) for c in codes.split(",") if c.strip()]
    return out, found


class ExpectFields(QGroupBox):
    """``timeout`` is the setting the site is checked with (``max_ms`` may not exceed it);
    ``good_codes`` the setting's, shown when the site has none of its own."""

    def __init__(
        self,
        errors: FieldErrors,
        expect: Expect | None = None,
        timeout: float = 5,
        good_codes: Sequence[int] = (200,),
    ) -> None:
        super().__init__("Check the answer")
        self.timeout = timeout
        self.good_codes = tuple(good_codes)
        self.errors = errors
        expect = expect or Expect()
        column = QVBoxLayout(self)
        column.addWidget(
            quiet_label("Optional. Text and JSON conditions read the body (a GET, at most 1 MiB).")
        )
        form = QFormLayout()
        column.addLayout(form)
        self.text = self._line(expect.text or "", "e.g. All systems operational")
        errors.add_row(form, "Must contain:", "expect.text", self.text)
        self.absent = self._line(expect.absent or "", "e.g. Internal Server Error")
        errors.add_row(form, "Must not contain:", "expect.absent", self.absent)
        path = ".".join(expect.json_path) if expect.json_path else ""
        self.json_path = self._line(path, "e.g. status.db or items.0.ok")
        errors.add_row(form, "JSON path:", "expect.json.path", self.json_path)
        equals = expect.json_equals
        shown = "" if equals is MISSING else json.dumps(equals, ensure_ascii=False)
        self.json_value = self._line(shown, '"ok"')
        self.json_value.setToolTip(plain.tip(VALUE_HINT))
        errors.add_row(form, "Equals:", "expect.json.equals", self.json_value)
        hint = quiet_label(VALUE_HINT)
        hint.setWordWrap(False)  # one line: wrapped, the form keeps room for two
        form.addRow("", hint)
        self.max_ms = self._line("" if expect.max_ms is None else str(expect.max_ms), "")
        self.max_ms.setPlaceholderText(
            f"off; fails an answer slower than this, 1-{timeout * 1000:,.0f}"
        )
        errors.add_row(form, "Slower than (ms):", "expect.max_ms", self.max_ms)
        codes = ", ".join(map(str, expect.codes)) if expect.codes else ""
        setting = ", ".join(map(str, self.good_codes))
        self.codes = self._line(codes, f"the setting's: {setting}")
        errors.add_row(form, "Good codes:", "expect.codes", self.codes)
        row = QHBoxLayout()
        self.try_button = QPushButton("&Try it")  # Alt+T
        self.try_button.setAutoDefault(False)  # Enter in a field saves, it does not try
        self.try_button.setToolTip("Check the URL once with the conditions as typed (Alt+T)")
        row.addWidget(self.try_button)
        self.answer = plain.label()
        self.answer.setWordWrap(True)
        row.addWidget(self.answer, 1)
        column.addLayout(row)

    @staticmethod
    def _line(text: str, placeholder: str) -> QLineEdit:
        field = QLineEdit(text)
        field.setPlaceholderText(placeholder)
        return field

    def value(self) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """The ``expect`` value as typed and every problem with it, as ``(place, message)``."""
        out, found = from_fields(
            self.text.text(),
            self.absent.text(),
            self.json_path.text(),
            self.json_value.text(),
            self.max_ms.text(),
            self.codes.text(),
        )
        found += [(f"expect{under}", msg) for under, msg in expect_problems(out, self.timeout)]
        seen: set[str] = set()
        unique = []
        for place, message in found:  # one line a field: the first thing wrong with it
            if place not in seen:
                seen.add(place)
                unique.append((place, message))
        return out, unique

    def show_problems(self, problems: list[tuple[str, str]]) -> None:
        for place, message in problems:
            key = place if place in self.errors.labels else "expect.text"
            self.errors.show(key, message if key == place else f"{place}: {message}")

    # -- Try it ----------------------------------------------------------------------------------

    def trying(self, busy: bool) -> None:
        """While a try runs the button says so and takes no second click."""
        self.try_button.setEnabled(not busy)
        self.try_button.setText(TRYING if busy else "&Try it")
        if busy:
            self.answer.setText(TRYING)

    def show_answer(self, text: str) -> None:
        self.trying(False)
        self.answer.setText(plain.visible(text))
