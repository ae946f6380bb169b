"""Freedesktop integration: the application-menu entry and icon (``install-desktop``) and the
XDG autostart entry behind Settings' "Start at login". No Qt here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .errors import UserError
from .resources import icon_file, resource_dir

APP_ID = "djamon-desktop"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")
#: a program that starts its first argument with the rest (POSIX sh: $0 is the one after -c's)
_BY_SHELL = ["/bin/sh", "-c", 'exec "$0" "$@"']


def data_home() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def config_home() -> Path:
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")


def launch_command(data_dir: str | None = None) -> list[str]:
    """How to start this very installation: the bundle's executable, the venv's script, or
    ``python -m``; with ``--data-dir`` only when one was chosen."""
    if getattr(sys, "frozen", False):
        command = [sys.executable]
    else:
        script = Path(sys.executable).with_name(APP_ID)
        command = [str(script)] if script.exists() else [sys.executable, "-m", "djamon_desktop"]
    if data_dir:
        command += ["--data-dir", str(Path(data_dir).resolve())]
    return command


def _refuse_unwritable(arg: str) -> None:
    """A control character can't be launched faithfully (GLib and the spec's quoting have no
    way to write most of them), nor can a name that is not UTF-8 (a desktop entry is UTF-8)."""
    for ch in arg:
        if ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F:
            raise UserError(
                f"can't write a desktop entry: the path {arg!r} holds the control character "
                f"U+{ord(ch):04X}"
            )
    try:
        arg.encode("utf-8")
    except UnicodeEncodeError:
        raise UserError(f"can't write a desktop entry: the path {arg!r} is not UTF-8") from None


def _exec_argument(arg: str) -> str:
    """One argument quoted by the spec's Exec rules: with a reserved character, in double
    quotes with `"`, `` ` ``, `$` and `\\` escaped by a backslash; and `%` as `%%` (a field code
    otherwise)."""
    arg = arg.replace("%", "%%")
    if arg and not any(ch in _RESERVED for ch in arg):
        return arg
    escaped = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
    return f'"{escaped}"'


def exec_value(command: list[str]) -> str:
    """The Exec key's value for ``command``: each argument quoted by the Exec rules, then the
    whole line given the string escapes of a key-value file (a backslash doubled), which a
    reader undoes before it reads the quoting. Raises UserError for what can't be written."""
    for arg in command:
        _refuse_unwritable(arg)
    if command and "%" in command[0]:
        # GLib looks for the program before it expands %% (an entry whose program holds a %
        # is dropped as "not installed"): a shell starts it, given as an argument
        command = [*_BY_SHELL, *command]
    line = " ".join(_exec_argument(a) for a in command)
    return line.replace("\\", "\\\\")


def entry_text(command: list[str], autostart: bool = False) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=djamon-desktop",
        "GenericName=Website monitor",
        "Comment=Watches the web resources your team depends on and says when one is really down",
        "Exec=" + exec_value(command),
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Network;Monitor;",
        "Keywords=monitor;uptime;outage;website;tray;",
        "StartupNotify=false",
    ]
    if autostart:
        lines.append("X-GNOME-Autostart-enabled=true")
    return "\n".join(lines) + "\n"


def menu_entry_path() -> Path:
    return data_home() / "applications" / f"{APP_ID}.desktop"


def icon_paths() -> list[tuple[Path, Path]]:
    """(source, installed) for every icon file."""
    hicolor = data_home() / "icons" / "hicolor"
    pairs = [
        (icon_file("app", s), hicolor / f"{s}x{s}" / "apps" / f"{APP_ID}.png") for s in ICON_SIZES
    ]
    pairs.append(
        (resource_dir() / "icons" / "app.svg", hicolor / "scalable" / "apps" / f"{APP_ID}.svg")
    )
    return pairs


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def _refresh_caches() -> None:
    for tool, args in (
        ("update-desktop-database", [str(data_home() / "applications")]),
        ("gtk-update-icon-cache", ["-q", "-t", str(data_home() / "icons" / "hicolor")]),
    ):
        if shutil.which(tool):
            subprocess.run([tool, *args], capture_output=True, timeout=30, check=False)


def install(command: list[str]) -> list[Path]:
    """Put the menu entry and the icons in the user's data folder; returns what was written
    (nothing when the command can't be written in an entry)."""
    text = entry_text(command)
    written = []
    for source, target in icon_paths():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    _write(menu_entry_path(), text)
    written.append(menu_entry_path())
    _refresh_caches()
    return written


def uninstall() -> list[Path]:
    """Remove the menu entry, the icons and the autostart entry; returns what was removed."""
    removed = []
    for path in [menu_entry_path(), autostart_path(), *(t for _s, t in icon_paths())]:
        if path.exists():
            path.unlink()
            removed.append(path)
    if removed:
        _refresh_caches()
    return removed


def autostart_path() -> Path:
    return config_home() / "autostart" / f"{APP_ID}.desktop"


def autostart_enabled() -> bool:
    return autostart_path().exists()


def set_autostart(enabled: bool, command: list[str]) -> None:
    if enabled:
        _write(autostart_path(), entry_text(command, autostart=True))
    elif autostart_path().exists():
        autostart_path().unlink()
