"""Who is at this desktop: the name an acknowledgement or a note is signed with.

``--as NAME``, else the environment variable ``DJAMON_USER``, else the login name as Python's
``getpass.getuser()`` finds it. A name is text others see (the tray of every desktop of a team):
1 to 40 characters on one line, no control or bidirectional characters. Pure but for the
login name, which is read only when nothing else names the person."""

from __future__ import annotations

import getpass
from collections.abc import Mapping, Sequence
from typing import Protocol

from .text import text_problem

NAME_MAX = 40
ENV_USER = "DJAMON_USER"

#: a note's longest text
NOTE_MAX = 1000


def name_problem(name: str) -> str | None:
    """What is wrong with a person's name, or None."""
    if not name.strip() or len(name.strip()) > NAME_MAX:
        return f"use 1 to {NAME_MAX} characters on one line"
    return text_problem(name)


def person(given: str | None, environ: Mapping[str, str]) -> tuple[str, str]:
    """The person's name and where it came from (``--as``, ``DJAMON_USER``, ``login name``);
    the name is not checked here (:func:`name_problem`)."""
    if given is not None:
        return given.strip(), "--as"
    if environ.get(ENV_USER, "").strip():
        return environ[ENV_USER].strip(), ENV_USER
    try:
        login = getpass.getuser()
    except Exception:  # no login name to be found (a container with no passwd entry)
        login = "someone"
    return login.strip()[:NAME_MAX].strip() or "someone", "login name"


def note_problem(text: str) -> str | None:
    """What is wrong with a note's text, or None: 1 to 1,000 characters, plain text."""
    if not text.strip():
        return "a note needs some text"
    if len(text) > NOTE_MAX:
        return f"a note is at most {NOTE_MAX:,} characters; this one has {len(text):,}"
    return text_problem(text)


class Happened(Protocol):
    """An event of an outage's timeline, as far as who is on it goes."""

    event: str
    by: str | None


def taken_over_from(events: Sequence[Happened]) -> list[str | None]:
    """For each event, in order, whom an acknowledgement took the outage over from (someone
    else was on it then), else None: what a timeline says of a take-over."""
    out: list[str | None] = []
    holder: str | None = None
    for event in events:
        took = None
        if event.event == "acknowledged":
            if holder is not None and holder != event.by:
                took = holder
            holder = event.by
        elif event.event == "unacknowledged":
            holder = None
        out.append(took)
    return out
