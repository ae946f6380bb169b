"""Where djamon-desktop keeps its data: one folder holding the database and the logs.

Chosen, in order, by ``--data-dir``, the ``DJAMON_DATA_DIR`` environment variable, and the
platform's user data folder. Nothing here touches the disk until :func:`ensure_data_dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

from . import APP_NAME
from .errors import DataFolderError

ENV_VAR = "DJAMON_DATA_DIR"
DB_NAME = "djamon.sqlite3"
LOG_DIR_NAME = "logs"


def resolve_data_dir(cli_value: str | None = None) -> Path:
    """The data folder the user asked for, without creating it."""
    chosen = cli_value or os.environ.get(ENV_VAR) or user_data_dir(APP_NAME, appauthor=False)
    return Path(chosen).expanduser()


def ensure_data_dir(path: Path) -> Path:
    """Create the data folder if needed; a clear error when it can't be used."""
    if path.exists() and not path.is_dir():
        raise DataFolderError(f"data folder {path} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        (path / LOG_DIR_NAME).mkdir(exist_ok=True)
    except OSError as exc:
        raise DataFolderError(f"data folder {path} can't be created: {exc.strerror}") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise DataFolderError(f"data folder {path} is not writable")
    return path


def database_path(data_dir: Path) -> Path:
    return data_dir / DB_NAME


def log_dir(data_dir: Path) -> Path:
    return data_dir / LOG_DIR_NAME
