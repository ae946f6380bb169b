"""The keyring's ``database_password`` goes only to the team database it was set for (host,
port, user and database of the URL): another database that asks for a password is not given it
(exit 4 naming the reason), on a real PostgreSQL where the same password would log in."""

from __future__ import annotations

from djamon_desktop import paths, secrets
from djamon_desktop.password_binding import DATABASE_ELSEWHERE

from ..postgres import PASSWORD, USER


def no_password(url: str) -> str:
    return url.replace(f":{PASSWORD}@", "@")


def set_database_password(run_process, url: str | None) -> str:
    env = {"DJAMON_DATABASE_URL": url} if url else {}
    result = run_process("secret", "set", "database_password", stdin=f"{PASSWORD}\n", env=env)
    assert result.code == 0, result.err  # the database it is for is not opened first
    return result.out.strip()


def refused_for_another_server(result, url: str) -> None:
    assert result.code == 4, (result.code, result.err)
    assert result.err.strip() == (
        f"djamon-desktop: database {url} can't be reached: it asks for a password, and the "
        f"keyring's is not sent: {DATABASE_ELSEWHERE}"
    )


def test_the_password_goes_only_to_the_database_it_was_set_for(
    pg_server, team_url, keyring, run, run_process
):
    first = no_password(team_url)
    other = no_password(pg_server.fresh_database())
    try:
        said = set_database_password(run_process, first)
        port, dbname = first.rsplit(":", 1)[1].split("/")
        assert said == (
            f"database_password: stored in the keyring, for {USER}@127.0.0.1:{port}/{dbname} only"
        )
        assert run("--database", first, "sites").code == 0
        # the same server, user and password, another database: it would log in, but is not sent
        refused_for_another_server(run("--database", other, "sites"), other)
        refused_for_another_server(run("--database", other, "check"), other)
        # a URL spelling another host for the same server is another server too
        same_elsewhere = first.replace("127.0.0.1", "localhost")
        refused_for_another_server(run("--database", same_elsewhere, "sites"), same_elsewhere)

        set_database_password(run_process, other)  # set again, for the other one
        assert run("--database", other, "sites").code == 0
        refused_for_another_server(run("--database", first, "sites"), first)
    finally:
        pg_server.drop_database(other)


def test_set_with_no_team_database_chosen_binds_at_first_use(
    pg_server, team_url, keyring, run, run_process, data_dir
):
    said = set_database_password(run_process, None)
    assert said == (
        "database_password: stored in the keyring, for the first team database it is used with "
        "(no team database is chosen now)"
    )
    assert secrets.get_bound("database_password") == (PASSWORD, None)
    first = no_password(team_url)
    assert run("--database", first, "sites").code == 0
    log_text = "".join(p.read_text() for p in paths.log_dir(data_dir).glob("*.log*"))
    assert "database_password had no server recorded" in log_text
    other = no_password(pg_server.fresh_database())
    try:
        refused_for_another_server(run("--database", other, "sites"), other)
    finally:
        pg_server.drop_database(other)
