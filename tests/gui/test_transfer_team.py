"""The site window of a site a Djamon fixture brought in, on a team's PostgreSQL: its "Last
seen" is the fixture's, as ``sites --json`` gives it (a report had "never" there; SQLite's
run of the same test is in test_transfer.py)."""

from __future__ import annotations

import pytest

from .test_transfer import test_an_imported_sites_window_shows_the_last_seen_of_sites_json

__all__ = ["test_an_imported_sites_window_shows_the_last_seen_of_sites_json"]


@pytest.fixture
def db(team_db):
    """Every App here is on the test's own team database."""
    return team_db
