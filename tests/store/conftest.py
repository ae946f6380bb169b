"""The store on its own: a real SQLite file in a temporary folder, called directly."""

from __future__ import annotations

import pytest

from djamon_desktop.store.database import close_database, open_database


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "djamon.sqlite3"
    open_database(path)
    yield path
    close_database()
