"""How a schema step after the frozen ones is written (``migrations.EngineStep``): its
statements as each engine says them, or its changes through ``playhouse.migrate``, run by the
same migration as every step, on SQLite and on a real PostgreSQL. The sample steps live in a
list of the test's own; the frozen steps' SQLite-to-PostgreSQL translation is refused for
them."""

from __future__ import annotations

import pytest
from peewee import TextField

from djamon_desktop.store import database, engine, migrations
from djamon_desktop.store.database import close_database, open_database, schema_version
from djamon_desktop.store.migrations import FROZEN, LATEST, EngineStep
from djamon_desktop.store.models import db

from .helpers import add_site

#: a sample new step: the same change said by each engine in its own words (the types differ)
PER_ENGINE = EngineStep(
    sqlite=[
        "CREATE TABLE sample_note (id INTEGER NOT NULL PRIMARY KEY, body BLOB NOT NULL)",
        "ALTER TABLE site ADD COLUMN sample_flag INTEGER NOT NULL DEFAULT 0",
    ],
    postgres=[
        "CREATE TABLE sample_note (id SERIAL PRIMARY KEY, body BYTEA NOT NULL)",
        "ALTER TABLE site ADD COLUMN sample_flag BOOLEAN NOT NULL DEFAULT FALSE",
    ],
)
#: a sample new step through playhouse.migrate, which words it for the engine it runs on
THROUGH_PEEWEE = EngineStep(
    change=lambda migrator: [
        migrator.add_column("site_group", "sample_colour", TextField(null=True)),
        migrator.add_index("site_group", ("sample_colour",)),
    ]
)


def _columns(table: str) -> dict[str, str]:
    return {column.name: column.data_type.lower() for column in db.get_columns(table)}


def test_new_steps_run_on_each_engine_as_written_for_it(store, monkeypatch):
    site = add_site("Shop")
    close_database()
    steps = [*database.STEPS, (LATEST + 1, PER_ENGINE), (LATEST + 2, THROUGH_PEEWEE)]
    monkeypatch.setattr(database, "STEPS", steps)
    monkeypatch.setattr(database, "LATEST", LATEST + 2)
    open_database(store)
    assert schema_version() == LATEST + 2
    team = engine.is_team()
    assert _columns("sample_note")["body"] == ("bytea" if team else "blob")
    assert _columns("site")["sample_flag"] == ("boolean" if team else "integer")
    p = engine.marks()
    db.execute_sql(f"INSERT INTO sample_note (body) VALUES ({p})", (b"\x00?",))
    assert db.execute_sql("SELECT id FROM sample_note").fetchall() == [(1,)]
    db.execute_sql(f"UPDATE site_group SET sample_colour = {p}", ("blue?",))
    assert db.execute_sql("SELECT sample_colour FROM site_group").fetchall() == [("blue?",)]
    assert "site_group_sample_colour" in {index.name for index in db.get_indexes("site_group")}
    assert db.execute_sql("SELECT id FROM site").fetchall() == [(site,)]  # nothing cascaded
    assert migrations.STEPS is not steps and migrations.STEPS[-1][0] == LATEST >= FROZEN


def test_a_new_step_may_not_use_the_frozen_steps_translation(store, monkeypatch):
    def translated(db_) -> None:  # written as the frozen steps were
        migrations._run(db_, ["ALTER TABLE site ADD COLUMN sample_flag INTEGER"], LATEST + 1)

    with pytest.raises(ValueError, match="per engine"):
        translated(db)
    with pytest.raises(ValueError, match="EngineStep"):
        migrations.check_steps([*database.STEPS, (LATEST + 1, translated)])
    assert migrations.check_steps(database.STEPS) == database.STEPS


def test_a_change_that_would_rebuild_a_sqlite_table_is_refused_and_nothing_is_lost(
    store, monkeypatch
):
    """peewee makes a column NOT NULL on SQLite by rebuilding its table; inside the step's
    transaction that would delete every site of the rebuilt groups (on PostgreSQL it is an
    ALTER TABLE, which it runs)."""
    site = add_site("Shop")
    close_database()
    rebuild = EngineStep(
        change=lambda migrator: [
            migrator.add_column("site_group", "sample_colour", TextField(default="blue"))
        ]
    )
    monkeypatch.setattr(database, "STEPS", [*database.STEPS, (LATEST + 1, rebuild)])
    monkeypatch.setattr(database, "LATEST", LATEST + 1)
    if engine.is_team_url(str(store)):
        open_database(store)
        assert schema_version() == LATEST + 1
    else:
        with pytest.raises(ValueError, match="rebuild a SQLite table"):
            open_database(store)
        close_database()
        monkeypatch.setattr(database, "STEPS", migrations.STEPS)
        monkeypatch.setattr(database, "LATEST", LATEST)
        open_database(store)
        assert "sample_colour" not in _columns("site_group")
    assert db.execute_sql("SELECT id FROM site").fetchall() == [(site,)]
