"""Opening the database: pragmas for two writers (the app and the command line), migrations,
and the refusal of a file written by a newer version."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from peewee import DatabaseError, OperationalError

from ..errors import DataFolderError
from ..paths import create_private
from .migrations import LATEST, STEPS
from .models import db

log = logging.getLogger(__name__)

PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",  # safe with WAL: a power cut may lose the last round, never corrupt
}
BUSY_TIMEOUT_S = 15


def open_database(path: Path) -> None:
    """Point the shared ``db`` at ``path``, set it up and bring its schema up to date. A new
    file is made readable by its owner only (SQLite gives its WAL and SHM files the same mode)."""
    if not db.is_closed():
        db.close()
    try:
        create_private(path)
    except OSError as exc:
        raise DataFolderError(f"database {path} can't be created: {exc.strerror}") from None
    db.init(str(path), pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S)
    try:
        db.connect(reuse_if_open=True)
        _migrate(path)
    except DataFolderError:
        db.close()
        raise
    except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
        db.close()
        raise DataFolderError(f"database {path} can't be used: {exc}") from None


def close_database() -> None:
    if not db.is_closed():
        db.close()


def schema_version() -> int:
    if not db.table_exists("schema_version"):
        return 0
    row = db.execute_sql("SELECT version FROM schema_version").fetchone()
    return int(row[0]) if row else 0


def _migrate(path: Path) -> None:
    found = schema_version()
    if found > LATEST:
        raise DataFolderError(
            f"database {path} was written by a newer djamon-desktop (schema {found}; this "
            f"version knows up to {LATEST}); install the newer version or use another data folder"
        )
    if 0 < found < LATEST:
        _backup(path, found)
    for version, step in STEPS:
        with db.atomic("IMMEDIATE"):
            current = schema_version()  # another process may have migrated meanwhile
            if current >= version:
                continue
            log.info("migrating %s to schema %d", path, version)
            step(db)
            db.execute_sql("DELETE FROM schema_version")
            db.execute_sql("INSERT INTO schema_version (version) VALUES (?)", (version,))


def _backup(path: Path, version: int) -> None:
    target = path.with_name(f"{path.name}.schema{version}.bak")
    if target.exists():
        return
    log.info("copying %s to %s before migrating", path, target)
    create_private(target)
    with sqlite3.connect(target) as copy:
        db.connection().backup(copy)
    copy.close()
