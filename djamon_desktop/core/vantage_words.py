"""Each vantage's own failures in a row, in words, where a team's counts are shown (the tooltip,
the site window): "3rd failure from alice, 11th from bob". Pure; the names are data and come back
as given (plain text: whoever shows them escapes them for their markup)."""

from __future__ import annotations

from collections.abc import Mapping

from .status import failure_words, ordinal


def vantage_failure_words(counts: Mapping[str, int]) -> str:
    """The vantages' own counts (name -> failures in a row) as one phrase.

    - one vantage: its count as everywhere else, "3rd failure in a row" (or "up");
    - several: the failing ones in name order (case folded), the first with the word
      "failure": "3rd failure from alice, 11th from bob"; a vantage at 0 is left out;
    - none failing, or no vantage: "up"."""
    if len(counts) == 1:
        return failure_words(next(iter(counts.values())))
    failing = sorted(
        ((name, count) for name, count in counts.items() if count > 0),
        key=lambda item: (item[0].casefold(), item[0]),
    )
    if not failing:
        return "up"
    first, *rest = failing
    words = [f"{ordinal(first[1])} failure from {first[0]}"]
    words += [f"{ordinal(count)} from {name}" for name, count in rest]
    return ", ".join(words)


def down_from_words(counts: Mapping[str, int], strikes: int) -> str:
    """From how many of the live vantages (name -> own failures in a row) a site is down, in a
    team's words: "down from 2 of 3 desktops"; "" with one vantage or none (a desktop on its
    own says nothing of others). A vantage counts it down from ``strikes`` failures in a row."""
    if len(counts) < 2:
        return ""
    down = sum(1 for count in counts.values() if count >= strikes)
    return f"down from {down} of {len(counts)} desktops"
