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


def imported(path: Path, tree: ast.AST | None = None) -> set[str]:
    """Every module ``path`` imports (``tree``: its source as parsed, when given): ours as
    ``store.rounds`` etc., others by top-level name."""
    module = path.relative_to(PACKAGE).with_suffix("").parts
    out = set()
    if tree is None:
        tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
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


#: gui modules whose work runs off the UI thread and so may use the store: the rounds' worker,
#: the reads thread and the changes it runs, the change listener, the import/export thread, the
#: crash hook (which tells a lost connection from a bug), the Team tab (its connection test runs
#: on a thread of its own; the URL rules are read there too)
WORKER_SIDE = {
    "gui/poller.py",
    "gui/reader.py",
    "gui/jobs.py",
    "gui/watch.py",
    "gui/transfer.py",
    "gui/process.py",
    "gui/windows/team_tab.py",
}


def runtime_imports(path: Path, source: str | None = None) -> set[str]:
    """What ``path`` imports when it runs: ``imported`` less what stands under
    ``if TYPE_CHECKING:`` (names for annotations only)."""
    tree = ast.parse(path.read_text(encoding="utf-8") if source is None else source)
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            node.body = [ast.Pass()]
    return imported(path, tree)


def test_the_ui_thread_modules_never_import_the_store():
    """Windows, the tray, the App and what they call display what a worker read (a picture) and
    hand changes to the reads thread: none of them imports the store or the cycle, so none can
    talk to the database on the UI thread."""
    wrong = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in sources("gui")
        if path.relative_to(PACKAGE).as_posix() not in WORKER_SIDE
        for name in sorted(runtime_imports(path))
        if layer_of(name) in {"store", "cycle"}
    ]
    assert wrong == []


def test_the_ui_rule_sees_lazy_imports_and_ignores_type_only_ones():
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ..store.queries import OutageInfo\n"
        "def f():\n    from ..store.editing import save_site\n"
    )
    names = runtime_imports(PACKAGE / "gui" / "app.py", source)
    assert "djamon_desktop.store.editing" in names
    assert "djamon_desktop.store.queries" not in names
