"""The layers a reader sees in the folder names hold: core/ is pure, store/ knows neither alerts
nor Qt, alerts/ knows no store or Qt, Qt only under gui/; and no module is over 400 lines.
Read from the source (every import, lazy ones inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "djamon_desktop"

#: what each layer must not import (package-relative names, or third-party top-level names)
FORBIDDEN = {
    "core": {"store", "alerts", "gui", "cycle", "cli", "PySide6", "peewee"},
    "store": {"alerts", "gui", "cycle", "cli", "PySide6"},
    "alerts": {"store", "gui", "cycle", "cli", "PySide6"},
}


def imported(path: Path) -> set[str]:
    """Every module ``path`` imports: ours as ``store.rounds`` etc., others by top-level name."""
    module = path.relative_to(PACKAGE).with_suffix("").parts
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = list(module[: len(module) - node.level])
                names = [".".join([*base, node.module] if node.module else base)]
                if not node.module:
                    names = [".".join([*base, a.name]) for a in node.names]
                out.update("djamon_desktop." + n if n else "djamon_desktop" for n in names)
                continue
            names = [node.module or ""]
        else:
            continue
        out.update(names)
    return out


def layer_of(name: str) -> str:
    parts = name.split(".")
    return parts[1] if parts[0] == "djamon_desktop" and len(parts) > 1 else parts[0]


def sources(folder: str = "") -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


@pytest.mark.parametrize("layer", sorted(FORBIDDEN))
def test_each_layer_imports_only_what_is_below_it(layer):
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sources(layer)
        for name in sorted(imported(path))
        if layer_of(name) in FORBIDDEN[layer]
    ]
    assert wrong == []


#: outside gui/, only to say "install PySide6" before the tray app starts (no Qt is used there)
QT_PRESENCE_CHECK = {"cli/__init__.py"}


def test_qt_only_under_gui():
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sources()
        if path.relative_to(PACKAGE).parts[0] != "gui"
        and path.relative_to(PACKAGE).as_posix() not in QT_PRESENCE_CHECK
        for name in sorted(imported(path))
        if layer_of(name) == "PySide6"
    ]
    assert wrong == []


def test_the_cycle_strings_the_steps_and_only_it():
    """run_round, the outbox's delivery and the daily purge meet in cycle.py alone."""
    steps = {"deliver_pending", "record_round", "purge_if_due"}
    users = {
        path.relative_to(PACKAGE).as_posix()
        for path in sources()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Name | ast.Attribute)
        and (node.id if isinstance(node, ast.Name) else node.attr) in steps
    }
    assert users == {"cycle.py"}


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(PACKAGE)): n
        for path in sources()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert long == {}


def test_the_import_reader_sees_relative_and_lazy_imports():
    probe = PACKAGE / "core" / "rounds.py"
    names = imported(probe)
    assert "djamon_desktop.core.probe" in names and "asyncio" in names
    assert layer_of("djamon_desktop.store.rounds") == "store"
