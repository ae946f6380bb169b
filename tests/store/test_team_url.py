"""The team URL in one place (store.team_url): what messages show of it (every password as
***), what team.json keeps of it (no password), and the names the rest of the program uses."""

from __future__ import annotations

import pytest

from djamon_desktop import team
from djamon_desktop.errors import UserError
from djamon_desktop.store import engine, team_url
from djamon_desktop.store.team_url import check_url, shown, without_password


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://anna:S3cret@db:5432/team", "postgresql://anna:***@db:5432/team"),
        ("postgresql://anna@db/team?password=S3cret", "postgresql://anna@db/team?password=***"),
        (
            "postgresql://anna@db/team?sslmode=verify-full&sslpassword=S3cret&application_name=x",
            "postgresql://anna@db/team?sslmode=verify-full&sslpassword=***&application_name=x",
        ),
        ("postgresql://db/team?pass%77ord=S3cret", "postgresql://db/team?pass%77ord=***"),
        ("postgresql://db/team?PASSWORD=S3cret", "postgresql://db/team?PASSWORD=***"),
        # libpq knows no #fragment: "#x" is part of the password
        ("postgresql://db/team?ssl%70assword=S3cret#x", "postgresql://db/team?ssl%70assword=***"),
        ("postgresql://a:S3cret@h1:1,h2:2/team", "postgresql://a:***@h1:1,h2:2/team"),
        ("mysql://anna:S3cret@db/x", "mysql://anna:***@db/x"),
        ("host=db password=S3cret dbname=x", "host=db password=*** dbname=x"),
        ("postgresql://anna@db/team", "postgresql://anna@db/team"),
    ],
)
def test_every_password_in_a_url_is_shown_as_stars(url, expected):
    assert shown(url) == expected
    assert "S3cret" not in shown(url)


def test_without_password_takes_it_out_however_it_is_written():
    assert without_password("postgresql://anna:p%40ss@db:5433/team") == (
        "postgresql://anna@db:5433/team",
        "p@ss",
    )
    assert without_password("postgresql://db/team?sslmode=require&pass%77ord=x%26y") == (
        "postgresql://db/team?sslmode=require",
        "x&y",
    )
    assert without_password("postgresql://db/team") == ("postgresql://db/team", None)


def test_a_url_that_is_not_a_team_url_is_refused_with_its_password_hidden():
    with pytest.raises(UserError) as caught:
        check_url("mysql://anna:S3cret@db/x")
    assert "S3cret" not in caught.value.message and "anna:***@" in caught.value.message
    with pytest.raises(UserError) as caught:
        check_url("postgresql://anna@db/?sslpassword=S3cret")
    assert "name the database" in caught.value.message and "S3cret" not in caught.value.message
    assert check_url("postgres://anna@db/team") == "postgresql://anna@db/team"


def test_one_module_names_them_all():
    assert team.ENV_DATABASE == "DJAMON_DATABASE_URL"
    assert team.SCHEMES is engine.SCHEMES is team_url.SCHEMES
    assert team.without_password is team_url.without_password
    assert engine.shown is team_url.shown and engine.check_url is team_url.check_url
