"""`copy-database URL`: a data folder's whole history into a new team database (a real
PostgreSQL started by the suite), in one transaction; a used target is refused as it was."""

from __future__ import annotations

import sqlite3

import pytest

from djamon_desktop.paths import database_path

from ..conftest import payments
from ..postgres import PASSWORD
from ..servers import closed_port

#: tables the history below fills (the counts below take every table but schema_version)
FILLED = ("setting", "site_group", "site", "check", "check_hour", "outage", "outage_site", "alert")


@pytest.fixture
def history(server, load, run, name, data_dir):
    """A data folder with real history: rounds against the HTTP test server, an outage opened
    and closed with its alerts queued (e-mail to a closed port: queued, tried, not delivered),
    a paused site, and a second outage still open."""
    mail = {"enabled": True, "host": "127.0.0.1", "port": closed_port(), "to": ["ops@example.com"]}
    server.switch[name] = 500
    load(payments(server, name, email=mail))
    for _ in range(4):
        assert run("check").code == 1
    server.switch[name] = 200
    assert run("check").code == 0
    assert run("pause", "Production/Blog").code == 0
    server.switch[name] = 503
    for _ in range(3):
        assert run("check").code == 1
    assert len(run("outages", "--json").json()) == 2
    with sqlite3.connect(database_path(data_dir)) as con:  # notes as typed in the outage window
        con.execute("UPDATE outage SET extra_information = ?", ("Tab\there,\r\nC:\\new\\ \\N.",))


def views(run, *database: str) -> dict[str, str]:
    """What the command line shows of a database: the export, sites, outages, each outage."""
    shown = {what: run(*database, what, "--json").out for what in ("sites", "outages")}
    shown["export"] = run(*database, "export").out
    for outage in run(*database, "outages", "--json").json():
        shown[f"outage {outage['id']}"] = run(*database, "outage", str(outage["id"]), "--json").out
    return shown


def pg_counts(pg_server, url: str) -> dict[str, int]:
    """Rows in each table of a team database."""
    dbname = url.rsplit("/", 1)[1]
    tables = pg_server.sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
        "AND tablename <> 'schema_version'",
        dbname,
    ).split()
    return {t: int(pg_server.sql(f'SELECT count(*) FROM "{t}"', dbname)) for t in tables}


def sqlite_counts(data_dir) -> dict[str, int]:
    """Rows in each table of the data folder's database."""
    with sqlite3.connect(database_path(data_dir)) as con:
        tables = [
            t
            for (t,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            if t != "schema_version" and not t.startswith("sqlite_")
        ]
        counts = {t: con.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    assert all(counts[t] for t in FILLED), counts
    return counts


def empty(counts: dict[str, int]) -> bool:
    return set(FILLED) <= set(counts) and not any(counts.values())


def test_copy_keeps_everything_and_the_copy_works_on(
    history, run, data_dir, team_url, pg_server, server, name
):
    before = views(run)
    result = run("copy-database", team_url)
    assert result.code == 0, result.err
    assert PASSWORD not in result.out + result.err
    counts = sqlite_counts(data_dir)
    summary = result.out.strip().splitlines()[-1]
    assert summary.startswith(
        f"Copied {counts['setting']} settings, 1 group, 2 sites, {counts['check']} checks, "
        f"2 outages, {counts['alert']} alerts to postgresql://djamon:***@127.0.0.1:"
    )
    assert f"  check: {counts['check']} rows" in result.out.splitlines()
    assert pg_counts(pg_server, team_url) == counts
    assert views(run, "--database", team_url) == before

    # The copy goes on where the data folder stopped: the open outage closes, and a new one
    # gets a new id (each id sequence was set past the copied ids).
    server.switch[name] = 200
    closed = run("--database", team_url, "check", "--json")
    assert closed.code == 0, closed.err
    assert closed.json()["outages_closed"] == [2]
    server.switch[name] = 500
    opened = [run("--database", team_url, "check", "--json").json() for _ in range(3)]
    assert opened[-1]["outages_opened"] == [3]
    alerts = pg_counts(pg_server, team_url)["alert"]
    assert alerts == counts["alert"] + 2  # closed, then opened: one e-mail each
    assert sqlite_counts(data_dir) == counts  # the source is as it was


def test_a_target_that_holds_data_is_refused_and_left_as_it_was(history, run, team_url, pg_server):
    assert run("copy-database", team_url).code == 0
    copied = pg_counts(pg_server, team_url)
    shown = views(run, "--database", team_url)
    again = run("copy-database", team_url)
    assert again.code == 2
    assert again.err.strip().count("\n") == 0
    assert "already holds data" in again.err and "***" in again.err
    assert PASSWORD not in again.err
    assert pg_counts(pg_server, team_url) == copied
    assert views(run, "--database", team_url) == shown


def test_one_row_anywhere_is_data(history, run, pg_server):
    url = pg_server.fresh_database()
    try:
        assert run("--database", url, "sites").code == 0  # the schema, no rows
        dbname = url.rsplit("/", 1)[1]
        pg_server.sql("INSERT INTO meta (key, value) VALUES ('note', 'mine')", dbname)
        refused = run("copy-database", url)
        assert refused.code == 2 and "(in meta)" in refused.err
        counts = pg_counts(pg_server, url)
        assert counts.pop("meta") == 1 and empty(counts)
        assert pg_server.sql("SELECT value FROM meta", dbname) == "mine"
    finally:
        pg_server.drop_database(url)


def test_a_row_the_target_refuses_mid_copy_leaves_it_empty(
    history, run, data_dir, team_url, pg_server
):
    # SQLite does not hold a VARCHAR(255) to its length; PostgreSQL does. The site tables are
    # copied before the checks, so the copy fails part of the way through.
    with sqlite3.connect(database_path(data_dir)) as con:
        last = 'time = (SELECT max(time) FROM "check")'
        con.execute(f'UPDATE "check" SET error = ? WHERE {last}', ("x" * 300,))
    failed = run("copy-database", team_url)
    assert failed.code == 2
    assert "  site: 2 rows" in failed.out.splitlines()
    [line] = failed.err.strip().splitlines()
    assert "table check" in line and "value too long" in line
    assert "nothing was copied to postgresql://djamon:***@" in line
    assert empty(pg_counts(pg_server, team_url))

    with sqlite3.connect(database_path(data_dir)) as con:  # mended, the copy goes through
        con.execute("UPDATE \"check\" SET error = 'timeout' WHERE length(error) > 255")
    assert run("copy-database", team_url).code == 0
    assert pg_counts(pg_server, team_url) == sqlite_counts(data_dir)


def test_from_one_team_database_to_another(history, run, team_url, pg_server):
    assert run("copy-database", team_url).code == 0
    itself = run("--database", team_url, "copy-database", team_url)
    assert itself.code == 2 and "is the database in use" in itself.err
    other = pg_server.fresh_database()
    try:
        again = run("--database", team_url, "copy-database", other)
        assert again.code == 0, again.err
        assert pg_counts(pg_server, other) == pg_counts(pg_server, team_url)
        assert views(run, "--database", other) == views(run, "--database", team_url)
    finally:
        pg_server.drop_database(other)


@pytest.mark.parametrize(
    "url, says",
    [
        ("mysql://me:pw-77@127.0.0.1/db", "use postgresql://"),
        ("postgresql://me:pw-77@127.0.0.1:5432", "name the database"),
        ("postgresql://me:pw-77@127.0.0.1:99999/db", "Port out of range"),
    ],
)
def test_a_bad_url_exits_2(run, url, says):
    result = run("copy-database", url)
    assert result.code == 2
    assert says in result.err and "pw-77" not in result.err
    assert result.err.strip().count("\n") == 0


def test_a_target_that_cannot_be_reached_exits_4(run, pg_server):
    nobody = run("copy-database", f"postgresql://me:pw-77@127.0.0.1:{closed_port()}/db")
    assert nobody.code == 4
    assert "can't be reached" in nobody.err and "pw-77" not in nobody.err
    wrong = pg_server.url("postgres").replace(PASSWORD, "wrong-pw-77")
    login = run("copy-database", wrong)
    assert login.code == 4
    assert "password authentication failed" in login.err and "wrong-pw-77" not in login.err
