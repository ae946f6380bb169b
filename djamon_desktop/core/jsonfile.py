"""JSON as ``import`` reads it: strictly, and a top-level array (a Djamon fixture) a piece at a
time from the file, so a fixture of millions of checks never has to be in memory whole.

Strict means two things json.loads lets by. A key given twice in one object (json.loads keeps
the last one silently) is found and named by its place. An integer of more digits than any field
could hold is read as a :class:`LongNumber`, beyond every field's range, so the field's own
check refuses it with its place: json.loads would fail on more than 4,300 digits with a bare
ValueError, and a message that shows the value would fail the same way.

Errors are said as json.loads says them, at the same line and column, and a file that is not
UTF-8 is said by the offset of its first bad byte, whatever else is wrong with it.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from .problems import DocumentRefused

#: digits an integer may have and still be read as it is (the largest a field takes has 19)
LONG_DIGITS = 30
#: what is read from the file at a time
CHUNK = 1 << 20
#: how near the end of what was read a JSON error may be cut-off data rather than a mistake
_CUT_MARGIN = 16
_BLANK = re.compile(r"[ \t\n\r]*")
NESTED = "not valid JSON: nested too deeply"


class LongNumber(int):
    """An integer of more than :data:`LONG_DIGITS` digits. It compares as ±10**30, beyond every
    field's range, equals only the same digits, and shows as its length ("a 5,000-digit
    number"), never as its digits."""

    digits: str

    def __new__(cls, digits: str) -> LongNumber:
        beyond = 10**LONG_DIGITS
        number = super().__new__(cls, -beyond if digits.startswith("-") else beyond)
        number.digits = digits
        return number

    def __repr__(self) -> str:
        sign = "negative " if self.digits.startswith("-") else ""
        return f"a {sign}{len(self.digits.lstrip('-')):,}-digit number"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, LongNumber) and other.digits == self.digits

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash(self.digits)


class Twice(dict):
    """An object that gave a key more than once (``twice``: those keys); its values are the
    last ones given, as json.loads has them."""

    twice: list[str]


def _integer(text: str) -> int:
    return int(text) if len(text) <= LONG_DIGITS else LongNumber(text)


class Strict:
    """A decoder (``decoder``) that marks objects with a key given twice (:class:`Twice`),
    counting them (``twice``), and reads long integers as :class:`LongNumber`."""

    def __init__(self) -> None:
        self.twice = 0
        self.decoder = json.JSONDecoder(parse_int=_integer, object_pairs_hook=self._object)

    def _object(self, pairs: list[tuple[str, Any]]) -> dict:
        made = dict(pairs)
        if len(made) == len(pairs):
            return made
        self.twice += 1
        marked = Twice(made)
        seen: set[str] = set()
        marked.twice = []
        for key, _value in pairs:
            if key in seen:
                marked.twice.append(key)
            seen.add(key)
        return marked


def duplicate_keys(value: Any) -> list[tuple[str, str]]:
    """Each key given twice in one object, in file order: the object's path in ``value``
    (``groups[0].sites[2]``; '' for ``value`` itself) and the key."""
    found: list[tuple[str, str]] = []
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, Twice):
            found.extend((where, key) for key in dict.fromkeys(item.twice))
        if isinstance(item, dict):
            inner = [(v, f"{where}.{k}" if where else k) for k, v in item.items()]
        elif isinstance(item, list):
            inner = [(v, f"{where}[{i}]") for i, v in enumerate(item)]
        else:
            continue
        stack.extend(reversed(inner))
    return found


def given_twice(key: str) -> str:
    return f"the key {json.dumps(key)} is given twice"


def not_json(text: str, pos: int, message: str, line_base: int = 0, col_base: int = 0) -> str:
    """json.loads's wording of an error at ``pos`` of ``text`` (``text`` starting on line
    ``line_base + 1``, its first line ``col_base`` characters in)."""
    newlines = text.count("\n", 0, pos)
    column = pos - text.rfind("\n", 0, pos) if newlines else col_base + pos + 1
    return f"line {line_base + newlines + 1}, column {column}: not valid JSON: {message}"


def not_utf8(data: bytes, at: int, offset: int) -> str:
    return f"not UTF-8 text: byte 0x{data[at]:02x} at offset {offset}"


def read_document(file: BinaryIO) -> Any:
    """The whole file's JSON value (a top-level array element by element, each in its turn,
    so other threads get theirs); DocumentRefused says what keeps it from being one, or names
    each key given twice."""
    if first_char(file) == "[":
        value: Any = []
        twice = False
        for _index, item, repeated in JsonArray(file):
            value.append(item)
            twice = twice or repeated
    else:
        data = file.read()
        bom = 3 if data.startswith(codecs.BOM_UTF8) else 0
        try:
            text, _used = codecs.utf_8_decode(memoryview(data)[bom:], "strict", True)
        except UnicodeDecodeError as exc:
            raise DocumentRefused([not_utf8(data, bom + exc.start, bom + exc.start)]) from None
        del data
        try:
            strict = Strict()
            value = strict.decoder.decode(text)
        except json.JSONDecodeError as exc:
            raise DocumentRefused([not_json(text, exc.pos, exc.msg)]) from None
        except RecursionError:
            raise DocumentRefused([NESTED]) from None
        twice = strict.twice > 0
    if twice:
        raise DocumentRefused(
            [
                f"{where or 'the top-level object'}: {given_twice(key)}"
                for where, key in duplicate_keys(value)
            ]
        )
    return value


def first_char(file: BinaryIO) -> str:
    """The first character of the file that is not blank (after a UTF-8 BOM); '' when none
    is. Leaves the file at its start."""
    file.seek(0)
    head = file.read(3)
    if head != codecs.BOM_UTF8:
        file.seek(0)
    while True:
        block = file.read(4096)
        stripped = block.lstrip(b" \t\r\n")
        if stripped or not block:
            file.seek(0)
            return chr(stripped[0]) if stripped else ""


class JsonArray:
    """The elements of the top-level array in ``file``, read a piece at a time, each time the
    object is iterated (so a fixture can be gone through more than once): ``(index, element,
    twice)``, ``twice`` when an object in the element gave a key twice. A file that is not
    valid JSON or not UTF-8 raises DocumentRefused, when the reading gets there."""

    def __init__(self, file: BinaryIO, chunk: int = CHUNK) -> None:
        self.file = file
        self.chunk = chunk

    def __iter__(self) -> Iterator[tuple[int, Any, bool]]:
        return _Reading(self.file, self.chunk).elements()


class _Reading:
    """One pass through the file: the text read and not yet taken, where it is in the file."""

    def __init__(self, file: BinaryIO, chunk: int) -> None:
        self.file = file
        self.chunk = chunk
        self.strict = Strict()
        self.raw_decode = self.strict.decoder.raw_decode
        self.text = ""
        self.pos = 0
        self.lines = 0  # newlines before ``text``
        self.column = 0  # characters of its line before ``text``
        self.offset = 0  # bytes read and decoded
        self.undecoded = b""  # the start of a character cut by the chunk's end
        self.eof = False
        file.seek(0)
        if file.read(3) != codecs.BOM_UTF8:
            file.seek(0)
        else:
            self.offset = 3

    def elements(self) -> Iterator[tuple[int, Any, bool]]:
        if self._next() != "[":
            self._fail("Expecting value")
        self.pos += 1
        index = 0
        if self._next() == "]":
            self.pos += 1
        else:
            while True:
                item, twice = self._element()
                yield index, item, twice
                index += 1
                following = self._next()
                if following == ",":
                    self.pos += 1
                    self._next()
                elif following == "]":
                    self.pos += 1
                    break
                else:
                    self._fail("Expecting ',' delimiter")
        if self._next() != "":
            self._fail("Extra data")

    def _element(self) -> tuple[Any, bool]:
        want = self.chunk
        self.strict.twice = 0
        while True:
            try:
                item, end = self.raw_decode(self.text, self.pos)
            except RecursionError:
                raise DocumentRefused([NESTED]) from None
            except json.JSONDecodeError as exc:
                cut = exc.pos >= len(self.text) - _CUT_MARGIN or exc.msg.startswith("Unterminated")
                if self.eof or not cut:
                    self._fail(exc.msg, exc.pos)
            else:
                # a number ending at, or a sign or exponent before, the end may go on
                number = isinstance(item, int | float) and not isinstance(item, bool)
                if self.eof or not number or end < len(self.text) - 2:
                    self.pos = end
                    twice, self.strict.twice = self.strict.twice, 0
                    return item, twice > 0
            self._read(want)
            want *= 2  # an element longer than a chunk: each try reads as much again

    def _next(self) -> str:
        """The next character that is not blank ('' at the end of the file), ``pos`` on it."""
        while True:
            self.pos = _BLANK.match(self.text, self.pos).end()
            if self.pos < len(self.text):
                return self.text[self.pos]
            if self.eof:
                return ""
            self._read(self.chunk)

    def _read(self, size: int) -> None:
        """Drop the text taken, add the next ``size`` bytes' text."""
        taken = self.text[: self.pos]
        newlines = taken.count("\n")
        if newlines:
            self.lines += newlines
            self.column = len(taken) - taken.rfind("\n") - 1
        else:
            self.column += len(taken)
        data = self.undecoded + self.file.read(size)
        self.eof = len(data) == len(self.undecoded)
        start = self.offset - len(self.undecoded)
        try:
            added, used = codecs.utf_8_decode(data, "strict", self.eof)
        except UnicodeDecodeError as exc:
            raise DocumentRefused([not_utf8(data, exc.start, start + exc.start)]) from None
        self.undecoded = data[used:]
        self.offset = start + len(data)
        self.text = self.text[self.pos :] + added
        self.pos = 0

    def _fail(self, message: str, pos: int | None = None) -> None:
        """Refuse at ``pos`` (else where reading is): as not UTF-8 if the rest of the file is
        not (the whole file is judged as text first), else as not valid JSON."""
        line = not_json(
            self.text, self.pos if pos is None else pos, message, self.lines, self.column
        )
        while not self.eof:
            self.pos = len(self.text)  # the rest is only decoded
            self._read(self.chunk)
        raise DocumentRefused([line])
