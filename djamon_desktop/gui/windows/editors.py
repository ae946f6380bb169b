"""Adding and changing groups and sites, with the import's rules and errors beside each field."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from ...core.config import (
    DEFAULT_DOWN_MESSAGE,
    DEFAULT_PRIORITY,
    DOWN_MESSAGE_MAX,
    PRIORITIES,
    TITLE_MAX,
)
from ...core.expect import parse_expect
from ...core.problems import DocumentRefused, url_problem
from ...core.sites import SiteInfo
from ...core.urls import with_https
from .. import plain
from ..trying import Trier
from .base import window_title
from .expect_fields import ExpectFields
from .fit import Scrolled, fit_to_screen
from .forms import FieldErrors
from .maintenance_field import WindowsField
from .unsaved import ask_unsaved

if TYPE_CHECKING:
    from ...store.queries import GroupInfo


def _save_cancel(dialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    save = buttons.button(QDialogButtonBox.StandardButton.Save)
    # a QShortcut, not the button's own: the box gives its buttons a mnemonic that replaces it
    QShortcut(QKeySequence.StandardKey.Save, dialog, activated=save.click)
    buttons.accepted.connect(dialog.try_save)
    buttons.rejected.connect(dialog.reject)
    return buttons


def typed_state(dialog: QWidget) -> tuple:
    """What every field of ``dialog`` holds as typed (to tell whether anything was changed)."""
    state: list[object] = []
    for widget in dialog.findChildren(QWidget):
        if isinstance(widget, QLineEdit | QAbstractSpinBox):
            state.append(widget.text())
        elif isinstance(widget, QComboBox):
            state.append(widget.currentText())
        elif isinstance(widget, QAbstractButton) and widget.isCheckable():
            state.append(widget.isChecked())
        elif isinstance(widget, QListWidget):
            state.append(tuple(widget.item(i).text() for i in range(widget.count())))
    return tuple(state)


class GroupEditor(QDialog):
    """``save(title, maintenance)`` stores the group (its windows apply to each of its sites)."""

    def __init__(
        self, save: Callable[[str, list], object], title: str = "", parent=None, maintenance=()
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.setWindowTitle(window_title("Rename group" if title else "Add group"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.errors = FieldErrors()
        self.title = QLineEdit(title)
        self.title.setMaxLength(TITLE_MAX + 10)
        self.errors.add_row(form, "Title:", "title", self.title)
        self.maintenance = WindowsField(maintenance)
        self.errors.add_row(form, "Maintenance:", "maintenance", self.maintenance)
        layout.addLayout(form)
        layout.addWidget(_save_cancel(self))

    def try_save(self) -> bool:
        self.errors.clear()
        try:
            self._save(self.title.text(), self.maintenance.windows())
        except DocumentRefused as refused:
            self.errors.show_problems(refused.problems)
            return False
        self.accept()
        return True


class SiteEditor(QDialog):
    """``save(group_id, fields)`` stores the site or raises DocumentRefused. ``timeout`` and
    ``good_codes`` are the settings a check of the site uses (``max_ms`` may not exceed the
    timeout; a try uses both)."""

    def __init__(
        self,
        groups: list[GroupInfo],
        save: Callable[[int, dict], object],
        site: SiteInfo | None = None,
        group_id: int | None = None,
        parent=None,
        timeout: float = 5,
        good_codes: Sequence[int] = (200,),
    ) -> None:
        super().__init__(parent)
        self._save = save
        self.setWindowTitle(window_title(f"Edit {site.title}" if site else "Add site"))
        outer = QVBoxLayout(self)
        body = QWidget()  # scrolled on a screen smaller than the form (Save stays in reach)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(0, 0, 0, 0)
        form = QFormLayout()
        self.errors = FieldErrors()
        self.group = QComboBox()
        self.group.setEditable(True)  # type a new name to make a new group
        for g in groups:
            self.group.addItem(g.title, g.group_id)
        if site is not None:
            self.group.setCurrentText(site.group)
        elif group_id is not None:
            self.group.setCurrentIndex(max(0, self.group.findData(group_id)))
        elif not groups:
            self.group.setEditText("Production")
        self.errors.add_row(form, "Group:", "group", self.group)
        self.title = QLineEdit(site.title if site else "")
        self.title.setPlaceholderText(f"up to {TITLE_MAX} characters")
        self.errors.add_row(form, "Title:", "title", self.title)
        self.url = QLineEdit(site.url if site else "")
        self.url.setPlaceholderText("https://example.com/health")
        self.url.editingFinished.connect(self._offer_https)
        self.errors.add_row(form, "URL:", "url", self.url)
        self.priority = QComboBox()
        self.priority.addItems(list(PRIORITIES))
        self.priority.setCurrentText(site.priority if site else DEFAULT_PRIORITY)
        self.errors.add_row(form, "Priority:", "priority", self.priority)
        self.active = QCheckBox("Check this site")
        self.active.setChecked(site.active if site else True)
        self.errors.add_row(form, "Active:", "active", self.active)
        self.down_message = QLineEdit(site.down_message if site else DEFAULT_DOWN_MESSAGE)
        self.errors.add_row(form, "Down message:", "down_message", self.down_message)
        self.count = plain.label()
        self.down_message.textChanged.connect(self._count)
        self._count()
        form.addRow("", self.count)
        self.maintenance = WindowsField(site.maintenance if site else ())
        self.errors.add_row(form, "Maintenance:", "maintenance", self.maintenance)
        layout.addLayout(form)
        self.expect = ExpectFields(self.errors, site.expect if site else None, timeout, good_codes)
        layout.addWidget(self.expect)
        self.trier = Trier(self)
        self.trier.answered.connect(self.expect.show_answer)
        self.expect.try_button.clicked.connect(self.try_it)
        outer.addWidget(Scrolled(body, "The site's fields"), 1)
        outer.addWidget(_save_cancel(self))
        self.resize(560, self.sizeHint().height())
        fit_to_screen(self)
        self.close_question: QMessageBox | None = None
        self._baseline = typed_state(self)

    def has_unsaved_edits(self) -> bool:
        return typed_state(self) != self._baseline

    def reject(self) -> None:
        """Escape, Cancel and the window's close button: close at once when nothing was
        changed, else ask Save / Discard / Cancel first, as Settings does."""
        if not self.has_unsaved_edits():
            super().reject()
            return
        ask_unsaved(
            self,
            "Unsaved site",
            "This site was changed and not saved.",
            "Save it before closing?",
            self._close_answered,
        )

    def _close_answered(self, button: QMessageBox.StandardButton) -> None:
        if button == QMessageBox.StandardButton.Save:
            self.try_save()  # closes when saved; else the problems show beside their fields
        elif button == QMessageBox.StandardButton.Discard:
            super().reject()

    def _offer_https(self) -> None:
        """A bare host typed (``example.com``) becomes ``https://example.com`` in the field,
        where the person sees it before it is saved or tried."""
        typed = self.url.text()
        offered = with_https(typed)
        if offered != typed:
            self.url.setText(offered)

    def _count(self) -> None:
        n = len(self.down_message.text())
        self.count.setText(f"{n} of {DOWN_MESSAGE_MAX} characters (quoted by alerts)")

    def fields(self) -> dict:
        return {
            "title": self.title.text(),
            "url": self.url.text().strip(),
            "priority": self.priority.currentText(),
            "active": self.active.isChecked(),
            "down_message": self.down_message.text(),
            "maintenance": self.maintenance.windows(),
            "expect": self.expect.value()[0],
        }

    def try_save(self) -> bool:
        """Save and close, or show every problem beside its field and keep the dialog open."""
        self._offer_https()  # (Ctrl+S leaves the field without finishing its editing)
        self.errors.clear()
        problems = self.expect.value()[1]
        if problems:  # refused here: the store would say the same
            self.expect.show_problems(problems)
            self._fit()
            return False
        try:
            self._save(self.group.currentText(), self.fields())
        except DocumentRefused as refused:
            self.errors.show_problems(refused.problems)
            self._fit()
            return False
        self.accept()
        return True

    def _fit(self) -> None:
        """Grow to show the errors just shown whole (never shrink what the user sized)."""
        self.layout().activate()
        self.resize(self.width(), max(self.height(), self.sizeHint().height()))
        fit_to_screen(self)

    def try_it(self) -> None:
        """Check the URL once with the conditions as typed, on a thread of its own; the answer
        shows under the button. While it runs the button takes no second click."""
        if self.trier.running:
            return
        self._offer_https()
        for key in ("url", *(k for k in self.errors.labels if k.startswith("expect"))):
            self.errors.hide(key)
        url = self.url.text().strip()
        problem = url_problem(url)
        value, problems = self.expect.value()
        if problem:
            self.errors.show("url", problem)
        self.expect.show_problems(problems)
        if problem or problems:
            self.expect.show_answer("Not tried: fix the problems shown above first.")
            self._fit()
            return
        expect = parse_expect(value, self.expect.timeout)
        self.expect.trying(True)
        self.trier.start(url, expect, self.expect.timeout, self.expect.good_codes)
