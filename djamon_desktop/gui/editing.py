"""Editing from the dashboard: the site and group editors, deactivating and deleting, each with
an Undo for ``UNDO_SECONDS`` (the Undo button, Ctrl+Z or Edit > Undo; newest first).

A delete hides the site or group at once and happens at its deadline, or when the app quits;
Undo before then only shows it again.

What an editor starts from comes from the last picture read; every change is made on the reads
thread (``reader``): the UI thread never talks to the database.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QWidget

from ..core.status import plural
from . import jobs as editing  # each runs on the reads thread
from .windows.editors import GroupEditor, SiteEditor

if TYPE_CHECKING:
    from ..picture import Picture
    from .reader import Reads

UNDO_SECONDS = 8


@dataclass
class Undoable:
    """Something just done that can be taken back for ``UNDO_SECONDS``; ``finish`` makes it
    final (a pending delete happens), at the deadline or when the app quits."""

    text: str  # what happened: 'Site "Blog" deleted.'
    what: str  # for the Edit menu: 'delete of "Blog"'
    undo: Callable[[], None]
    finish: Callable[[], None]
    timer: QTimer


class Editing(QObject):
    """``refresh`` redraws every window, ``status`` says a line in the dashboard, ``dashboard``
    gives the dashboard (or None), ``deleted_site`` closes a deleted site's window."""

    def __init__(
        self,
        refresh: Callable[[], None],
        status: Callable[[str], None],
        dashboard: Callable[[], QWidget | None],
        deleted_site: Callable[[int], None],
        reads: Reads,
        picture: Callable[[], Picture | None],
        *,
        new_timer: Callable[[QObject], QTimer] = QTimer,
    ) -> None:
        super().__init__()
        #: makes each Undo's deadline timer (parented to this object); a test gives one whose
        #: timers it fires itself, so it neither sleeps out the window nor races it
        self.new_timer = new_timer
        self._reads = reads
        self._picture = picture
        self._refresh = refresh
        self._status = status
        self._dashboard = dashboard
        self._deleted_site = deleted_site
        self.pending_deletes: set[tuple[str, int]] = set()  # hidden now, deleted at the deadline
        self.undoables: list[Undoable] = []  # oldest first
        self._ended = False

    def hidden(self, kind: str) -> set[int]:
        """The ids of the sites or groups (``kind``) whose delete is pending."""
        return {i for k, i in self.pending_deletes if k == kind}

    # -- editors ---------------------------------------------------------------------------------

    def _sites(self) -> list:
        picture = self._picture()
        return list(picture.sites) if picture else []

    def _groups(self) -> list:
        picture = self._picture()
        return list(picture.groups) if picture else []

    def edit_site(self, site_id: int | None) -> SiteEditor:
        site = next((s for s in self._sites() if s.site_id == site_id), None)

        def save(group_title: str, fields: dict) -> None:
            self._reads.wait(lambda: editing.save_site(group_title, fields, site_id))
            self._refresh()

        picture = self._picture()
        checks = {}
        if picture is not None:  # what a check of it uses (Try it, max_ms at most the timeout)
            checks = {"timeout": picture.settings.timeout_seconds}
            checks["good_codes"] = picture.settings.good_codes
        editor = SiteEditor(self._groups(), save, site, parent=self._dashboard(), **checks)
        editor.setModal(True)
        editor.show()
        return editor

    def edit_group(self, group_id: int | None) -> GroupEditor:
        group = next((g for g in self._groups() if g.group_id == group_id), None)

        def save(new_title: str, maintenance: list[dict]) -> None:
            self._reads.wait(lambda: editing.save_group(new_title, group_id, maintenance))
            self._refresh()

        title, windows = (group.title, group.maintenance) if group else ("", ())
        editor = GroupEditor(save, title, parent=self._dashboard(), maintenance=windows)
        editor.setModal(True)
        editor.show()
        return editor

    # -- changes that can be undone --------------------------------------------------------------

    def _change(self, job: Callable[[], object]) -> None:
        """Make a change on the reads thread, then show it (a failure says why)."""
        self._reads.call(job, lambda _: self._refresh(), self._status)

    def toggle_site(self, site_id: int) -> None:
        site = next((s for s in self._sites() if s.site_id == site_id), None)
        if site is None:
            return
        self._change(lambda: editing.save_site(site.group, {"active": not site.active}, site_id))
        verb = "activated" if not site.active else "deactivated"

        def undo() -> None:
            self._change(lambda: editing.set_active(site_id, site.active))

        self.offer_undo(
            f"“{site.title}” {verb}.", f"{verb[:-2]}ion of “{site.title}”", undo, lambda: None
        )

    def delete_later(self, kind: str, item_id: int) -> None:
        """Hide it now, delete it after a few seconds unless the user clicks Undo."""
        key = (kind, item_id)
        if key in self.pending_deletes:
            return
        if kind == "site":
            found = [s.title for s in self._sites() if s.site_id == item_id]
            text = f"Site “{found[0]}” deleted." if found else "Site deleted."
        else:
            found = [g.title for g in self._groups() if g.group_id == item_id]
            title = found[0] if found else ""
            count = sum(1 for s in self._sites() if s.group == title)
            text = f"Group “{title}” and its {plural(count, 'site')} deleted."
        if not found:
            return
        self.pending_deletes.add(key)
        self._refresh()
        self.offer_undo(
            text,
            f"delete of “{found[0]}”",
            lambda: self.pending_deletes.discard(key),
            lambda: self._delete_now(key),
        )

    def offer_undo(self, text: str, what: str, undo, finish) -> Undoable:
        """Show ``text`` with an Undo button (and Ctrl+Z) for ``UNDO_SECONDS``."""
        timer = self.new_timer(self)
        timer.setSingleShot(True)
        entry = Undoable(text, what, undo, finish, timer)
        timer.timeout.connect(lambda: self._finish(entry))
        timer.start(UNDO_SECONDS * 1000)
        self.undoables.append(entry)
        self.show_undo()
        return entry

    def undo_last(self) -> None:
        """Take back the newest thing that can still be undone."""
        if not self.undoables:
            return
        entry = self.undoables.pop()
        entry.timer.stop()
        entry.undo()
        self._refresh()  # (a pending delete undone: shown again)
        self.show_undo()
        self._status(f"Undone: {entry.text}")

    def show_undo(self) -> None:
        """The dashboard's Undo line: the newest change, and how many more can be undone."""
        dashboard = self._dashboard()
        if dashboard is None or self._ended:
            return
        if not self.undoables:
            dashboard.show_undo(None)
            return
        newest = self.undoables[-1]
        more = len(self.undoables) - 1
        also = f" ({plural(more, 'earlier change')} can be undone too.)" if more else ""
        dashboard.show_undo(newest.text + also, newest.what)

    def _finish(self, entry: Undoable) -> None:
        if entry in self.undoables:
            self.undoables.remove(entry)
            entry.timer.stop()
            entry.finish()
            self.show_undo()

    def _delete_now(self, key: tuple[str, int]) -> None:
        if key not in self.pending_deletes:
            return
        self.pending_deletes.discard(key)
        kind, item_id = key
        if kind == "site":
            self._deleted_site(item_id)
            job = functools.partial(editing.delete_site, item_id)
        else:
            job = functools.partial(editing.delete_group, item_id)
        if self._ended:  # quitting: done before the app goes
            self._reads.wait(job)
        else:
            self._change(job)

    # -- the end ---------------------------------------------------------------------------------

    def finish_all(self) -> None:
        """At quit: what the user asked for happens now (pending deletes), nothing is redrawn."""
        self._ended = True
        for entry in list(self.undoables):
            self._finish(entry)

    def stop(self) -> None:
        """Stop the deadlines still running, doing nothing (a disposed app's timer must not
        delete a site of another app's database)."""
        self._ended = True
        for entry in self.undoables:
            entry.timer.stop()
        self.undoables.clear()
