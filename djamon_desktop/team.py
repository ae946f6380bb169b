"""Which database and which vantage point this process uses: ``--database`` /
``DJAMON_DATABASE_URL`` (else the data folder's SQLite file) and ``--vantage`` /
``DJAMON_VANTAGE`` (else the machine's host name)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from . import paths

ENV_DATABASE = "DJAMON_DATABASE_URL"
ENV_VANTAGE = "DJAMON_VANTAGE"
VANTAGE_MAX = 40


def database_target(cli_value: str | None, data_dir: Path) -> Path | str:
    """A team's ``postgresql://`` URL as given, or the data folder's SQLite file."""
    chosen = cli_value or os.environ.get(ENV_DATABASE) or ""
    return chosen.strip() if chosen.strip() else paths.database_path(data_dir)


def vantage_name(cli_value: str | None = None) -> str:
    """This process's vantage name (one line, at most 40 characters; ValueError otherwise)."""
    name = (cli_value or os.environ.get(ENV_VANTAGE) or socket.gethostname() or "desktop").strip()
    if not name or len(name) > VANTAGE_MAX or any(ch in name for ch in "\r\n\t"):
        raise ValueError(f"vantage name {name!r}: use 1 to {VANTAGE_MAX} characters on one line")
    return name
