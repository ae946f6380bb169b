"""Every setting, declared once: key, default, kind (which gives its type and check), bounds,
choices, label and help. Validation, the defaults, the export's key order, import and the
Settings window all read :data:`SETTINGS`, so a new setting is one line here plus its use.

Keys with a dot (``email.port``) live in a nested object of the document (``"email": {"port":
587}``). Pure: no Qt, no store."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .loopback import is_loopback
from .maintenance import windows_problems
from .problems import (
    Problems,
    bool_problem,
    email_problem,
    int_problem,
    json_type,
    list_of,
    string_problem,
    web_url_problem,
)
from .schedule import DEFAULT_SCHEDULE, line_problem

SECURITIES: tuple[str, ...] = ("starttls", "ssl", "none")


@dataclass(frozen=True)
class Setting:
    """One setting. ``kind`` names its type and its check (see :data:`KINDS`); ``low`` and
    ``high`` bound a number (``seconds``: more than ``low``); ``help`` is the tooltip, and is
    also shown under the field when ``explained``."""

    key: str
    default: Any
    kind: str
    label: str
    help: str = ""
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()
    section: str = "Checks"
    placeholder: str = ""
    unit: str = ""
    explained: bool = False

    @property
    def parent(self) -> str | None:
        """The nested object holding it (``email``), or None for a top-level setting."""
        return self.key.split(".", 1)[0] if "." in self.key else None

    @property
    def name(self) -> str:
        """The key inside its object (``port`` for ``email.port``)."""
        return self.key.rsplit(".", 1)[-1]


SANDBOX_HELP = (
    "Addresses that normally always work, such as a big public site. They are tried with every "
    "round; if none of them answers, your own connection is taken to be down and the round "
    "blames no site. Leave this empty to turn the guard off."
)

# fmt: off
SETTINGS: tuple[Setting, ...] = (
    Setting("schedule", list(DEFAULT_SCHEDULE), "crontab", "Crontab lines:",
            "When rounds run: one crontab line each (minute hour day month weekday), in local "
            "time; a round runs at every time any line names.",
            section="Schedule",
            placeholder="one crontab line each: minute hour day month weekday"),
    Setting("sandbox_urls", ["https://www.bbc.co.uk/", "https://www.google.co.uk/"], "urls",
            "Sandbox URLs:", SANDBOX_HELP, explained=True,
            placeholder="one URL each, e.g. https://www.bbc.co.uk/"),
    Setting("good_codes", [200, 301, 304], "status_codes", "Good status codes:",
            "HTTP status codes that count as the site being up.", low=100, high=599,
            placeholder="200, 301, 302"),
    Setting("strikes", 3, "int", "Failures before down:",
            "Failed checks in a row before a site counts as down and an outage opens.",
            low=1, high=1000),
    Setting("timeout_seconds", 5, "seconds", "Timeout:",
            "How long a check may take in all (name lookup, connecting, the answer) before it "
            "fails.",
            low=0, high=60, unit=" s"),
    Setting("retention_days", 90, "int", "Keep check history:",
            "Raw checks older than this are purged once a day; hour summaries (at least 400 "
            "days, so a report can cover the same month last year) and outages stay.",
            low=1, high=36500, unit=" days"),
    Setting("notify_recovery", True, "bool", "Send an alert when an outage ends",
            "Besides the alert when an outage opens, one when it closes."),
    Setting("email.enabled", False, "bool", "Send e-mail alerts",
            "Send an e-mail when an outage opens (and ends).", section="E-mail"),
    Setting("email.host", "smtp.gmail.com", "host", "SMTP host:",
            "The mail server that sends the alerts.", section="E-mail"),
    Setting("email.port", 587, "int", "Port:",
            "The mail server's port: 587 for STARTTLS, 465 for SSL.",
            low=1, high=65535, section="E-mail"),
    Setting("email.security", "starttls", "choice", "Security:",
            "How the connection to the mail server is encrypted.",
            choices=SECURITIES, section="E-mail"),
    Setting("email.username", "", "text", "User name:",
            "The mail server's user name (its password goes to the OS keyring).",
            section="E-mail"),
    Setting("email.from", "", "sender", "From:",
            "The sender's address; when empty, the user name is used.", section="E-mail"),
    Setting("email.to", [], "emails", "To:", "Who gets the alerts, separated by commas.",
            section="E-mail", placeholder="ops@example.com, boss@example.com"),
    Setting("twitter.enabled", False, "bool", "Post on X when an outage opens and ends",
            "Post on X (Twitter) with the keys stored in the OS keyring.", section="X"),
    Setting("apprise.enabled", False, "bool", "Send alerts to the Apprise URLs",
            "Send each alert to every Apprise URL (Slack, Teams, Discord, Telegram, ntfy and "
            "100 more) kept in the OS keyring; each URL gets it once.", section="Apprise"),
    Setting("confirmations", 1, "int", "Vantages that must see a site down:",
            "With a team database, how many desktops (vantage points, each with its own "
            "failures in a row) must see a site down before it is down and an outage opens; "
            "fewer make it a warning. Only desktops that ran a round in the last 15 minutes "
            "count. 1: any one desktop, as on your own.",
            low=1, high=100, section="Team"),
    Setting("cert_warning_days", 14, "int", "Warn before a certificate expires:",
            "For an https site, an alert on every enabled channel (and a notice in the dashboard "
            "and the tray) this many days before its certificate expires; 0 turns it off.",
            low=0, high=3650, unit=" days"),
    Setting("retry_seconds", 20, "int", "Re-check a failing site every:",
            "Once a site's check fails, check it again this often instead of waiting for the "
            "schedule, until it is up again: an outage opens about (failures before down - 1) "
            "× this after the first failure, at any hour. 0 turns it off.",
            low=0, high=300, unit=" s"),
    Setting("escalate_after_minutes", 0, "int", "Remind when nobody is on it after:",
            "An outage still open and not acknowledged this long after it started sends one "
            "reminder on every enabled channel (once for the team); 0 turns it off.",
            low=0, high=1440, unit=" min", section="Incidents"),
    Setting("quiet_hours", [], "windows", "Quiet hours:",
            "While one of these windows is on, e-mail, X and Apprise alerts of outages whose "
            "primary site is not critical wait, and go out as one digest per channel when it "
            "ends; critical ones go at once, and the desktop still notifies. Each window is a "
            "crontab line for its start and a length in minutes, like maintenance windows.",
            section="Incidents", explained=True),
    Setting("monthly_report.enabled", False, "bool", "Mail last month's uptime report on the 1st",
            "On the 1st of each month, the first round from midnight (local time) e-mails last "
            "month's uptime report of every group as a PDF, once for the team. Needs e-mail "
            "alerts on.", section="E-mail"),
    Setting("monthly_report.to", [], "emails", "Report to:",
            "Who gets the monthly report, separated by commas; when empty, the alert "
            "recipients (To above).", section="E-mail", explained=True,
            placeholder="empty: the alert recipients"),
)
# fmt: on


# -- the kinds: each one's check ------------------------------------------------------------------

Check = Callable[[Setting, object, str, Problems], None]


def _one(problem: str | None, place: str, problems: Problems) -> None:
    if problem:
        problems.add(place, problem)


def _check_crontab(setting: Setting, value: object, place: str, problems: Problems) -> None:
    if isinstance(value, list) and not value:
        problems.add(place, "needs at least one crontab line")
        return
    list_of(value, place, problems, line_problem)


def _check_status_codes(setting: Setting, value: object, place: str, problems: Problems) -> None:
    if isinstance(value, list) and not value:
        problems.add(place, "needs at least one status code")
        return
    low, high = int(setting.low or 0), int(setting.high or 0)

    def code(entry: object) -> str | None:
        problem = int_problem(entry, low, high)
        return f"{problem} (an HTTP status code is {low}-{high})" if problem else None

    list_of(value, place, problems, code)


def _check_seconds(setting: Setting, value: object, place: str, problems: Problems) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        problems.add(place, f"must be a number of seconds, not {json_type(value)}")
    elif not (setting.low or 0) < value <= (setting.high or 0):
        problems.add(
            place,
            f"{value} is out of range; use more than {setting.low:g} and at most "
            f"{setting.high:g} seconds",
        )


def _check_int(setting: Setting, value: object, place: str, problems: Problems) -> None:
    high = None if setting.high is None else int(setting.high)
    _one(int_problem(value, int(setting.low or 0), high), place, problems)


def _check_choice(setting: Setting, value: object, place: str, problems: Problems) -> None:
    if value not in setting.choices:
        problems.add(place, f"{json.dumps(value)} is not one of {', '.join(setting.choices)}")


def _host_problem(value: object) -> str | None:
    if not isinstance(value, str):
        return f"must be a string, not {json_type(value)}"
    if any(ch.isspace() for ch in value):
        return f"{value!r} is not a host name"
    return None


def _check_windows(setting: Setting, value: object, place: str, problems: Problems) -> None:
    for under, message in windows_problems(value):
        problems.add(f"{place}{under}", message)


KINDS: dict[str, Check] = {
    "bool": lambda s, v, place, problems: _one(bool_problem(v), place, problems),
    "int": _check_int,
    "seconds": _check_seconds,
    "text": lambda s, v, place, problems: _one(string_problem(v), place, problems),
    "host": lambda s, v, place, problems: _one(_host_problem(v), place, problems),
    "choice": _check_choice,
    "sender": lambda s, v, place, problems: _one(
        None if v == "" else email_problem(v), place, problems
    ),
    "emails": lambda s, v, place, problems: list_of(v, place, problems, email_problem),
    "urls": lambda s, v, place, problems: list_of(v, place, problems, web_url_problem),
    "crontab": _check_crontab,
    "status_codes": _check_status_codes,
    "windows": _check_windows,
}


# -- reading the table ----------------------------------------------------------------------------


def setting(key: str) -> Setting:
    """The setting called ``key`` (``email.port``)."""
    for entry in SETTINGS:
        if entry.key == key:
            return entry
    raise KeyError(key)


def _tree() -> dict[str, Setting | dict[str, Setting]]:
    """The table shaped as the document: top-level keys in order, nested objects as dicts."""
    tree: dict[str, Any] = {}
    for entry in SETTINGS:
        if entry.parent is None:
            tree[entry.key] = entry
        else:
            tree.setdefault(entry.parent, {})[entry.name] = entry
    return tree


def nested_keys() -> tuple[str, ...]:
    """The settings that are objects of settings (``email``, ``twitter``)."""
    return tuple(key for key, node in _tree().items() if isinstance(node, dict))


def default_settings() -> dict[str, Any]:
    """Every setting at its default, in the table's order (the export's order)."""
    return {
        key: (
            {name: copy.deepcopy(entry.default) for name, entry in node.items()}
            if isinstance(node, dict)
            else copy.deepcopy(node.default)
        )
        for key, node in _tree().items()
    }


def _check_object(
    raw: object, place: str, problems: Problems, node: Mapping[str, Setting | dict]
) -> None:
    if not isinstance(raw, dict):
        problems.add(place, f"must be an object, not {json_type(raw)}")
        return
    for key, value in raw.items():
        child = node.get(key)
        where = f"{place}.{key}"
        if child is None:
            problems.add(where, f"unknown key; known keys: {', '.join(node)}")
        elif isinstance(child, dict):
            _check_object(value, where, problems, child)
        else:
            KINDS[child.kind](child, value, where, problems)


def check_settings(raw: object, place: str, problems: Problems) -> None:
    """Record every problem of a (possibly partial) settings object."""
    _check_object(raw, place, problems, _tree())


def merge_settings(current: Mapping[str, Any], partial: Mapping[str, Any]) -> dict[str, Any]:
    """Settings after an import: a key present replaces; inside email and twitter, key by key."""
    nested = nested_keys()
    merged = copy.deepcopy(dict(current))
    for key, value in partial.items():
        if key in nested:
            merged[key] = {**merged.get(key, {}), **copy.deepcopy(value)}
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def check_combined(settings: Mapping[str, Any], place: str, problems: Problems) -> None:
    """Rules that look at several settings at once (run on the settings an import would leave)."""
    email = settings.get("email", {})
    if email.get("enabled"):
        if not str(email.get("host", "")).strip():
            problems.add(f"{place}.email.host", "e-mail is enabled but no SMTP host is set")
        if not email.get("to"):
            problems.add(f"{place}.email.to", "e-mail is enabled but there is no recipient")
    host = str(email.get("host", "")).strip()
    if email.get("security") == "none" and email.get("username") and not is_loopback(host):
        problems.add(
            f"{place}.email.security",
            f"none would send the SMTP password unencrypted to {host}, which is not this "
            "machine (only localhost, 127.x.x.x or ::1 is); use starttls or ssl, or no username",
        )


def with_defaults(stored: Mapping[str, Any]) -> dict[str, Any]:
    """The stored settings over the defaults: every key present, known keys only."""
    out = default_settings()
    nested = nested_keys()
    for key, value in stored.items():
        if key not in out:
            continue
        if key in nested and isinstance(value, dict):
            out[key].update({k: v for k, v in value.items() if k in out[key]})
        else:
            out[key] = value
    return out


def value_at(settings: Mapping[str, Any], key: str) -> Any:
    """The value of ``key`` (``email.port``) in a settings object."""
    for part in key.split("."):
        settings = settings[part]
    return settings
