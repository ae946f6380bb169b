"""Walk a program's windows over the real AT-SPI bus, as a screen reader (Orca) reads them.

Run with Debian's /usr/bin/python3 (pyatspi is not in the venv) in the test desktop's
environment: ``atspi_walk.py PID [TITLE_PREFIX]`` prints, as JSON, every window of the program
with process ``PID`` (or only those whose title starts with ``TITLE_PREFIX``) and in each the
controls a person focuses or uses: role, path, name, the names of what labels it and whether it
is showing. Also ``focused``: the path of the control holding the keyboard focus, if any."""

from __future__ import annotations

import json
import sys

import pyatspi

#: AT-SPI roles of controls a person focuses or uses: each needs a name
CONTROLS = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_TEXT,
    pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_TABLE,
    pyatspi.ROLE_TREE,
    pyatspi.ROLE_TREE_TABLE,
    pyatspi.ROLE_LIST,
    pyatspi.ROLE_LIST_BOX,
    pyatspi.ROLE_MENU_ITEM,
    pyatspi.ROLE_MENU,
    pyatspi.ROLE_PAGE_TAB,
    pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_MENU_ITEM,
    pyatspi.ROLE_RADIO_MENU_ITEM,
}
#: a table's, tree's or list's cells are data named by the data (thousands of them): not walked
VIEWS = {
    pyatspi.ROLE_TABLE,
    pyatspi.ROLE_TREE,
    pyatspi.ROLE_TREE_TABLE,
    pyatspi.ROLE_LIST,
    pyatspi.ROLE_LIST_BOX,
}


def titled(name: str, prefix: str) -> bool:
    """Whether a window's title starts with ``prefix``, or does once the state words that
    begin the dashboard's title (``1 down — ``) are left out."""
    return name.startswith(prefix) or name.partition(" — ")[2].startswith(prefix)


def labels(node) -> list[str]:
    out = []
    for relation in node.getRelationSet():
        if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY:
            for i in range(relation.getNTargets()):
                target = relation.getTarget(i)
                if target is not None and (target.name or "").strip():
                    out.append(target.name)
    return out


def walk(node, path: str, found: list, focused: list, depth: int = 0) -> None:
    if depth > 40:
        return
    role = node.getRole()
    states = node.getState()
    if states.contains(pyatspi.STATE_FOCUSED):
        focused.append(path)
    if role in CONTROLS:
        found.append(
            {
                "role": node.getRoleName(),
                "path": path,
                "name": node.name or "",
                "description": node.description or "",
                "labelled_by": labels(node),
                "showing": states.contains(pyatspi.STATE_SHOWING),
                "focusable": states.contains(pyatspi.STATE_FOCUSABLE),
            }
        )
    if role in VIEWS:
        return
    for i in range(node.childCount):
        child = node.getChildAtIndex(i)
        if child is None:
            continue
        name = f"({child.name[:30]!r})" if child.name else ""
        walk(child, f"{path}/{child.getRoleName()}[{i}]{name}", found, focused, depth + 1)


def main() -> int:
    pid = int(sys.argv[1])
    prefix = sys.argv[2] if len(sys.argv) > 2 else ""
    desktop = pyatspi.Registry.getDesktop(0)
    windows = []
    for a in range(desktop.childCount):
        app = desktop.getChildAtIndex(a)
        if app is None:
            continue
        try:
            if app.get_process_id() != pid:
                continue
        except Exception:  # an application gone meanwhile
            continue
        for w in range(app.childCount):
            window = app.getChildAtIndex(w)
            if window is None or not titled(window.name or "", prefix):
                continue
            found: list = []
            focused: list = []
            walk(window, window.name, found, focused)
            active = window.getState().contains(pyatspi.STATE_ACTIVE)
            windows.append(
                {"title": window.name, "controls": found, "focused": focused, "active": active}
            )
    json.dump(windows, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
