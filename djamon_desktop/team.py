"""Which database and which vantage point this process uses.

The database: ``--database``, else ``DJAMON_DATABASE_URL``, else the choice saved in the data
folder's ``team.json`` (the Settings window's Team tab writes it), else the data folder's SQLite
file. The vantage name: ``--vantage``, else ``DJAMON_VANTAGE``, else ``team.json``, else the
machine's host name.

``team.json`` holds the URL without its password (that goes to the keyring's
``database_password``) and the vantage name; like every file the program writes in the data
folder it is readable by its owner only."""

from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path

from . import paths
from .core.text import text_problem
from .errors import DataFolderError
from .store.team_url import SCHEMES, without_password

#: the environment variables naming the team database and the vantage (after the options)
ENV_DATABASE = "DJAMON_DATABASE_URL"
ENV_VANTAGE = "DJAMON_VANTAGE"
VANTAGE_MAX = 40


@dataclass
class InUse:
    """What this process chose at start, and how (``--database``/``--vantage``, the environment
    variable's name, ``team.json`` or ``default``): the Team tab says whether a saved choice
    takes effect at the next start or is overridden."""

    database_by: str = ""
    vantage: str = ""
    vantage_by: str = ""


in_use = InUse()


@dataclass(frozen=True)
class TeamChoice:
    """What the Team tab saved: a ``postgresql://`` URL without its password ("" for the data
    folder's SQLite file) and a vantage name ("" for the host name)."""

    database: str = ""
    vantage: str = ""


def database_target(cli_value: str | None, data_dir: Path) -> Path | str:
    """A team's ``postgresql://`` URL as given, or the data folder's SQLite file."""
    by, chosen = _first(("--database", cli_value), (ENV_DATABASE, os.environ.get(ENV_DATABASE)))
    if not chosen:
        by, chosen = "team.json", load_choice(data_dir).database
    in_use.database_by = by if chosen else "default"
    return chosen if chosen else paths.database_path(data_dir)


def vantage_name(cli_value: str | None = None, data_dir: Path | None = None) -> str:
    """This process's vantage name (one line, at most 40 characters; ValueError otherwise)."""
    by, name = _first(("--vantage", cli_value), (ENV_VANTAGE, os.environ.get(ENV_VANTAGE)))
    if not name and data_dir is not None:
        by, name = "team.json", load_choice(data_dir).vantage
    if not name:
        by, name = "default", default_vantage()
    problem = vantage_problem(name)
    if problem:
        raise ValueError(f"vantage name {name!r}: {problem}")
    in_use.vantage, in_use.vantage_by = name, by
    return name


def _first(*given: tuple[str, str | None]) -> tuple[str, str]:
    """The first value given (stripped), with where it came from; ("", "") when none is."""
    for by, value in given:
        if value and value.strip():
            return by, value.strip()
    return "", ""


def default_vantage() -> str:
    """The machine's host name, cut to the first 40 characters (a long FQDN stays usable)."""
    return (socket.gethostname() or "desktop").strip()[:VANTAGE_MAX].strip() or "desktop"


def vantage_problem(name: str) -> str | None:
    """What is wrong with a vantage name, or None."""
    if not name.strip() or len(name.strip()) > VANTAGE_MAX:
        return f"use 1 to {VANTAGE_MAX} characters on one line"
    return text_problem(name)


# -- team.json -----------------------------------------------------------------------------


def choice_path(data_dir: Path) -> Path:
    return data_dir / paths.TEAM_NAME


def load_choice(data_dir: Path) -> TeamChoice:
    """The saved choice; an empty one when there is no ``team.json``."""
    path = choice_path(data_dir)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return TeamChoice()
    except OSError as exc:
        raise DataFolderError(f"{path} can't be read: {exc.strerror}") from None
    try:
        found = json.loads(text)
    except ValueError as exc:
        raise DataFolderError(f"{path}: not JSON ({exc}); fix or delete it") from None
    if not isinstance(found, dict) or not all(
        isinstance(found.get(key, ""), str) for key in ("database", "vantage")
    ):
        raise DataFolderError(
            f'{path}: expected {{"database": URL, "vantage": NAME}}; fix or delete it'
        )
    database, vantage = found.get("database", "").strip(), found.get("vantage", "").strip()
    if database and not database.startswith(SCHEMES):
        raise DataFolderError(
            f"{path}: database {database!r} is not a postgresql:// URL; fix or delete it"
        )
    if vantage and vantage_problem(vantage):
        raise DataFolderError(f"{path}: vantage {vantage!r}: {vantage_problem(vantage)}")
    return TeamChoice(without_password(database)[0], vantage)


def save_choice(data_dir: Path, choice: TeamChoice) -> None:
    """Write ``team.json`` (0600, replaced in one step), never with a password in it; an empty
    choice removes the file."""
    path = choice_path(data_dir)
    database = without_password(choice.database.strip())[0]
    if not database and not choice.vantage.strip():
        path.unlink(missing_ok=True)
        return
    text = json.dumps({"database": database, "vantage": choice.vantage.strip()}, indent=2)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, paths.PRIVATE_FILE)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)
