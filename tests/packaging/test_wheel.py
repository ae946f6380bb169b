"""A wheel (pip install . without -e) carries the icons the app and install-desktop need, and
the font PDF reports are set in."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_carries_every_icon(tmp_path):
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr
    [wheel] = tmp_path.glob("djamon_desktop-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    rendered = {p.name for p in (ROOT / "resources" / "icons" / "png").glob("*.png")}
    assert len(rendered) == 32
    for name in rendered:
        assert f"djamon_desktop/_resources/icons/png/{name}" in names
    assert "djamon_desktop/_resources/icons/app.svg" in names
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "LICENSE"):
        assert f"djamon_desktop/_resources/fonts/{name}" in names
    # every module of the source tree travels too (a new subpackage missing from
    # pyproject's list would leave a non-editable install without it)
    source = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "djamon_desktop").rglob("*.py")
        if "__pycache__" not in p.parts
    }
    assert source and source <= names, sorted(source - names)
