"""Ordered schema steps from the first release on. Each runs inside one write transaction,
and both engines run the same steps in the same order, so they share one history.

Steps never change once released: a later release adds a step (appended to :data:`STEPS`).

Steps 1 to 6 (:data:`FROZEN`) are frozen: plain SQL written for SQLite, which a team's
PostgreSQL runs with the few words that differ put in its terms by regular expressions
(:func:`frozen_for_postgres`). That translation is kept for them alone, as they were released.

A new step says what it does on each engine itself: an :class:`.schema_steps.EngineStep`, its
statements as each engine says them or its changes through ``playhouse.migrate`` (how, with an
example: :mod:`.schema_steps`). :func:`check_steps` refuses any other kind of step past
:data:`FROZEN`, and the frozen steps' translation (:func:`_run`) refuses to run for one.
"""

from __future__ import annotations

import re

from peewee import Database

from .schema_9 import STEP_9
from .schema_steps import FROZEN, EngineStep, Step, check_steps, is_postgres, serials_past_ids

__all__ = ["FROZEN", "LATEST", "STEPS", "EngineStep", "check_steps", "frozen_for_postgres"]

#: columns SQLite keeps as 0/1 and PostgreSQL as BOOLEAN
_BOOLEANS = ("active", "notification_sent", '"primary"', "paused", "failing")
_POSTGRES_WORDS = [
    (re.compile(r"\bid INTEGER NOT NULL PRIMARY KEY"), "id SERIAL PRIMARY KEY"),
    (re.compile(r"\bBLOB\b"), "BYTEA"),
    (re.compile(r"\bREAL\b"), "DOUBLE PRECISION"),
    (re.compile(r"\)\s*WITHOUT ROWID"), ")"),
    *[
        (re.compile(rf"(^|[\s(,]){re.escape(name)} INTEGER NOT NULL DEFAULT ([01])"), None)
        for name in _BOOLEANS
    ],
]


def frozen_for_postgres(statement: str) -> str:
    """A frozen step's SQLite statement as PostgreSQL says it (serial ids, BYTEA, double
    precision, booleans, no WITHOUT ROWID). For steps 1 to :data:`FROZEN` only."""
    for pattern, replacement in _POSTGRES_WORDS:
        if replacement is None:
            statement = pattern.sub(
                lambda m: (
                    m.group(0).split(" INTEGER")[0]
                    + " BOOLEAN NOT NULL DEFAULT "
                    + ("TRUE" if m.group(2) == "1" else "FALSE")
                ),
                statement,
            )
        else:
            statement = pattern.sub(replacement, statement)
    return statement


def _run(db: Database, statements: list[str], version: int) -> None:
    """A frozen version's statements, in order (the text of each version stays as it was
    written), translated for PostgreSQL. Refused for a version past :data:`FROZEN`: a new step
    is an :class:`EngineStep`."""
    if version > FROZEN:
        raise ValueError(
            f"schema step {version} is not frozen: it gives its statements per engine"
            " (migrations.EngineStep), the SQLite-to-PostgreSQL translation is for steps 1 to"
            f" {FROZEN} only"
        )
    postgres = is_postgres(db)
    for statement in statements:
        db.execute_sql(frozen_for_postgres(statement) if postgres else statement)
    if postgres:
        serials_past_ids(db)


_V1 = [
    """CREATE TABLE schema_version (version INTEGER NOT NULL)""",
    """CREATE TABLE setting (key VARCHAR(255) NOT NULL PRIMARY KEY, value TEXT NOT NULL)""",
    """CREATE TABLE site_group (
        id INTEGER NOT NULL PRIMARY KEY,
        title VARCHAR(40) NOT NULL UNIQUE,
        position INTEGER NOT NULL)""",
    """CREATE TABLE site (
        id INTEGER NOT NULL PRIMARY KEY,
        group_id INTEGER NOT NULL REFERENCES site_group (id) ON DELETE CASCADE,
        title VARCHAR(40) NOT NULL,
        url TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        down_message VARCHAR(140) NOT NULL,
        priority SMALLINT NOT NULL,
        position INTEGER NOT NULL,
        last_seen BIGINT,
        down_count INTEGER NOT NULL DEFAULT 0,
        last_checked BIGINT,
        last_status_code SMALLINT,
        last_error VARCHAR(255),
        last_elapsed_ms REAL,
        UNIQUE (group_id, title))""",
    """CREATE TABLE "check" (
        id BLOB NOT NULL PRIMARY KEY,
        site_id INTEGER NOT NULL REFERENCES site (id) ON DELETE CASCADE,
        time BIGINT NOT NULL,
        status_code SMALLINT,
        error VARCHAR(255),
        elapsed_ms REAL NOT NULL)""",
    """CREATE INDEX check_site_time ON "check" (site_id, time)""",
    """CREATE INDEX check_time ON "check" (time)""",
    """CREATE TABLE outage (
        id INTEGER NOT NULL PRIMARY KEY,
        code VARCHAR(8) NOT NULL UNIQUE,
        start_time BIGINT NOT NULL,
        end_time BIGINT,
        seconds_down INTEGER,
        content TEXT NOT NULL DEFAULT '',
        extra_information TEXT NOT NULL DEFAULT '',
        notification_sent INTEGER NOT NULL DEFAULT 0)""",
    """CREATE INDEX outage_end_time ON outage (end_time)""",
    """CREATE TABLE outage_site (
        id INTEGER NOT NULL PRIMARY KEY,
        outage_id INTEGER NOT NULL REFERENCES outage (id) ON DELETE CASCADE,
        site_id INTEGER REFERENCES site (id) ON DELETE SET NULL,
        title VARCHAR(40) NOT NULL,
        "primary" INTEGER NOT NULL DEFAULT 0,
        start_time BIGINT NOT NULL,
        UNIQUE (outage_id, site_id))""",
    """CREATE INDEX outage_site_site ON outage_site (site_id)""",
]


def _v1(db: Database) -> None:
    _run(db, _V1, 1)


_V2 = [
    # The outbox: one row per outage event and channel, queued in the transaction that opens
    # or closes the outage; the message is rendered then, so it says what was seen then.
    """CREATE TABLE alert (
        id INTEGER NOT NULL PRIMARY KEY,
        outage_id INTEGER NOT NULL REFERENCES outage (id) ON DELETE CASCADE,
        event VARCHAR(8) NOT NULL,
        channel VARCHAR(16) NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at BIGINT,
        last_error TEXT,
        claimed_until BIGINT,
        delivered_at BIGINT,
        UNIQUE (outage_id, event, channel))""",
    """CREATE INDEX alert_delivered_at ON alert (delivered_at)""",
]


def _v2(db: Database) -> None:
    _run(db, _V2, 2)


_V3 = [
    # One row per site and hour: what uptime and response-time views read, so they stay fast
    # on a year of checks and survive the purge of raw checks. Kept up to date by each round.
    """CREATE TABLE check_hour (
        site_id INTEGER NOT NULL REFERENCES site (id) ON DELETE CASCADE,
        hour INTEGER NOT NULL,
        checks INTEGER NOT NULL,
        good INTEGER NOT NULL,
        good_elapsed_sum REAL NOT NULL,
        good_elapsed_max REAL NOT NULL,
        PRIMARY KEY (site_id, hour)) WITHOUT ROWID""",
    """CREATE INDEX check_hour_hour ON check_hour (hour)""",
    """CREATE TABLE meta (key VARCHAR(255) NOT NULL PRIMARY KEY, value TEXT NOT NULL)""",
]


def _v3(db: Database) -> None:
    import json

    _run(db, _V3, 3)
    if is_postgres(db):
        return  # a team database starts empty (copy-database fills in the summary itself)
    row = db.execute_sql("SELECT value FROM setting WHERE key = 'good_codes'").fetchone()
    good = json.loads(row[0]) if row else [200, 301, 304]
    marks = ",".join("?" for _ in good)
    db.execute_sql(
        f"""INSERT INTO check_hour
            SELECT site_id, time / 3600000,
                   count(*),
                   sum(error IS NULL AND status_code IN ({marks})),
                   total(CASE WHEN error IS NULL AND status_code IN ({marks})
                              THEN elapsed_ms END),
                   coalesce(max(CASE WHEN error IS NULL AND status_code IN ({marks})
                                     THEN elapsed_ms END), 0)
            FROM "check" GROUP BY site_id, time / 3600000""",
        [*good, *good, *good],
    )


_V4 = [
    # Checks clustered by site and time (WITHOUT ROWID): one B-tree instead of a table and
    # three indexes, so a check takes about half the space, a site's recent checks and a purge
    # read neighbouring pages, and the UUID stays each check's identity.
    """CREATE TABLE check_v4 (
        site_id INTEGER NOT NULL REFERENCES site (id) ON DELETE CASCADE,
        time BIGINT NOT NULL,
        id BLOB NOT NULL,
        status_code SMALLINT,
        error VARCHAR(255),
        elapsed_ms REAL NOT NULL,
        PRIMARY KEY (site_id, time, id)) WITHOUT ROWID""",
    "INSERT INTO check_v4 (site_id, time, id, status_code, error, elapsed_ms) "
    'SELECT site_id, time, id, status_code, error, elapsed_ms FROM "check"',
    'DROP TABLE "check"',
    'ALTER TABLE check_v4 RENAME TO "check"',
]


def _v4(db: Database) -> None:
    _run(db, _V4, 4)


_V5 = [
    # Certificates, maintenance and Apprise (issue 13). A site notes its certificate's expiry;
    # groups and sites carry maintenance windows (a JSON list of {"schedule", "minutes"}) and a
    # site can be paused by hand (paused_until NULL with paused 1: until resumed).
    "ALTER TABLE site ADD COLUMN cert_expires_at BIGINT",
    "ALTER TABLE site ADD COLUMN maintenance TEXT NOT NULL DEFAULT '[]'",
    "ALTER TABLE site ADD COLUMN paused INTEGER NOT NULL DEFAULT 0",
    "ALTER TABLE site ADD COLUMN paused_until BIGINT",
    "ALTER TABLE site_group ADD COLUMN maintenance TEXT NOT NULL DEFAULT '[]'",
    # The outbox holds certificate warnings too (kind 'cert': a site and the expiry it warns
    # of, no outage), and one delivery per Apprise URL: target is a fingerprint of the URL (the
    # URL itself is a secret and lives only in the keyring), '' for e-mail and X.
    """CREATE TABLE alert_v5 (
        id INTEGER NOT NULL PRIMARY KEY,
        kind VARCHAR(8) NOT NULL DEFAULT 'outage',
        outage_id INTEGER REFERENCES outage (id) ON DELETE CASCADE,
        site_id INTEGER REFERENCES site (id) ON DELETE CASCADE,
        cert_expires_at BIGINT,
        event VARCHAR(8) NOT NULL,
        channel VARCHAR(16) NOT NULL,
        target VARCHAR(64) NOT NULL DEFAULT '',
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        last_attempt_at BIGINT,
        last_error TEXT,
        claimed_until BIGINT,
        delivered_at BIGINT,
        UNIQUE (outage_id, event, channel, target),
        UNIQUE (site_id, cert_expires_at, channel, target))""",
    """INSERT INTO alert_v5 (id, outage_id, event, channel, subject, body, created_at, attempts,
                             last_attempt_at, last_error, claimed_until, delivered_at)
       SELECT id, outage_id, event, channel, subject, body, created_at, attempts,
              last_attempt_at, last_error, claimed_until, delivered_at FROM alert""",
    "DROP TABLE alert",
    "ALTER TABLE alert_v5 RENAME TO alert",
    "CREATE INDEX alert_delivered_at ON alert (delivered_at)",
]


def _v5(db: Database) -> None:
    _run(db, _V5, 5)


_V6 = [
    # A team's shared database (issue 12): every process is a vantage point, named once, with
    # the time of its last stored round (live while that is under 15 minutes old) ...
    """CREATE TABLE vantage (
        id INTEGER NOT NULL PRIMARY KEY,
        name VARCHAR(40) NOT NULL UNIQUE,
        last_round_at BIGINT)""",
    # ... and its own strikes and last answer for each site; the site row holds the team's
    # summary of the live vantages' rows (the `confirmations` rule), which all else reads.
    """CREATE TABLE site_vantage (
        site_id INTEGER NOT NULL REFERENCES site (id) ON DELETE CASCADE,
        vantage_id INTEGER NOT NULL REFERENCES vantage (id) ON DELETE CASCADE,
        down_count INTEGER NOT NULL DEFAULT 0,
        last_seen BIGINT,
        last_checked BIGINT,
        last_status_code SMALLINT,
        last_error VARCHAR(255),
        last_elapsed_ms REAL,
        PRIMARY KEY (site_id, vantage_id)) WITHOUT ROWID""",
    # Whether some live vantage sees the site failing: what the summary's count can't say
    # when one failure is already down (strikes 1) but not confirmed by enough vantages.
    "ALTER TABLE site ADD COLUMN failing INTEGER NOT NULL DEFAULT 0",
    # Which vantage made each check (NULL: made before vantages). No foreign key: vantages are
    # never deleted, and each check stored would look its vantage up again for nothing.
    'ALTER TABLE "check" ADD COLUMN vantage_id INTEGER',
]


def _v6(db: Database) -> None:
    _run(db, _V6, 6)


def _v7_statements(serial: str, boolean: str, real: str) -> list[str]:
    """Step 7's statements with each engine's words for an id, a flag and a float."""
    return [
        # Incidents (issue 20): who is on an open outage, and since when; when its one
        # reminder went (once for the team) ...
        "ALTER TABLE outage ADD COLUMN acknowledged_by VARCHAR(40)",
        "ALTER TABLE outage ADD COLUMN acknowledged_at BIGINT",
        "ALTER TABLE outage ADD COLUMN escalated_at BIGINT",
        # ... when each of its sites recovered or was taken out of monitoring ...
        "ALTER TABLE outage_site ADD COLUMN recovered_at BIGINT",
        "ALTER TABLE outage_site ADD COLUMN removed_at BIGINT",
        # ... and which site it was, kept when the site is deleted (site_id is then NULL) ...
        "ALTER TABLE outage_site ADD COLUMN kept_site_id INTEGER",
        "UPDATE outage_site SET kept_site_id = site_id",
        # ... an alert held by quiet hours until then (NULL: goes at once) ...
        "ALTER TABLE alert ADD COLUMN held_until BIGINT",
        # ... when a vantage's app last said it runs (an app that can answer a recheck) ...
        "ALTER TABLE vantage ADD COLUMN app_seen_at BIGINT",
        # ... every event of an outage, in the order it happened (id breaks a tie of times).
        # site_id has no foreign key: a deleted site's events stay, as its title stays.
        f"""CREATE TABLE outage_event (
            id {serial},
            outage_id INTEGER NOT NULL REFERENCES outage (id) ON DELETE CASCADE,
            at BIGINT NOT NULL,
            event VARCHAR(16) NOT NULL,
            site_id INTEGER,
            vantage VARCHAR(40),
            channel VARCHAR(16),
            by_name VARCHAR(40),
            text TEXT,
            reason TEXT)""",
        "CREATE INDEX outage_event_outage ON outage_event (outage_id, at, id)",
        # A recheck asked of every live app vantage, and each vantage's answer.
        f"""CREATE TABLE recheck (
            id {serial},
            site_id INTEGER NOT NULL REFERENCES site (id) ON DELETE CASCADE,
            asked_at BIGINT NOT NULL,
            asked_by VARCHAR(40) NOT NULL,
            vantages TEXT NOT NULL DEFAULT '[]')""",
        "CREATE INDEX recheck_asked_at ON recheck (asked_at)",
        f"""CREATE TABLE recheck_answer (
            recheck_id INTEGER NOT NULL REFERENCES recheck (id) ON DELETE CASCADE,
            vantage VARCHAR(40) NOT NULL,
            ok {boolean} NOT NULL,
            status_code SMALLINT,
            error VARCHAR(255),
            elapsed_ms {real},
            answered_at BIGINT NOT NULL,
            PRIMARY KEY (recheck_id, vantage))""",
    ]


def _v8_statements() -> list[str]:
    """Step 8: checks that read the answer (issue 21); the same words on both engines."""
    return [
        # what a site expects of its answer (core.expect; JSON text, NULL: a good code is enough)
        "ALTER TABLE site ADD COLUMN expect TEXT",
        # what a failed check saw beyond its error ("body lacks 'OK' (1,204 bytes read)");
        # NULL for a good answer, so the history of a healthy site grows by nothing
        'ALTER TABLE "check" ADD COLUMN detail TEXT',
        "ALTER TABLE site ADD COLUMN last_detail TEXT",
        "ALTER TABLE site_vantage ADD COLUMN last_detail TEXT",
    ]


#: (version reached, step). Append only: a new step is an EngineStep.
STEPS: list[tuple[int, Step]] = [
    (1, _v1),
    (2, _v2),
    (3, _v3),
    (4, _v4),
    (5, _v5),
    (6, _v6),
    (
        7,
        EngineStep(
            sqlite=_v7_statements("INTEGER NOT NULL PRIMARY KEY", "INTEGER", "REAL"),
            postgres=_v7_statements("SERIAL PRIMARY KEY", "BOOLEAN", "DOUBLE PRECISION"),
        ),
    ),
    (8, EngineStep(sqlite=_v8_statements(), postgres=_v8_statements())),
    (9, STEP_9),
]
LATEST = STEPS[-1][0]
check_steps(STEPS)
