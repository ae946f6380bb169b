"""How the commands print: exit codes, moments in JSON, JSON itself and plain-text tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from ..core.text import one_line

EXIT_OK, EXIT_USAGE = 0, 2  # `check` also exits 1 (a site failed) or 3 (offline): see RoundReport
EXIT_INTERNAL = 70  # a bug: the details are in the log


def iso_utc(when: datetime | None) -> str | None:
    """A moment in the JSON output: ISO 8601 in UTC, to the second (``null`` for none)."""
    return None if when is None else when.astimezone(UTC).isoformat(timespec="seconds")


def print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, ensure_ascii=False))


def table(lines: list[list[str]]) -> str:
    """Lines of cells as aligned columns, two spaces apart; the first line is the heading.
    A cell holding a control character (stored before they were refused) stays on its line."""
    lines = [[one_line(cell) for cell in line] for line in lines]
    widths = [max(len(line[i]) for line in lines) for i in range(len(lines[0]))]
    return "\n".join(
        "  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )
