"""The names of the states a site and the tray are in, in one place. Pure; imports nothing of ours.

A ``StrEnum``: each state *is* its word, so JSON and the database hold ``"down"`` as before,
and a state read back as a plain string still compares equal to its member. A name spelt wrong
is an AttributeError where it is written, not a state no branch ever matches."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    UP = "up"  # the last check was good
    WARNING = "warning"  # 1 to strikes-1 failures in a row
    DOWN = "down"  # strikes or more failures in a row
    UNKNOWN = "unknown"  # never checked
    MAINTENANCE = "maintenance"  # in a maintenance window or paused: not checked, never blamed
    #: the tray's grey alone: connectivity lost, paused, nothing to watch or no round yet
    IDLE = "idle"


#: the states a site can be in (``check``, ``sites``, the windows); IDLE is the tray's alone
SITE_STATES: tuple[State, ...] = (
    State.UP,
    State.WARNING,
    State.DOWN,
    State.UNKNOWN,
    State.MAINTENANCE,
)

#: the states of a site that is being checked and failing
FAILING: frozenset[State] = frozenset({State.WARNING, State.DOWN})
