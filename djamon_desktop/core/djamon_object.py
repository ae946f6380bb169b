"""One object of a Djamon fixture as it is read (:class:`FixtureObject`): its fields read by
role, under the names chosen for its model, and its problems recorded under ``model pk=...``.
Below both the readers (:mod:`.djamon`) and the choice of fields (:mod:`.djamon_columns`),
which each need it. Pure: no database.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .djamon_roles import Role, parse_time

AMBIGUOUS = object()  # a role two or more fields fit: said once, read from none


class FixtureObject:
    """One fixture object being read: records problems under ``model pk=...``."""

    def __init__(self, index: int, raw: dict, problems: list[str]):
        self.index = index
        self.model = raw["model"]
        self.pk = raw.get("pk")
        self.fields = raw.get("fields") if isinstance(raw.get("fields"), dict) else {}
        self.problems = problems
        self.ok = True
        # role label -> the names to read it from, in order (see choose_fields)
        self.chosen: dict[str, Any] = {}

    @property
    def where(self) -> str:
        return f"[{self.index}] {self.model} pk={self.pk}"

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{self.where}: {name + ': ' if name else ''}{message}")
        self.ok = False

    def read(self, role: Role) -> tuple[str, Any]:
        """The field's name and value: the first known name this object has, else the field
        chosen for the role; ``(name, None)`` when there is neither, ``("", None)`` when the
        role is ambiguous."""
        names = self.chosen.get(role.label, role.known)
        if names is AMBIGUOUS:
            self.ok = False  # said once for the model
            return "", None
        for name in names:
            if name in self.fields:
                value = self.fields[name]
                return name, value if name in role.known else role.adapt(name, value)
        return (names[0] if names and names[0] not in role.known else role.known[0]), None

    def missing(self, name: str, role: Role) -> None:
        if not name:
            self.ok = False  # ambiguous, said once for the model
        elif name in self.fields or name not in role.known or len(self.fields) <= 1:
            self.problem(f"fields.{name}", "is missing")
        else:
            self.problem(f"fields.{name}", f"is missing, and no other field fits ({role.hint})")

    def text(self, role: Role, check=None, default: str | None = None) -> str:
        name, value = self.read(role)
        if value is None and name not in self.fields:
            value = default
        if value is None:
            self.missing(name, role)
            return ""
        if not isinstance(value, str):
            self.problem(f"fields.{name}", "must be a string")
            return ""
        problem = check(value) if check else None
        if problem:
            self.problem(f"fields.{name}", problem)
        return value

    def time(self, role: Role, required: bool = True) -> datetime | None:
        name, value = self.read(role)
        if value is None:
            if required:
                self.missing(name, role)
            return None
        try:
            return parse_time(value)
        except ValueError as exc:
            self.problem(f"fields.{name}", str(exc))
            return None

    def flag(self, role: Role, default: bool) -> bool:
        name, value = self.read(role)
        if value is None and name not in self.fields:
            return default
        if not isinstance(value, bool):
            self.problem(f"fields.{name}", "must be true or false")
            return default
        return value

    def number(self, role: Role, default: float | None = None):
        name, value = self.read(role)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problem(f"fields.{name}", f"{value!r} is not a number")
            return default
        return value

    def reference(self, role: Role) -> Any:
        name, value = self.read(role)
        if value is None:
            self.missing(name, role)
        return value
