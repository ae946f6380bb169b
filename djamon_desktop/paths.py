"""Where djamon-desktop keeps its data: one folder holding the database and the logs.

Chosen, in order, by ``--data-dir``, the ``DJAMON_DATA_DIR`` environment variable, and the
platform's user data folder. Nothing here touches the disk until :func:`ensure_data_dir`.

The data is private, whatever the umask: the default folder is 0700, and every file the program
writes in a data folder (the database, its WAL/SHM files and backups, the logs) is 0600. A folder
the user names keeps the mode they gave it.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from platformdirs import user_data_dir

from . import APP_NAME
from .errors import DataFolderError

log = logging.getLogger(__name__)

ENV_VAR = "DJAMON_DATA_DIR"
DB_NAME = "djamon.sqlite3"
TEAM_NAME = "team.json"  # the Team tab's choice of database and vantage name (team.py)
LOG_DIR_NAME = "logs"
PRIVATE_FOLDER = 0o700
PRIVATE_FILE = 0o600


def default_data_dir() -> Path:
    return Path(user_data_dir(APP_NAME, appauthor=False))


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """The data folder the user asked for, without creating it."""
    chosen = cli_value or os.environ.get(ENV_VAR) or default_data_dir()
    return Path(chosen).expanduser()


def is_default(path: Path) -> bool:
    """Whether ``path`` is the platform's user data folder (however it was reached)."""
    return path.expanduser().resolve() == default_data_dir().resolve()


def ensure_data_dir(path: Path) -> Path:
    """Create the data folder if needed (the default one private); a clear error when it can't
    be used."""
    if path.exists() and not path.is_dir():
        raise DataFolderError(f"data folder {path} is a file, not a folder")
    try:
        if is_default(path):
            path.parent.mkdir(parents=True, exist_ok=True)
            _private_folder(path)
        else:
            path.mkdir(parents=True, exist_ok=True)
        _private_folder(log_dir(path))
    except OSError as exc:
        raise DataFolderError(f"data folder {path} can't be created: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataFolderError(f"data folder {path} is not writable")
    return path


def _private_folder(path: Path) -> None:
    """Create ``path`` as 0700 (exactly, whatever the umask) unless it exists."""
    try:
        path.mkdir(mode=PRIVATE_FOLDER)
    except FileExistsError:
        return
    path.chmod(PRIVATE_FOLDER)


def keep_private(data_dir: Path) -> None:
    """Tighten what an older version (or a loose umask) left readable by others: the default
    folder to 0700, the logs folder to 0700, the program's files to 0600. Each change is logged;
    a folder the user named keeps its own mode."""
    folders = [log_dir(data_dir)]
    if is_default(data_dir):
        folders.insert(0, data_dir)
    db = database_path(data_dir)
    files = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    files.append(data_dir / TEAM_NAME)
    files += sorted(data_dir.glob(DB_NAME + ".schema*.bak"))
    files += sorted(log_dir(data_dir).glob("*.log*"))
    for path, mode in [(f, PRIVATE_FOLDER) for f in folders] + [(f, PRIVATE_FILE) for f in files]:
        try:
            found = stat.S_IMODE(path.lstat().st_mode)
            if stat.S_ISLNK(path.lstat().st_mode) or not found & 0o077:
                continue
            path.chmod(mode)
        except FileNotFoundError:
            continue
        except OSError as exc:
            log.warning("could not make %s private: %s", path, exc.strerror)
            continue
        log.warning("%s was readable by others (%04o); made it private (%04o)", path, found, mode)


def create_private(path: Path) -> None:
    """Create ``path`` as an empty file readable by its owner only, unless it exists."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, PRIVATE_FILE)
    except FileExistsError:
        return
    os.close(fd)


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


def log_dir(data_dir: Path) -> Path:
    return data_dir / LOG_DIR_NAME
