"""The choice the Team tab saves in the data folder (team.json): the database and the vantage
name used when neither the option nor the environment variable names one; its password from
the keyring; a team.json that can't be read is one line naming it (exit 2); it is kept 0600."""

from __future__ import annotations

import json
import stat

from djamon_desktop import team
from djamon_desktop.paths import ensure_data_dir

from ..conftest import document, group, site
from ..postgres import PASSWORD

REFUSED = "postgresql://djamon@127.0.0.1:1/nowhere"  # nothing listens on port 1


def without_password(url: str) -> str:
    return url.replace(f":{PASSWORD}", "")


def choose(data_dir, database: str = "", vantage: str = "") -> None:
    ensure_data_dir(data_dir)
    team.save_choice(data_dir, team.TeamChoice(database, vantage))


def test_the_saved_choice_picks_the_team_database_and_the_vantage(
    run, data_dir, team_url, keyring, tmp_path, server
):
    keyring("database_password", PASSWORD)
    choose(data_dir, without_password(team_url), "lab-1")
    path = tmp_path / "sites.json"
    path.write_text(json.dumps(document(group("Team", site("Shop", server.url("/"))))))
    assert run("import", str(path)).code == 0
    checked = run("check", "--json")
    assert checked.code == 0, checked.err
    assert checked.json()["vantage"] == "lab-1"
    # it went to the team database, not to the data folder's file
    listed = run("--database", team_url, "sites", "--json").json()
    assert [s["title"] for s in listed] == ["Shop"]
    assert list(listed[0]["vantages"]) == ["lab-1"]
    assert not (data_dir / "djamon.sqlite3").exists()


def test_the_option_and_the_environment_win_over_the_saved_choice(
    run, data_dir, team_url, monkeypatch
):
    choose(data_dir, REFUSED, "saved-name")
    refused = run("sites")
    assert refused.code == 4 and "127.0.0.1:1/nowhere can't be reached" in refused.err
    monkeypatch.setenv("DJAMON_DATABASE_URL", team_url)
    monkeypatch.setenv("DJAMON_VANTAGE", "from-env")
    assert run("sites").code == 0
    assert run("check", "--json").json()["vantage"] == "from-env"
    assert run("--vantage", "from-option", "check", "--json").json()["vantage"] == "from-option"
    monkeypatch.setenv("DJAMON_DATABASE_URL", REFUSED)
    assert run("--database", team_url, "sites").code == 0


def test_an_empty_choice_is_the_data_folders_own_database(run, data_dir):
    choose(data_dir, "", "only-a-name")
    assert run("check", "--json").json()["vantage"] == "only-a-name"
    assert (data_dir / "djamon.sqlite3").exists()
    choose(data_dir, "", "")
    assert not team.choice_path(data_dir).exists()


def test_a_team_json_that_cant_be_read_is_one_line_naming_it(run, data_dir):
    ensure_data_dir(data_dir)
    path = team.choice_path(data_dir)
    for text, reason in [
        ("{not json", "not JSON"),
        ('{"database": 5}', 'expected {"database": URL, "vantage": NAME}'),
        ('{"database": "mysql://db/x"}', "is not a postgresql:// URL"),
        ('{"vantage": "' + "x" * 41 + '"}', "use 1 to 40 characters on one line"),
    ]:
        path.write_text(text)
        result = run("sites")
        assert result.code == 2, result.err
        assert result.err.startswith(f"djamon-desktop: {path}") and reason in result.err
        assert result.err.count("\n") == 1


def test_team_json_is_private_and_never_holds_the_password(run, data_dir, team_url):
    choose(data_dir, team_url, "lab-1")
    path = team.choice_path(data_dir)
    assert PASSWORD not in path.read_text()
    assert json.loads(path.read_text())["database"] == without_password(team_url)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)  # as a loose umask or an older copy might leave it
    run("--database", team_url, "sites")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_password_anywhere_in_the_url_is_taken_out():
    assert team.without_password("postgresql://anna:p%40ss@db.example.com:5433/team") == (
        "postgresql://anna@db.example.com:5433/team",
        "p@ss",
    )
    assert team.without_password(
        "postgresql://anna@db.example.com/team?sslmode=require&password=s3cret&connect_timeout=5"
    ) == ("postgresql://anna@db.example.com/team?sslmode=require&connect_timeout=5", "s3cret")
    assert team.without_password("postgresql://db.example.com/team") == (
        "postgresql://db.example.com/team",
        None,
    )
