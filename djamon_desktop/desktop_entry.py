"""Freedesktop integration: the application-menu entry and icon (``install-desktop``) and the
XDG autostart entry behind Settings' "Start at login". No Qt here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from .resources import icon_file, resource_dir

APP_ID = "djamon-desktop"
ICON_SIZES = (16, 22, 24, 32, 48, 64, 128, 256)
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


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


def _exec_argument(arg: str) -> str:
    """Quote one argument as the Desktop Entry spec asks (and escape % as %%)."""
    arg = arg.replace("%", "%%")
    if not any(ch in _RESERVED for ch in arg):
        return arg
    escaped = arg.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`").replace("$", "\\$")
    return f'"{escaped}"'


def entry_text(command: list[str], autostart: bool = False) -> str:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=djamon-desktop",
        "GenericName=Website monitor",
        "Comment=Watches the web resources your team depends on and says when one is really down",
        "Exec=" + " ".join(_exec_argument(a) for a in command),
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
    """Put the menu entry and the icons in the user's data folder; returns what was written."""
    written = []
    for source, target in icon_paths():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    _write(menu_entry_path(), entry_text(command))
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
