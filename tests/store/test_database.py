"""Opening, migrating and protecting the database. What every database does runs on both
engines (``target``); what is about the SQLite file itself (WAL, the backup copy before a
migration, upgrading data from before team databases existed) runs on SQLite (``path``)."""

from __future__ import annotations

import contextlib
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from peewee import IntegrityError

from djamon_desktop.errors import DataFolderError
from djamon_desktop.store import database, engine
from djamon_desktop.store.database import close_database, open_database, schema_version
from djamon_desktop.store.migrations import LATEST, EngineStep
from djamon_desktop.store.models import Check, Site, SiteGroup, UtcField, db


@pytest.fixture
def path(tmp_path):
    yield tmp_path / "djamon.sqlite3"
    close_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path):
    """Where a new, empty database is opened on each engine: a SQLite file, or a team's
    PostgreSQL database without any table yet (``team_url``)."""
    if request.param == "postgresql":
        yield request.getfixturevalue("team_url")
    else:
        yield tmp_path / "djamon.sqlite3"
    close_database()


@contextlib.contextmanager
def at_version(target, monkeypatch, version: int):
    """The database opened at an older schema (its first ``version`` steps), for plain SQL (the
    models describe the latest); closed at the end, the steps as they are again."""
    with monkeypatch.context() as patch:
        patch.setattr(database, "STEPS", database.STEPS[:version])
        patch.setattr(database, "LATEST", version)
        open_database(target)
        try:
            yield
        finally:
            close_database()


def test_a_new_database_gets_the_latest_schema(target):
    open_database(target)
    assert schema_version() == LATEST
    tables = set(db.get_tables())
    assert {"site_group", "site", "check", "outage", "outage_site", "setting", "alert"} <= tables


def test_a_new_file_gets_wal_and_foreign_keys(path):
    open_database(path)
    assert schema_version() == LATEST
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1


def test_models_match_the_migrated_tables(target):
    open_database(target)
    group = SiteGroup.create(title="G", position=1)
    site = Site.create(
        group=group,
        title="S",
        url="http://x/",
        down_message="m",
        priority=0,
        position=1,
        last_seen=datetime(2026, 1, 1, tzinfo=UTC),
    )
    assert Site.get_by_id(site.id).last_seen == datetime(2026, 1, 1, tzinfo=UTC)
    group.delete_instance()  # foreign keys cascade
    assert Site.select().count() == 0


def test_reopening_does_not_migrate_again(target, tmp_path):
    open_database(target)
    SiteGroup.create(title="kept", position=1)
    close_database()
    open_database(target)
    assert [g.title for g in SiteGroup.select()] == ["kept"]
    assert not list(tmp_path.glob("*.bak"))


def test_a_later_step_backs_up_first_and_runs_in_one_transaction(path, monkeypatch):
    open_database(path)
    SiteGroup.create(title="before", position=1)
    close_database()

    add_column = EngineStep(sqlite=["ALTER TABLE site_group ADD COLUMN colour TEXT"])
    monkeypatch.setattr(database, "STEPS", [*database.STEPS, (LATEST + 1, add_column)])
    monkeypatch.setattr(database, "LATEST", LATEST + 1)
    open_database(path)
    assert schema_version() == LATEST + 1
    backup = path.with_name(f"{path.name}.schema{LATEST}.bak")
    with sqlite3.connect(backup) as copy:
        assert copy.execute("SELECT title FROM site_group").fetchall() == [("before",)]
        assert copy.execute("SELECT version FROM schema_version").fetchone() == (LATEST,)
    copy.close()


def test_a_failing_step_leaves_the_old_schema(target, monkeypatch):
    open_database(target)
    close_database()

    statements = [
        "ALTER TABLE site_group ADD COLUMN colour TEXT",
        "INSERT INTO no_such_table VALUES (1)",  # fails half-way
    ]
    broken = EngineStep(sqlite=statements, postgres=statements)
    with monkeypatch.context() as patch:
        patch.setattr(database, "STEPS", [*database.STEPS, (LATEST + 1, broken)])
        patch.setattr(database, "LATEST", LATEST + 1)
        with pytest.raises(DataFolderError, match="can't be used"):
            open_database(target)
    open_database(target)
    assert schema_version() == LATEST
    assert "colour" not in [column.name for column in db.get_columns("site_group")]


def test_newer_schema_is_refused(target):
    open_database(target)
    db.execute_sql(f"UPDATE schema_version SET version = {engine.marks()}", (LATEST + 5,))
    close_database()
    with pytest.raises(DataFolderError, match="newer djamon-desktop"):
        open_database(target)


def test_utc_field_keeps_instants_and_refuses_naive_times():
    field = UtcField()
    when = datetime(2026, 3, 29, 1, 30, 15, 250000, tzinfo=timezone(timedelta(hours=2)))
    stored = field.db_value(when)
    assert isinstance(stored, int)
    assert field.python_value(stored) == when
    assert field.python_value(stored).tzinfo == UTC
    with pytest.raises(ValueError, match="naive"):
        field.db_value(datetime(2026, 1, 1))


def test_a_first_release_database_is_upgraded_in_place(path, monkeypatch):
    # SQLite only: a first-release database is a file (team databases begin at schema 5)
    check_id = uuid.uuid4()
    with at_version(path, monkeypatch, 1):
        # plain SQL: the models describe the latest schema, not the first one
        db.execute_sql("INSERT INTO site_group (id, title, position) VALUES (1, 'from 0.1', 1)")
        db.execute_sql(
            "INSERT INTO site (group_id, title, url, down_message, priority, position) "
            "VALUES (1, 'S', 'http://x/', 'm', 0, 1)"
        )
        db.execute_sql(
            'INSERT INTO "check" (id, site_id, time, status_code, error, elapsed_ms) '
            "VALUES (?, 1, ?, 200, NULL, 12.5)",
            (check_id.bytes, 1_780_000_000_000),
        )
    open_database(path)
    assert schema_version() == LATEST
    assert [g.title for g in SiteGroup.select()] == ["from 0.1"]
    assert db.table_exists("alert")
    assert path.with_name(f"{path.name}.schema1.bak").exists()
    [check] = Check.select()
    assert (check.id, check.site_id, check.status_code, check.elapsed_ms) == (
        check_id,
        1,
        200,
        12.5,
    )
    assert check.time == datetime.fromtimestamp(1_780_000_000, tz=UTC)
    # the hour summary was built from the checks that were there
    assert db.execute_sql("SELECT checks, good FROM check_hour").fetchall() == [(1, 1)]


def test_schema_5_keeps_queued_alerts_and_adds_maintenance_and_certificates(target, monkeypatch):
    with at_version(target, monkeypatch, 4):
        db.execute_sql("INSERT INTO site_group (id, title, position) VALUES (1, 'G', 1)")
        db.execute_sql(
            "INSERT INTO site (id, group_id, title, url, down_message, priority, position) "
            "VALUES (1, 1, 'S', 'https://x/', 'm', 0, 1)"
        )
        db.execute_sql("INSERT INTO outage (id, code, start_time) VALUES (1, 'ABCDEFGH', 1)")
        db.execute_sql(
            "INSERT INTO alert (outage_id, event, channel, subject, body, created_at) "
            "VALUES (1, 'opened', 'email', 'subj', 'body', 5)"
        )
    open_database(target)
    assert schema_version() == LATEST >= 5
    [alert] = db.execute_sql(
        "SELECT kind, outage_id, site_id, event, channel, target, subject, delivered_at FROM alert"
    ).fetchall()
    assert alert == ("outage", 1, None, "opened", "email", "", "subj", None)
    site = Site.get_by_id(1)
    assert (site.maintenance, site.paused, site.paused_until, site.cert_expires_at) == (
        "[]",
        False,
        None,
        None,
    )
    assert SiteGroup.get_by_id(1).maintenance == "[]"
    # one alert per outage event, channel and Apprise URL; one per certificate likewise
    insert = (
        "INSERT INTO alert (kind, outage_id, site_id, cert_expires_at, event, channel, target,"
        f" subject, body, created_at) VALUES ({engine.marks(7)}, 's', 'b', 1)"
    )
    db.execute_sql(insert, ("outage", 1, None, None, "opened", "apprise", "f1"))
    db.execute_sql(insert, ("outage", 1, None, None, "opened", "apprise", "f2"))
    db.execute_sql(insert, ("cert", None, 1, 99, "cert", "email", ""))
    for twice in (
        ("outage", 1, None, None, "opened", "apprise", "f1"),
        ("cert", None, 1, 99, "cert", "email", ""),
    ):
        with pytest.raises(IntegrityError, match="(?i)unique"), engine.writing():
            db.execute_sql(insert, twice)
