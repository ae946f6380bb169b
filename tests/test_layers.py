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
#: on a thread of its own; the URL rules are read there too), the report's thread (Report…)
WORKER_SIDE = {
    "gui/poller.py",
    "gui/round_worker.py",
    "gui/reader.py",
    "gui/jobs.py",
    "gui/watch.py",
    "gui/transfer.py",
    "gui/report_worker.py",
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


def module_name(path: Path) -> str:
    """``path``'s module as ``imported`` names ours: ``djamon_desktop.store.rounds``, a
    package by its folder (``djamon_desktop.gui``)."""
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def import_graph() -> dict[str, set[str]]:
    """Which of our modules each of our modules imports: every import, those under ``if
    TYPE_CHECKING:`` and those inside functions included (a circle one of them closes is a
    circle a reader still has to follow). ``from .pkg import name`` counts as importing
    ``pkg.name`` when that is a module, else ``pkg`` itself."""
    modules = {module_name(path): path for path in sources()}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = {n for n in imported(path, tree) if n in modules}
        for node in ast.walk(tree):  # ``from . import x``: ``imported`` already names x
            if isinstance(node, ast.ImportFrom) and node.level and node.module:
                base = module_name(path).split(".")
                if path.name != "__init__.py":
                    base = base[:-1]
                package = ".".join([*base[: len(base) - node.level + 1], node.module])
                subs = {f"{package}.{alias.name}" for alias in node.names}
                if subs & modules.keys():
                    found.discard(package)
                    found |= subs & modules.keys()
        graph[name] = found - {name}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import circle of ``graph``, as the modules in order with the first again at the end;
    None when there is none (a depth-first walk: a module met again while still on the path
    closes a circle)."""
    done: set[str] = set()
    path: list[str] = []
    on_path: set[str] = set()

    def walk(module: str) -> list[str] | None:
        path.append(module)
        on_path.add(module)
        for target in sorted(graph.get(module, ())):
            if target in on_path:
                return [*path[path.index(target) :], target]
            if target not in done and (cycle := walk(target)):
                return cycle
        path.pop()
        on_path.discard(module)
        done.add(module)
        return None

    for module in sorted(graph):
        if module not in done and (cycle := walk(module)):
            return cycle
    return None


def test_no_import_circle_among_the_modules():
    """No module imports, however late or for annotations only, one that imports it back: each
    can be read (and changed) knowing only what is below it."""
    cycle = find_cycle(import_graph())
    assert cycle is None, "import circle: " + " -> ".join(cycle or ())


def test_the_circle_finder_sees_late_and_type_only_imports(tmp_path):
    """The finder is shown circles closed only by a function-level import or a TYPE_CHECKING
    one, and the import graph reads both kinds from source as it reads the package's."""
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"a2"}, "a2": set(), "b": {"b"}}) == ["b", "b"]
    late = ast.parse("def f():\n    from .djamon import Readers\n")
    typed = ast.parse(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .app import App\n"
    )
    assert "djamon_desktop.core.djamon" in imported(PACKAGE / "core" / "djamon_object.py", late)
    assert "djamon_desktop.gui.app" in imported(PACKAGE / "gui" / "registry.py", typed)
    graph = import_graph()
    assert "djamon_desktop.store.round_rules" in graph["djamon_desktop.store.team_rounds"]
    assert "djamon_desktop.store.connection" in graph["djamon_desktop.store.team_database"]
