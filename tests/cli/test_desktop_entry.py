"""install-desktop / uninstall-desktop, and the autostart entry. The Exec line is read back by
GLib itself (Debian's python3-gi: tests/glib_launch.py launches each entry) and by
desktop-file-validate, over paths holding every character the spec reserves."""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from djamon_desktop import desktop_entry
from djamon_desktop.errors import UserError

GLIB_PYTHON = "/usr/bin/python3"
GLIB_LAUNCH = Path(__file__).resolve().parent.parent / "glib_launch.py"
#: a program that records the argv it was started with, NUL-separated, in $DJAMON_RECORD
RECORDER = """#!/bin/sh
printf '%s\\0' "$0" "$@" > "$DJAMON_RECORD.tmp" && mv "$DJAMON_RECORD.tmp" "$DJAMON_RECORD"
"""
#: file names holding what the Exec rules and the key-value file's escapes are about
NASTY = [
    "plain",
    "with space",
    "a  double  space",
    " leading and trailing ",
    'double"quote',
    "single'quote",
    "dollar$HOME",
    "${HOME}",
    "$(id)",
    "back`id`tick",
    "back\\slash",
    "trailing\\",
    "two\\\\backslashes",
    '\\$ and \\" and \\`',
    "\\s\\n\\t\\r\\\\ as text",
    "per%cent",
    "%%",
    "%u %f %U %F %i %c %k %%u",
    "%",
    "unicode é 日本 🚀",
    "#hash",
    "semi;colon&amp|pipe",
    "~tilde",
    "glob*?[ab]",
    "(paren)",
    "<less>greater",
    "=equals",
    "no\u00a0break\u200bzero\u2028line",
    "-dash",
    "'",
    '"',
    "\\",
    "$",
    "`",
]
#: what random names are drawn from: every reserved character, the escapes' letters, others
ALPHABET = " \"'\\><~|&;$*?#()`%=-sntr[]{}!^,.:@+aZ09é日🚀\u00a0\u2028"


def random_names(count: int, seed: int) -> list[str]:
    draw = random.Random(seed)
    names = []
    while len(names) < count:
        name = "".join(draw.choice(ALPHABET) for _ in range(draw.randint(1, 16)))
        if name not in (".", ".."):
            names.append(name)
    return names


def glib_present() -> bool:
    probe = "import gi; gi.require_version('Gio', '2.0'); from gi.repository import Gio"
    try:
        return subprocess.run([GLIB_PYTHON, "-c", probe], capture_output=True).returncode == 0
    except OSError:
        return False


needs_glib = pytest.mark.skipif(
    not glib_present(), reason="GLib's Python binding is missing (.ci/setup --test installs it)"
)


@pytest.fixture
def homes(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path


def test_install_puts_a_valid_entry_and_icons_in_the_menu(run_process, homes):
    result = run_process("install-desktop")
    assert result.code == 0, result.err
    entry = homes / "share" / "applications" / "djamon-desktop.desktop"
    assert f"({entry})" in result.out
    text = entry.read_text()
    assert "\nIcon=djamon-desktop\n" in text and "\nTerminal=false\n" in text
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line.split("=", 1)[1].split()[0].endswith("djamon-desktop")
    assert "--data-dir" not in exec_line
    for size in (16, 32, 256):
        assert (
            homes / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "djamon-desktop.png"
        ).exists()
    assert (homes / "share/icons/hicolor/scalable/apps/djamon-desktop.svg").exists()
    if shutil.which("desktop-file-validate") is None:
        pytest.skip("desktop-file-validate is not installed (.ci/setup installs it)")
    check = subprocess.run(["desktop-file-validate", str(entry)], capture_output=True, text=True)
    assert check.returncode == 0 and check.stdout == "", check.stdout


def test_the_entry_starts_this_installation(run_process, homes):
    assert run_process("install-desktop").code == 0
    text = (homes / "share/applications/djamon-desktop.desktop").read_text()
    program = next(ln for ln in text.splitlines() if ln.startswith("Exec=")).split("=", 1)[1]
    version = subprocess.run([*program.split(), "--version"], capture_output=True, text=True)
    assert version.stdout.startswith("djamon-desktop ")


def test_a_chosen_data_folder_is_kept_and_quoted(run_process, homes):
    folder = homes / "my data"
    assert run_process("--data-dir", str(folder), "install-desktop").code == 0
    text = (homes / "share/applications/djamon-desktop.desktop").read_text()
    assert f'--data-dir "{folder}"' in text
    if shutil.which("desktop-file-validate"):
        entry = homes / "share/applications/djamon-desktop.desktop"
        assert subprocess.run(["desktop-file-validate", str(entry)]).returncode == 0


def test_uninstall_removes_everything_and_is_quiet_when_absent(run_process, homes):
    assert run_process("install-desktop").code == 0
    desktop_entry.set_autostart(True, ["djamon-desktop"])
    result = run_process("uninstall-desktop")
    assert result.code == 0 and result.out.startswith("Removed 11 files.")
    assert not list((homes / "share").rglob("djamon-desktop*"))
    assert not desktop_entry.autostart_enabled()
    again = run_process("uninstall-desktop")
    assert (again.code, again.out.strip()) == (0, "djamon-desktop was not in the application menu.")


def test_autostart_entry(homes):
    assert not desktop_entry.autostart_enabled()
    desktop_entry.set_autostart(True, ["/opt/djamon desktop/djamon-desktop"])
    path = homes / "config" / "autostart" / "djamon-desktop.desktop"
    text = path.read_text()
    assert 'Exec="/opt/djamon desktop/djamon-desktop"' in text
    assert "X-GNOME-Autostart-enabled=true" in text
    desktop_entry.set_autostart(False, [])
    assert not path.exists()


def test_exec_quoting():
    line = desktop_entry.entry_text(["/x/djamon-desktop", "--data-dir", '/a b/$c"d%e'])
    # quoted by the Exec rules, then each backslash doubled by the key-value file's escapes
    assert 'Exec=/x/djamon-desktop --data-dir "/a b/\\\\$c\\\\"d%%e"' in line


def recorder_at(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    program = folder / name
    program.write_text(RECORDER)
    program.chmod(0o755)
    return program


def launched(tmp_path: Path, entries: list[Path]) -> list[list[str]]:
    """The argv each entry started its program with, launched by GLib; each entry also passes
    desktop-file-validate without a word."""
    if shutil.which("desktop-file-validate"):
        check = subprocess.run(
            ["desktop-file-validate", *map(str, entries)], capture_output=True, text=True
        )
        assert (check.returncode, check.stdout) == (0, ""), check.stdout
    record = tmp_path / "record"
    record.mkdir()
    glib = subprocess.run(
        [GLIB_PYTHON, str(GLIB_LAUNCH), str(record), *map(str, entries)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert glib.returncode == 0, glib.stderr
    read = json.loads(glib.stdout)
    refused = [str(e) for e, r in zip(entries, read, strict=True) if r["commandline"] is None]
    assert refused == [], "GLib refused these entries"
    deadline = time.monotonic() + 30
    files = [record / str(i) for i in range(len(entries))]
    while not all(f.exists() for f in files) and time.monotonic() < deadline:
        time.sleep(0.05)
    return [
        f.read_bytes().decode("utf-8").split("\0")[:-1] if f.exists() else ["(not launched)"]
        for f in files
    ]


@needs_glib
def test_glib_launches_exactly_the_path_whatever_it_holds(tmp_path):
    names = NASTY + random_names(40, seed=20240611)
    commands, entries = [], []
    for i, name in enumerate(names):
        program = recorder_at(tmp_path / "bin" / f"{i} {name}", f"djamon {name}")
        commands.append([str(program), "--data-dir", f"/data/{name}", name])
        entry = tmp_path / "entries" / f"e{i}.desktop"
        entry.parent.mkdir(exist_ok=True)
        entry.write_text(desktop_entry.entry_text(commands[-1]), encoding="utf-8")
        entries.append(entry)
    got = launched(tmp_path, entries)
    wrong = [(want, have) for want, have in zip(commands, got, strict=True) if want != have]
    assert wrong == []


@needs_glib
def test_install_desktop_from_an_installation_at_a_nasty_path(homes, monkeypatch):
    """The real launch_command and install: the venv's script beside sys.executable."""
    folder = homes / 'opt $HOME `x` "q" \\ 100% é'
    script = recorder_at(folder, "djamon-desktop")
    monkeypatch.setattr(sys, "executable", str(folder / "python"))
    data = homes / "my data $x 'y' %u \\"
    desktop_entry.install(desktop_entry.launch_command(str(data)))
    desktop_entry.set_autostart(True, desktop_entry.launch_command(str(data)))
    entries = [desktop_entry.menu_entry_path(), desktop_entry.autostart_path()]
    want = [str(script), "--data-dir", str(data.resolve())]
    assert launched(homes, entries) == [want, want]


@pytest.mark.parametrize("char", ["\n", "\t", "\x1b", "\x7f", "\x85", "\x9f"])
def test_a_path_with_a_control_character_is_refused(run_process, homes, char):
    folder = str(homes / f"data{char}folder")
    result = run_process("--data-dir", folder, "install-desktop")
    assert result.code == 2
    assert len(result.err.splitlines()) == 1, result.err
    assert f"U+{ord(char):04X}" in result.err and repr(folder) in result.err
    assert not (homes / "share").exists()  # nothing written, not even the icons
    with pytest.raises(UserError):
        desktop_entry.set_autostart(True, ["/bin/djamon-desktop", "--data-dir", folder])
    assert not desktop_entry.autostart_enabled()


def test_nul_and_non_utf8_are_refused():
    for arg in ["/a\x00b", "/a\udcffb"]:
        with pytest.raises(UserError) as refused:
            desktop_entry.entry_text(["/bin/djamon-desktop", "--data-dir", arg])
        assert repr(arg) in refused.value.message
