"""Text that comes from others: what it may hold, and how it is made safe to show.

Titles, group names, down messages, outage content and extra information, notes and vantage
names come from import files, Djamon fixtures and every other desktop of a team. They are data:
they may not hold control characters (a line break in a title forged lines in the log and broke
every e-mail header of its outage) or bidirectional overrides and isolates (U+202E turned the
app's own words around it backwards). Every way in refuses them with :func:`text_problem`;
:func:`one_line` is the last guard where such text is written out (an e-mail header, a log line)
and might still meet something stored before these rules, or written by an older version.
"""

from __future__ import annotations

#: bidirectional embeddings, overrides and isolates: they reorder the text around them
BIDI_CONTROLS = frozenset(range(0x202A, 0x202F)) | frozenset(range(0x2066, 0x206A))

_NAMES = {0x00: "a NUL character", 0x09: "a tab", 0x0A: "a line break", 0x0D: "a carriage return"}


def forbidden(ch: str) -> bool:
    """A C0 or C1 control character (U+0000–U+001F, U+007F–U+009F) or a bidi control."""
    point = ord(ch)
    return point < 0x20 or 0x7F <= point <= 0x9F or point in BIDI_CONTROLS


def text_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a text from others, or None: the first forbidden
    character, by its code point and its place (counted from 1)."""
    for index, ch in enumerate(value):
        if forbidden(ch):
            point = ord(ch)
            if point in BIDI_CONTROLS:
                what = "a bidirectional control"
            else:
                what = _NAMES.get(point, "a control character")
            return (
                f"holds {what} (U+{point:04X}) at character {index + 1}; control and "
                "bidirectional characters are not allowed"
            )
    return None


def one_line(value: str) -> str:
    """``value`` with every forbidden character shown as U+FFFD: one line, in the order
    written, whatever it holds."""
    if not any(forbidden(ch) for ch in value):
        return value
    return "".join("\ufffd" if forbidden(ch) else ch for ch in value)
