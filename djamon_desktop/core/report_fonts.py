"""Fonts for the characters the PDF report's own font lacks. DejaVu Sans, bundled, sets Latin,
Greek, Cyrillic, Hebrew, Arabic and much else; a title in Chinese, Japanese or Korean needs a
font the machine has, which fontconfig finds (``fc-list :charset=...``, as every Linux desktop
has it). Each character is looked for once, the fonts found are few (their own coverage read
with fontTools, which fpdf2 brings), and where no font has a character it is left out of the
PDF (fpdf2 logs which). No Qt, no database."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterable
from functools import lru_cache

log = logging.getLogger(__name__)

#: at most this many fonts are added for one report (each one's glyphs are subset into it)
MOST = 4


def fallback_fonts(text: Iterable[str], has: Callable[[int], bool]) -> list[tuple[str, int]]:
    """The fonts (file, index in a collection) that set the characters of ``text`` that
    ``has`` says the report's font lacks, in the order found; [] when it lacks none."""
    missing = sorted({ord(ch) for part in text for ch in part if not ch.isspace()})
    missing = [point for point in missing if not has(point)]
    found: list[tuple[str, int]] = []
    for point in missing:
        if any(point in coverage(*font) for font in found):
            continue
        font = font_with(point)
        if font is not None and font not in found and len(found) < MOST:
            found.append(font)
    return found


@lru_cache(maxsize=1024)
def font_with(point: int) -> tuple[str, int] | None:
    """A font on this machine that has the character ``point`` (fontconfig's first, by file
    name, so the same one each time), or None: no such font, or no fontconfig."""
    try:
        listed = subprocess.run(
            ["fc-list", "--format", "%{file}|%{index}\\n", f":charset={point:x}"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env=_system_env(),
        ).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        log.info("fontconfig can't be asked for a font with U+%04X: %s", point, exc)
        return None
    for line in sorted(set(listed.splitlines())):
        path, _, index = line.rpartition("|")
        readable = path.lower().endswith((".ttf", ".otf", ".ttc", ".otc")) and index.isdigit()
        if readable and point in coverage(path, int(index)):
            return path, int(index)
    return None


def _system_env() -> dict[str, str]:
    """The environment for a program of the system: inside the PyInstaller bundle without the
    bundle's library folder, which would give fc-list the bundle's libraries, not its own."""
    env = dict(os.environ)
    if getattr(sys, "frozen", False):
        original = env.pop("LD_LIBRARY_PATH_ORIG", None)
        if original is None:
            env.pop("LD_LIBRARY_PATH", None)
        else:
            env["LD_LIBRARY_PATH"] = original
    return env


@lru_cache(maxsize=16)
def coverage(path: str, index: int) -> frozenset[int]:
    """The characters a font file has (empty when it can't be read)."""
    from fontTools.ttLib import TTFont

    try:
        with open(path, "rb") as file, TTFont(file, fontNumber=index, lazy=True) as font:
            return frozenset(font.getBestCmap() or {})
    except Exception as exc:  # noqa: BLE001 - a font file fontTools can't read is not used
        log.info("the font %s can't be read: %s", path, exc)
        return frozenset()
