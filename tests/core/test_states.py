"""The State enum is the contract's list of site states (plus the tray's grey), and a state
is its word wherever it goes: JSON, the database, a plain string read back."""

from __future__ import annotations

import json

from djamon_desktop.core.outages import state_of
from djamon_desktop.core.states import FAILING, SITE_STATES, State

#: the contract's ``state`` of a site (``check --json``, ``sites --json``), in its order
CONTRACT_STATES = ["up", "warning", "down", "unknown", "maintenance"]


def test_site_states_are_exactly_the_contracts():
    assert [s.value for s in SITE_STATES] == CONTRACT_STATES
    assert [s.value for s in State] == [*CONTRACT_STATES, "idle"]  # idle: the tray's alone
    assert {State.WARNING, State.DOWN} == FAILING


def test_a_state_is_its_word():
    assert json.dumps({"state": State.DOWN}) == '{"state": "down"}'
    assert f"{State.MAINTENANCE} (inactive)" == "maintenance (inactive)"
    assert State.WARNING.upper() == "WARNING"
    assert State("unknown") is State.UNKNOWN and State.UP == "up"
    assert {"down": 0}[State.DOWN] == 0  # a table keyed by the words finds a member


def test_state_of_names_each_state():
    assert state_of(0, False, 3) is State.UNKNOWN
    assert state_of(0, True, 3) is State.UP
    assert state_of(0, True, 3, failing=True) is State.WARNING
    assert state_of(2, True, 3) is State.WARNING
    assert state_of(3, True, 3) is State.DOWN
