"""The fonts a PDF report borrows from the machine for characters DejaVu Sans lacks."""

from __future__ import annotations

from djamon_desktop.core import report_fonts
from djamon_desktop.core.report_fonts import coverage, fallback_fonts, font_with

CJK = "日本の店舗"


def latin(point: int) -> bool:
    return point < 0x2E80


def test_a_font_with_the_missing_characters_is_found():
    fonts = fallback_fonts(["Shop", CJK, "  "], latin)
    assert len(fonts) == 1, "no font with CJK glyphs: install fonts-droid-fallback"
    path, index = fonts[0]
    assert {ord(ch) for ch in CJK} <= coverage(path, index)
    assert fallback_fonts(["Shop"], latin) == []  # nothing missing: nothing asked


def test_a_character_no_font_has_finds_nothing():
    assert fallback_fonts(["\U0010fffd"], latin) == []  # a private-use character


def test_without_fontconfig_nothing_is_found(monkeypatch):
    font_with.cache_clear()
    monkeypatch.setenv("PATH", "/nonexistent")
    try:
        assert fallback_fonts([CJK], latin) == []
    finally:
        font_with.cache_clear()


def test_a_font_file_that_cannot_be_read_covers_nothing(tmp_path):
    bad = tmp_path / "bad.ttf"
    bad.write_bytes(b"not a font")
    assert coverage(str(bad), 0) == frozenset()
    assert report_fonts.MOST >= 1
