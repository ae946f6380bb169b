"""``doctor``'s checks of what is this user's own: the keyring, the database and the data folder
(:mod:`.doctor` runs them, each with a deadline, beside :mod:`.desktop_checks`). Nothing here
changes anything: the keyring is not unlocked (no prompt shows), the database is read and not
migrated, and a data folder that is not there yet is not made."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path
from typing import Any
from urllib.parse import quote

from . import session_probes as probes
from .desktop_checks import Check
from .errors import UserError

#: keyring's backends that keep the secrets in the Secret Service (GNOME Keyring, KeePassXC...)
SECRET_SERVICE_MODULES = ("keyring.backends.SecretService", "keyring.backends.libsecret")


def _split(message: str) -> tuple[str, str]:
    """A message of the form "what; what to do" as (what, what to do)."""
    found, _, fix = message.partition("; ")
    return found, fix or "see the message above"


# -- the keyring ---------------------------------------------------------------------------------


def check_keyring() -> Check:
    from . import secrets

    try:
        backends = secrets.backends_in_use()
    except secrets.SecretStoreError as exc:
        found, fix = _split(exc.message)
        return Check("keyring", False, found, fix, {"backend": None, "locked": False})
    backend = ", ".join(str(b.name) for b in backends)
    extra: dict[str, Any] = {"backend": backend, "locked": False}
    if not any(type(b).__module__ in SECRET_SERVICE_MODULES for b in backends):
        return Check("keyring", True, backend, extra=extra)
    try:
        with probes.session_bus() as conn:
            locked = probes.secret_service_locked(conn)
    except (probes.NoBus, probes.CallFailed) as exc:
        return Check("keyring", False, f"{backend}: the Secret Service can't be asked ({exc})",
                     _split(secrets.LOCKED)[1], extra)  # fmt: skip
    if locked:
        extra["locked"] = True
        return Check("keyring", False, f"{backend}: the default keyring is locked",
                     _split(secrets.LOCKED)[1], extra)  # fmt: skip
    if locked is None:
        return Check("keyring", True, f"{backend}: no default keyring yet (the first secret "
                     "stored makes one, and may ask for its password)", extra=extra)  # fmt: skip
    return Check("keyring", True, f"{backend}: the default keyring is unlocked", extra=extra)


# -- the database -------------------------------------------------------------------------------


def check_database(data_dir: Path, database: Path | str | None, option: str | None) -> Check:
    """The database the app has open (``database``) or would open: reached, and its schema
    step (an integer, the number of the last schema step it has) against this program's."""
    from . import team

    if database is None:
        try:
            database = team.database_target(option, data_dir)
        except UserError as exc:
            found, fix = _split(exc.message)
            return Check("database", False, found, fix, {"reached": False, "schema": None})
    if isinstance(database, str):
        return _team(database)
    return _sqlite(Path(database))


def _schema_words(where: str, found: int) -> Check:
    from .store.migrations import LATEST

    extra = {"reached": True, "schema": found}
    if found > LATEST:
        return Check(
            "database", False,
            f"{where} was written by a newer djamon-desktop (schema {found}; this version knows "
            f"up to {LATEST})", "install the newer version of djamon-desktop here", extra,
        )  # fmt: skip
    if found == LATEST:
        return Check("database", True, f"{where}, schema {found} (this version's)", extra=extra)
    if found == 0:
        return Check("database", True, f"{where}, empty: the app sets it up (schema {LATEST}) "
                     "when it starts", extra=extra)  # fmt: skip
    return Check("database", True, f"{where}, schema {found}: the app brings it to {LATEST} "
                 "when it starts", extra=extra)  # fmt: skip


def _sqlite(path: Path) -> Check:
    from .store.engine import BUSY_TIMEOUT_MS

    if not path.exists():
        return Check("database", True, f"no database yet: the app makes {path} when it first "
                     "starts", extra={"reached": False, "schema": None})  # fmt: skip
    where = f"SQLite file {path}"
    try:
        conn = sqlite3.connect(
            f"file:{quote(str(path))}?mode=ro", uri=True, timeout=BUSY_TIMEOUT_MS / 1000
        )
        try:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            row = None
            if "schema_version" in tables:
                row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        return Check(
            "database", False, f"{where} can't be read ({exc})",
            "if it is damaged, move it aside (the app makes a new one) or put a backup back",
            {"reached": False, "schema": None},
        )  # fmt: skip
    return _schema_words(where, int(row[0] or 0) if row else 0)


def _team(url: str) -> Check:
    from .store.connection import connect
    from .store.database import team_schema_version
    from .store.engine import DatabaseUnreachable
    from .store.team_url import check_url, shown

    fix = (
        "check that the team's database server runs and that the URL, user and password are "
        "right (Settings › Team, or database_password in the keyring)"
    )
    unreached = {"reached": False, "schema": None}
    try:
        url = check_url(url)
        conn = connect(url)
    except DatabaseUnreachable as exc:
        return Check("database", False, exc.message, fix, unreached)
    except UserError as exc:
        return Check("database", False, exc.message, "correct the database URL", unreached)
    try:
        found = team_schema_version(conn)
    except DatabaseUnreachable as exc:
        return Check("database", False, exc.message, fix, unreached)
    except Exception as exc:  # psycopg2's own, its words scrubbed of the password
        from .store.engine import first_line
        from .store.team_url import scrubbed

        return Check("database", False, f"database {shown(url)} can't be read: "
                     f"{scrubbed(first_line(exc), url)}", fix, unreached)  # fmt: skip
    finally:
        conn.close()
    return _schema_words(f"team database {shown(url)}", found)


# -- the data folder ---------------------------------------------------------------------------


def check_data_folder(data_dir: Path) -> Check:
    """The folder's path and mode. Not ok when it can't be made or written, or when anyone else
    may write in it (they could replace the database or the logs). Others reading the folder
    itself is let be: every file the app writes in it is 0600."""
    extra: dict[str, Any] = {"path": str(data_dir), "mode": None}
    choose = "choose another with --data-dir or DJAMON_DATA_DIR, or give yourself the rights"
    if not data_dir.exists():
        parent = next(p for p in data_dir.parents if p.exists())
        if parent.is_dir() and os.access(parent, os.W_OK | os.X_OK):
            return Check("data_folder", True, f"{data_dir} is not there yet: the app makes it "
                         "when it first starts", extra=extra)  # fmt: skip
        found = f"{data_dir} can't be made: {parent} is not a folder you can write in"
        return Check("data_folder", False, found, choose, extra)
    mode = stat.S_IMODE(data_dir.stat().st_mode)
    extra["mode"] = f"{mode:04o}"
    if not data_dir.is_dir():
        return Check("data_folder", False, f"{data_dir} is a file, not a folder", choose, extra)
    if not os.access(data_dir, os.W_OK | os.X_OK):
        return Check("data_folder", False, f"{data_dir} ({mode:04o}) is not writable", choose,
                     extra)  # fmt: skip
    if mode & 0o022:
        who = "everyone" if mode & 0o002 else "its group"
        return Check(
            "data_folder", False, f"{data_dir} is {mode:04o}: {who} can write in it",
            f"chmod 700 {data_dir}", extra,
        )  # fmt: skip
    private = "yours alone" if not mode & 0o077 else "others may list it; its files are yours alone"
    return Check("data_folder", True, f"{data_dir}, {mode:04o}: {private}", extra=extra)
