"""Trying a team database without using it (the Team tab's Test connection), on the suite's
PostgreSQL: what answered and the schema's state, or the reason in one line with the URL's
password as ***; the shared database connection is left alone."""

from __future__ import annotations

import pytest

from djamon_desktop.errors import UserError
from djamon_desktop.store import migrations
from djamon_desktop.store.database import close_database, open_database
from djamon_desktop.store.engine import DatabaseUnreachable
from djamon_desktop.store.models import db
from djamon_desktop.store.reach import database_in_use, try_team

from ..postgres import PASSWORD


def no_password() -> None:
    return None


def test_an_empty_database_then_one_at_the_latest_schema(team_url, data_dir):
    found = try_team(team_url, no_password)
    assert found.startswith("Reached PostgreSQL ") and " as djamon; " in found
    assert found.endswith("no djamon-desktop tables yet: they are made on first use.")
    assert db.obj is None or not db.obj.database.startswith("postgresql")  # not switched to it
    open_database(team_url)
    assert database_in_use() == team_url.replace(f":{PASSWORD}", "")
    close_database()
    assert try_team(team_url, no_password).endswith(f"schema {migrations.LATEST}, up to date.")


def test_the_password_is_asked_for_only_when_libpq_has_none(team_url):
    asked = []

    def password():
        asked.append(True)
        return PASSWORD

    assert try_team(team_url, password).startswith("Reached")
    assert not asked
    assert try_team(team_url.replace(f":{PASSWORD}", ""), password).startswith("Reached")
    assert asked == [True]


def test_a_wrong_password_is_the_reason_with_the_url_s_password_as_stars(team_url):
    wrong = team_url.replace(PASSWORD, "Wr0ng-pw")
    with pytest.raises(DatabaseUnreachable) as refused:
        try_team(wrong, no_password)
    message = refused.value.message
    assert "djamon:***@127.0.0.1" in message and "Wr0ng-pw" not in message
    assert "password authentication failed" in message and "\n" not in message
    with pytest.raises(UserError, match="use postgresql://USER@HOST:PORT/DBNAME") as bad:
        try_team("mysql://anna:S3cret@db/x", no_password)
    assert "S3cret" not in bad.value.message and "anna:***@" in bad.value.message
