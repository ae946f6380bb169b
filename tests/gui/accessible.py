"""Reading a window as a screen reader does, through Qt's own accessibility interfaces (what its
AT-SPI bridge hands to Orca): every control a person can focus or use, with its role, name and the
labels it is labelled by. The Xvfb test (tests/e2e/test_accessible.py) reads the same through the
real AT-SPI bus; this one is the fast net that runs offscreen."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QWidget

Role = QAccessible.Role

#: the roles of controls a person focuses or uses: each needs a name
CONTROLS = {
    Role.Button: "push button",
    Role.CheckBox: "check box",
    Role.ComboBox: "combo box",
    Role.EditableText: "text",
    Role.SpinBox: "spin button",
    Role.Table: "table",
    Role.Tree: "tree",
    Role.List: "list",
    Role.MenuItem: "menu item",
    Role.PageTab: "page tab",
    Role.Slider: "slider",
    Role.RadioButton: "radio button",
    Role.ButtonMenu: "push button menu",
    Role.ButtonDropDown: "push button (drop down)",
}


@dataclass
class Control:
    role: str
    path: str
    name: str
    description: str
    labelled_by: list[str]
    showing: bool

    def __str__(self) -> str:
        return f"{self.role} at {self.path}"


def _labels(iface: QAccessibleInterface) -> list[str]:
    out = []
    for other, relation in iface.relations(QAccessible.RelationFlag.Label):
        if relation & QAccessible.RelationFlag.Label and other is not None:
            out.append(other.text(QAccessible.Text.Name))
    return [text for text in out if text.strip()]


def controls(window: QWidget) -> list[Control]:
    """Every control of ``window`` (and of its menus), depth first, in the tree's order."""
    found: list[Control] = []
    root = QAccessible.queryAccessibleInterface(window)
    assert root is not None and root.isValid(), "no accessible interface for the window"

    def walk(iface: QAccessibleInterface, path: str, depth: int) -> None:
        if depth > 40:
            return
        role = iface.role()
        state = iface.state()
        name = iface.text(QAccessible.Text.Name) or ""
        if role in CONTROLS:
            found.append(
                Control(
                    CONTROLS[role],
                    path,
                    name,
                    iface.text(QAccessible.Text.Description) or "",
                    _labels(iface),
                    not state.invisible,
                )
            )
        if role in (Role.Table, Role.Tree, Role.List):
            return  # its cells are data, named by the data (and there may be thousands)
        for i in range(iface.childCount()):
            child = iface.child(i)
            if child is None or not child.isValid():
                continue
            label = child.text(QAccessible.Text.Name) or ""
            step = f"{CONTROLS.get(child.role(), child.role().name)}[{i}]"
            walk(child, f"{path}/{step}" + (f"({label[:30]!r})" if label else ""), depth + 1)

    walk(root, window.windowTitle() or type(window).__name__, 0)
    return found


def nameless(found: list[Control], hidden_too: bool = True) -> list[Control]:
    """The controls a screen reader could only call by their role: shown ones, and with
    ``hidden_too`` those shown later (a combo box's list, a field that opens with a box)."""
    return [
        c for c in found if (c.showing or hidden_too) and not c.name.strip() and not c.labelled_by
    ]
