"""The store on its own, called directly: on a real SQLite file in a temporary folder, and on
a real PostgreSQL database of the test's own (the ``engine`` fixture runs each test on both)."""

from __future__ import annotations

import pytest

from djamon_desktop.store.database import close_database, open_database


@pytest.fixture
def store(database_target, data_dir):
    """The open database: a SQLite file's path, or a team database's URL."""
    data_dir.mkdir(parents=True, exist_ok=True)  # the app makes the data folder before this
    open_database(database_target)
    yield database_target
    close_database()
