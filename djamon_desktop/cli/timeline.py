"""An outage's timeline as ``outage`` shows it: JSON, readable lines, and the post-mortem draft
of ``outage ID --markdown``.

Names, notes, titles and reasons come from others (every desktop of a team, import files): in
text they pass through ``one_line``; in Markdown each character that Markdown or HTML would take
as markup is escaped, so a note ``<b>x</b> *y*`` reads as those very characters wherever the
draft is pasted."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from ..core.people import taken_over_from
from ..core.status import local_text
from ..core.text import one_line
from .output import iso_utc

if TYPE_CHECKING:
    from ..store.queries import OutageInfo
    from ..store.timeline import Event

#: what Markdown would read as markup inside a line of the draft (every text of it follows a
#: heading's or a list item's own marks, so what only counts at a line's start, as ``1.`` or
#: ``-``, stays as typed: the draft is for people to edit)
_MARKDOWN_SPECIAL = set("\\`*_[]#|~")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def events_of(outage: OutageInfo) -> list[Event]:
    """The outage's timeline: what was stored, with what is knowable of an outage from before
    the timeline (``store.timeline.known_events``)."""
    from ..store import timeline

    sites = [(site.site_id, site.primary, site.start_time) for site in outage.sites]
    stored = timeline.events_of(outage.id)
    return timeline.known_events(stored, outage.start_time, outage.end_time, sites)


def timeline_json(events: Sequence[Event]) -> list[dict[str, Any]]:
    return [{"at": iso_utc(event.at), "event": event.event, **event.fields()} for event in events]


def notes_json(events: Sequence[Event]) -> list[dict[str, Any]]:
    return [
        {"at": iso_utc(event.at), "by": event.by, "text": event.text}
        for event in events
        if event.event == "note"
    ]


def _titles(outage: OutageInfo) -> dict[int, str]:
    return {site.site_id: site.title for site in outage.sites if site.site_id is not None}


def event_words(event: Event, titles: dict[int, str], took_from: str | None = None) -> str:
    """What an event is about, after its name: ``Payments API (from alice): HTTP 500``,
    ``email: connection refused``, ``by alice: looking at the database``. Raw text: the caller
    makes it safe for where it goes."""
    subject = []
    if event.site_id is not None:
        subject.append(titles.get(event.site_id, f"site {event.site_id}"))
    if event.vantage:
        subject.append(f"(from {event.vantage})")
    if event.channel:
        subject.append(event.channel)
    if event.by:
        subject.append(f"by {event.by}")
    if took_from:
        subject.append(f"(taken over from {took_from})")
    words = " ".join(subject)
    detail = event.text or event.reason
    if detail:
        return f"{words}: {detail}" if words else detail
    return words


def _when(at: datetime, day: str) -> str:
    """Local time; the date too when it is not the outage's first day."""
    shown = local_text(at)
    return shown[11:] if shown.startswith(day) else shown


def timeline_lines(outage: OutageInfo, events: Sequence[Event]) -> list[str]:
    """One event a line, local times: ``14:02:11  failed          Payments API: HTTP 500``."""
    day = local_text(outage.start_time)[:10]
    titles = _titles(outage)
    lines = []
    for event, took_from in zip(events, taken_over_from(events), strict=True):
        words = one_line(event_words(event, titles, took_from))
        lines.append(f"  {_when(event.at, day)}  {event.event:<14}  {words}".rstrip())
    return lines


def markdown_text(value: str) -> str:
    """``value`` as literal text in Markdown: one line, HTML's and Markdown's characters
    escaped."""
    out = []
    for ch in one_line(value):
        if ch in _HTML:
            out.append(_HTML[ch])
        elif ch in _MARKDOWN_SPECIAL:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def postmortem(outage: OutageInfo, events: Sequence[Event], lasted: str) -> str:
    """The post-mortem draft of ``outage ID --markdown``: a title, a summary, the timeline, the
    notes and the empty headings people fill in."""
    md = markdown_text
    primary = next((site.title for site in outage.sites if site.primary), None)
    title = f"Outage {outage.code}" + (f": {md(primary)}" if primary else "")
    sites = ", ".join(
        md(site.title) + (" (primary)" if site.primary else "") for site in outage.sites
    )
    zone = outage.start_time.astimezone().strftime("%Z") or "local"
    if outage.acknowledged_by:
        on_it = f"{md(outage.acknowledged_by)} since {local_text(outage.acknowledged_at)}"
    else:
        on_it = "nobody"
    ended = "still open" if outage.end_time is None else local_text(outage.end_time)
    lines = [
        f"# {title}",
        "",
        "## Summary",
        "",
        f"- Started: {local_text(outage.start_time)}",
        f"- Ended: {ended}",
        f"- Duration: {md(lasted)}",
        f"- Sites: {sites or 'none recorded'}",
        f"- Acknowledged by: {on_it}",
        f"- What people were told: {md(outage.content) or '-'}",
        f"- Extra information: {md(outage.extra_information) or '-'}",
        f"- Times are local ({md(zone)}).",
        "",
        "## Timeline",
        "",
    ]
    titles = _titles(outage)
    for event, took_from in zip(events, taken_over_from(events), strict=True):
        words = event_words(event, titles, took_from)
        lines.append(
            f"- {local_text(event.at)} **{md(event.event)}**" + (f" {md(words)}" if words else "")
        )
    lines += ["", "## Notes", ""]
    notes = [event for event in events if event.event == "note"]
    for note in notes:
        lines.append(f"- {local_text(note.at)}, {md(note.by or '')}: {md(note.text or '')}")
    if not notes:
        lines.append("No notes.")
    lines += ["", "## Cause", "", "## What we did", "", "## What we will change", ""]
    return "\n".join(lines)
