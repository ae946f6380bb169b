"""``doctor``: what this desktop offers the app, one check at a time, each missing thing with
what to do. The command line (``djamon-desktop doctor [--json]``) and the dashboard's Help ›
Check this desktop run the same checks and show the same words.

The checks, in this order: ``display``, ``tray``, ``notifications`` (:mod:`.desktop_checks`),
``keyring``, ``database`` and ``data_folder`` (:mod:`.doctor_local`). Each runs on a thread of
its own with a deadline (a hung bus, a keyring waiting on an unlock prompt, a team database that
does not answer): a probe past its deadline is a failed check that says so, and doctor never
hangs. The probes run side by side, so the slowest deadline bounds the whole.
"""

from __future__ import annotations

import logging
import textwrap
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import doctor_local
from .desktop_checks import Check, check_display, check_notifications, check_tray

log = logging.getLogger(__name__)


# -- running them ------------------------------------------------------------------------------

#: seconds each check may take, past the deadlines inside it (the keyring's own 15 s, a team
#: database's connect timeout and statement deadline)
DEADLINES_S = {
    "display": 10.0,
    "tray": 10.0,
    "notifications": 10.0,
    "keyring": 25.0,
    "database": 40.0,
    "data_folder": 10.0,
}

EXTRA_WHEN_LATE: dict[str, dict[str, Any]] = {
    "tray": {"host": None},
    "notifications": {"server": None, "actions": False, "markup": False},
    "keyring": {"backend": None, "locked": False},
    "database": {"reached": False, "schema": None},
    "data_folder": {"path": None, "mode": None},
}


def _guarded(name: str, probe: Callable[[], Check]) -> Callable[[], Check]:
    """``probe`` with any unexpected error as a failed check naming it (logged in full)."""

    def run() -> Check:
        try:
            return probe()
        except TimeoutError:
            return Check(name, False, "no answer in time", _late_fix(name),
                         dict(EXTRA_WHEN_LATE.get(name, {})))  # fmt: skip
        except Exception as exc:
            log.warning("the %s check failed", name, exc_info=True)
            found = f"the check itself failed ({type(exc).__name__})"
            extra = dict(EXTRA_WHEN_LATE.get(name, {}))
            return Check(name, False, found, "see the log for details", extra)

    return run


def _late_fix(name: str) -> str:
    return {
        "keyring": "the keyring may be waiting on an unlock prompt: unlock it and check again",
        "database": "check that the database server runs and answers, then check again",
    }.get(name, "something on the desktop session does not answer; log out and in again")


def run_checks(
    data_dir: Path,
    database: Path | str | None = None,
    database_option: str | None = None,
    deadlines: dict[str, float] | None = None,
) -> list[Check]:
    """Every check, in order. ``database``: the target the app has open (the dashboard's
    check); else the one the app would open (``database_option``, the environment, team.json
    or the data folder's file). ``deadlines`` may shorten :data:`DEADLINES_S` (tests)."""
    probes_by_name: dict[str, Callable[[], Check]] = {
        "display": check_display,
        "tray": check_tray,
        "notifications": check_notifications,
        "keyring": doctor_local.check_keyring,
        "database": lambda: doctor_local.check_database(data_dir, database, database_option),
        "data_folder": lambda: doctor_local.check_data_folder(data_dir),
    }
    limits = {**DEADLINES_S, **(deadlines or {})}
    outcomes: dict[str, Check] = {}
    threads = {}
    for name, probe in probes_by_name.items():
        guarded = _guarded(name, probe)

        def work(name: str = name, guarded: Callable[[], Check] = guarded) -> None:
            outcomes[name] = guarded()

        threads[name] = threading.Thread(target=work, name=f"djamon-doctor-{name}", daemon=True)
        threads[name].start()
    for name, thread in threads.items():
        thread.join(limits[name])
    checks = []
    for name in probes_by_name:
        found = outcomes.get(name)
        if found is None:  # still waiting: left behind (a daemon thread), said so
            found = Check(name, False, f"no answer within {limits[name]:g} s", _late_fix(name),
                          dict(EXTRA_WHEN_LATE.get(name, {})))  # fmt: skip
        checks.append(found)
    return checks


# -- the words -----------------------------------------------------------------------------------

#: the text's width: a long path or fix goes on over lines of its own, indented under the first
WIDTH = 100


def all_ok(checks: list[Check]) -> bool:
    return all(c.ok for c in checks)


def as_json(checks: list[Check]) -> dict[str, Any]:
    return {"ok": all_ok(checks), "checks": [c.as_json() for c in checks]}


def summary(checks: list[Check]) -> str:
    missing = [c.name for c in checks if not c.ok]
    if not missing:
        return f"All {len(checks)} checks passed: this desktop has everything the app uses."
    return f"{len(missing)} of {len(checks)} missing: {', '.join(missing)}."


def as_text(checks: list[Check]) -> str:
    """One line a check (``ok`` or ``missing``, its name, what was found), the fix under a
    missing one, then the summary: words rather than marks, so that a screen reader and any
    terminal read it alike."""
    width = max(len(c.name) for c in checks)
    indent = " " * (8 + 1 + width + 2)
    lines = []
    for c in checks:
        head = f"{'ok' if c.ok else 'missing':<8} {c.name:<{width}}  "
        lines += _wrapped(c.found, head, indent)
        if c.fix:
            lines += _wrapped(c.fix, indent + "→ ", indent + "  ")
    return "\n".join([*lines, "", summary(checks)])


def _wrapped(text: str, first: str, rest: str) -> list[str]:
    """``text`` in lines of :data:`WIDTH`, a path or a package name never cut."""
    return textwrap.wrap(
        text, WIDTH, initial_indent=first, subsequent_indent=rest,
        break_long_words=False, break_on_hyphens=False,
    )  # fmt: skip


def database_in_use() -> Path | str | None:
    """The database this process has open (the app's: a team URL, or the SQLite file), for the
    dashboard's check; None when none is. Reads what is in memory, asks the database nothing."""
    from .store import engine
    from .store.models import db

    if db.obj is None:
        return None
    return str(db.obj.database) if engine.is_team() else Path(db.obj.database)
