"""Where each field of a Djamon model is read from, decided from all of that model's objects
but gathered one object at a time (:class:`Columns`), so a fixture of millions of checks is
never held whole to decide it. Pure: no database.
"""

from __future__ import annotations

from typing import Any

from .djamon_object import AMBIGUOUS, FixtureObject
from .djamon_roles import ROLES


class Columns:
    """What :func:`choose_fields` needs of a model's objects, gathered as they come: each
    field's name (in the order first seen), whether every non-null value under it fits each
    role, and the first object of each mix of other-named fields holding a value (for the
    ambiguity message)."""

    def __init__(self, model: str) -> None:
        self.model = model
        self.roles = list(ROLES[model].values())
        self.reserved = {name for role in self.roles for name in role.known}
        # name -> role label -> every value so far fits (None: a known name, never fitted)
        self.fits: dict[str, dict[str, bool] | None] = {}
        self.valued: set[str] = set()  # names with a non-null value somewhere
        self.first_of: dict[frozenset[str], str] = {}  # a mix -> its first object's place

    def add(self, obj: FixtureObject) -> None:
        mix = []
        for name, value in obj.fields.items():
            fits = self.fits.get(name)
            if fits is None:
                if name in self.reserved or name in self.fits:
                    self.fits[name] = None  # a known name: read as it is
                    continue
                fits = self.fits[name] = {role.label: True for role in self.roles}
            if value is None:
                continue
            self.valued.add(name)
            mix.append(name)
            for role in self.roles:
                if fits[role.label] and not role.fits(name, value):
                    fits[role.label] = False
        if mix:
            self.first_of.setdefault(frozenset(mix), obj.where)


def choose_fields(columns: Columns, problems: list[str], readings: list[str]) -> dict[str, Any]:
    """Where each role of the model is read from: the known names its objects use, in order;
    failing those, the one other field whose every non-null value fits the role. Two or more
    that fit are a problem, said once, at the first object that holds two of them (else one).
    Each field read under another name, and each field not read at all, is said in
    ``readings``."""
    model = columns.model
    taken: set[str] = set()
    chosen: dict[str, Any] = {}
    for role in columns.roles:
        chosen[role.label] = tuple(name for name in role.known if name in columns.fits)
        if chosen[role.label]:
            continue
        fitting = [
            name
            for name, fits in columns.fits.items()
            if fits is not None
            and name not in taken
            and name in columns.valued
            and fits[role.label]
        ]
        if len(fitting) == 1:
            chosen[role.label] = (fitting[0],)
            taken.add(fitting[0])
            readings.append(
                f'{model}: {role.label} read from "{fitting[0]}"{role.note(fitting[0])}'
            )
        elif fitting:
            chosen[role.label] = AMBIGUOUS
            taken.update(fitting)
            problems.append(
                f"{_first_holding(columns, set(fitting))}: "
                f"{', '.join(f'fields.{name}' for name in fitting)}: each could be its "
                f'{role.label} ({role.hint}); rename the right one to "{role.known[0]}"'
            )
    for name, fits in columns.fits.items():
        if fits is not None and name not in taken:
            readings.append(f'{model}: "{name}" not read')
    return chosen


def _first_holding(columns: Columns, fitting: set[str]) -> str:
    """The first object holding values in two of the ``fitting`` fields, else in one."""

    def first(count: int) -> str | None:
        places = [w for mix, w in columns.first_of.items() if len(mix & fitting) >= count]
        return min(places, key=_index, default=None)

    return first(2) or first(1) or ""


def _index(where: str) -> int:
    """An object's place in the file, from its ``[12] model pk=...``."""
    return int(where[1 : where.index("]")])
