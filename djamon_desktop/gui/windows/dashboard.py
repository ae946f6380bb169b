"""The dashboard: every group with its sites, worst first within each group's priority order.

Above the table: a filter box (Ctrl+F; Escape clears it), a notice when connectivity is lost
(with a button to the sandbox URLs in Settings) and a notice with an Undo button while a delete
or a (de)activation can be undone (Ctrl+Z, or Edit > Undo). Clicking a column's header sorts the
sites within their groups by it, a second click reverses, a third restores the usual order.
Colours are chosen against the palette's base colour, so a dark theme stays readable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.outages import PRIORITY_NAMES
from ...core.status import answer_text, failure_words, local_text, plural
from ...core.urls import shown_url
from ...store.repo import SiteInfo
from .base import RememberedWindow, window_title

#: the hue of each state's row; its strength over the base colour depends on the palette
STATE_TINT = {
    "up": QColor(46, 160, 67),
    "warning": QColor(230, 162, 20),
    "down": QColor(207, 34, 46),
    "unknown": QColor(128, 128, 128),
}
TINT_ALPHA = {"up": 0.16, "warning": 0.27, "down": 0.27, "unknown": 0.12}
PRIORITY_COLOUR = {
    "critical": QColor(176, 0, 32),
    "high": QColor(200, 90, 0),
    "normal": None,  # the palette's text colour
    "low": QColor(110, 110, 110),
}
INACTIVE_TEXT = QColor(128, 128, 128)
MIN_CONTRAST = 4.5  # WCAG AA for normal text
COLUMNS = [
    "Site",
    "Priority",
    "State",
    "Uptime 24 h",
    "Last seen",
    "Last answer",
    "Response",
    "Failures",
]
SITE_ROLE = Qt.ItemDataRole.UserRole
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
STATE_ORDER = {"down": 0, "warning": 1, "up": 2, "unknown": 3, "inactive": 4}


# -- colours ---------------------------------------------------------------------------------------


def luminance(colour: QColor) -> float:
    """Relative luminance as WCAG 2 defines it."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio of two opaque colours, from 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way to ``b``; opaque."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
    )


def is_dark(base: QColor) -> bool:
    return luminance(base) < 0.2


def tint(state: str, base: QColor) -> QColor:
    """A state's row colour over ``base`` (stronger on a dark base, where tints fade)."""
    strength = TINT_ALPHA[state] * (1.6 if is_dark(base) else 1.0)
    return mix(base, STATE_TINT[state], strength)


def readable(colour: QColor, background: QColor, minimum: float = MIN_CONTRAST) -> QColor:
    """``colour``, or the nearest shade of it (towards white or black, whichever the background
    allows) that reaches ``minimum`` contrast against ``background``."""
    if contrast(colour, background) >= minimum:
        return colour
    white, black = QColor(255, 255, 255), QColor(0, 0, 0)
    target = white if contrast(white, background) > contrast(black, background) else black
    for step in range(1, 21):
        shade = mix(colour, target, step / 20)
        if contrast(shade, background) >= minimum:
            return shade
    return target


# -- rows ------------------------------------------------------------------------------------------


class _Row(QTreeWidgetItem):
    """A tree row that sorts by its own keys: sites by the clicked column, groups never (they
    keep their order whichever way the sites are sorted)."""

    keys: tuple = ()
    position = 0

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        if self.parent() is None or not isinstance(other, _Row):
            # groups: their own order, whether the sort is ascending or descending
            descending = (
                tree is not None
                and tree.header().sortIndicatorOrder() == Qt.SortOrder.DescendingOrder
            )
            mine, theirs = self.position, getattr(other, "position", 0)
            return mine > theirs if descending else mine < theirs
        column = tree.sortColumn() if tree is not None else 0
        return (self.keys[column], self.position) < (other.keys[column], other.position)


def response_text(site: SiteInfo) -> str:
    """The last check's response time; for a failed one the kind of failure, never ``0 ms``."""
    if site.last_checked is None or site.last_elapsed_ms is None:
        return "-"
    if site.last_error:
        return site.last_error
    return "<1 ms" if site.last_elapsed_ms < 1 else f"{site.last_elapsed_ms:.0f} ms"


def group_counts(sites: list[SiteInfo]) -> tuple[int, int]:
    """(warnings, errors) among a group's active sites."""
    active = [s for s in sites if s.active]
    return (
        sum(1 for s in active if s.state == "warning"),
        sum(1 for s in active if s.state == "down"),
    )


# -- the window ------------------------------------------------------------------------------------


class NoticeBar(QFrame):
    """A line above the table: a message and one button."""

    def __init__(self, name: str, button_text: str) -> None:
        super().__init__()
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.AlternateBase)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.button = QPushButton(button_text)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        self.hide()

    def show_text(self, text: str | None) -> None:
        if text:
            self.label.setText(text)
        self.setVisible(bool(text))


@dataclass
class _Shown:
    """The last content given to ``show_sites`` (redrawn on a palette change)."""

    groups: list[tuple[int, str]]
    sites: list[SiteInfo]
    hidden: set[int]
    uptime: dict


class DashboardWindow(RememberedWindow, QMainWindow):
    open_site = Signal(int)
    add_site = Signal()
    add_group = Signal()
    edit_site = Signal(int)
    edit_group = Signal(int)
    toggle_site = Signal(int)
    delete_site = Signal(int)
    delete_group = Signal(int)
    undo = Signal()
    import_file = Signal()
    export_file = Signal()
    check_now = Signal()
    open_outages = Signal()
    open_settings = Signal()
    open_sandbox_settings = Signal()
    open_about = Signal()
    open_readme = Signal()
    quit_app = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(window_title("Dashboard"))
        self._shown: _Shown | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._build_menus()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(False)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(False)
        header.sectionClicked.connect(self._header_clicked)
        self.tree.itemActivated.connect(self._activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.act_edit, self.act_toggle, self.act_delete):
            self.tree.addAction(action)
        self.tree.currentItemChanged.connect(lambda *_: self._update_actions())

        self.filter = QLineEdit()
        self.filter.setObjectName("filter")
        self.filter.setPlaceholderText("Filter by title, group or URL (Ctrl+F)")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(lambda *_: self._apply_filter())
        self.filter.returnPressed.connect(self._focus_first_match)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self.filter,
            self._escape_filter,
            Qt.ShortcutContext.WidgetShortcut,
        )
        self.filter_count = QLabel()
        self.connectivity_bar = NoticeBar("connectivity", "Sandbox URLs in Settings…")
        self.connectivity_bar.button.clicked.connect(lambda *_: self.open_sandbox_settings.emit())
        self.undo_bar = NoticeBar("undo", "Undo (Ctrl+Z)")
        self.undo_button = self.undo_bar.button
        self.undo_button.clicked.connect(lambda *_: self.undo.emit())

        table = QWidget()
        lay = QVBoxLayout(table)
        lay.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.setContentsMargins(4, 4, 4, 0)
        top.addWidget(self.filter, 1)
        top.addWidget(self.filter_count)
        lay.addLayout(top)
        lay.addWidget(self.tree, 1)

        empty = QWidget()
        lay = QVBoxLayout(empty)
        lay.addStretch()
        note = QLabel(
            "<h2>Nothing is monitored yet</h2>"
            "<p>Add the first site to watch, or import a djamon-desktop file.</p>"
        )
        note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(note)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.empty_add = QPushButton("Add a site…")
        self.empty_add.clicked.connect(lambda *_: self.add_site.emit())
        self.empty_import = QPushButton("Import a file…")
        self.empty_import.clicked.connect(lambda *_: self.import_file.emit())
        buttons.addWidget(self.empty_add)
        buttons.addWidget(self.empty_import)
        buttons.addStretch()
        lay.addLayout(buttons)
        lay.addStretch()

        self.stack = QStackedWidget()
        self.stack.addWidget(empty)
        self.stack.addWidget(table)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addWidget(self.connectivity_bar)
        outer.addWidget(self.undo_bar)
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self._overview = ""
        self.remember("dashboard", (1100, 600))
        self.tree.setFocus()  # the table has the keys when the window opens; Ctrl+F the filter
        self._update_actions()

    # -- menus -----------------------------------------------------------------------------------

    def _action(self, menu, text: str, signal, shortcut=None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda *_: signal.emit())
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self._action(file_menu, "&Import…", self.import_file, "Ctrl+I")
        self._action(file_menu, "&Export…", self.export_file, "Ctrl+E")
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", self.quit_app, QKeySequence.StandardKey.Quit)
        edit = bar.addMenu("&Edit")
        self.act_undo = self._action(edit, "&Undo", self.undo, "Ctrl+Z")
        self.act_undo.setEnabled(False)
        edit.addSeparator()
        self.act_filter = QAction("&Filter sites…", self)
        self.act_filter.setShortcut(QKeySequence("Ctrl+F"))
        self.act_filter.triggered.connect(self._focus_filter)
        edit.addAction(self.act_filter)
        sites = bar.addMenu("&Sites")
        self._action(sites, "&Add site…", self.add_site, QKeySequence.StandardKey.New)
        self._action(sites, "Add &group…", self.add_group, "Ctrl+Shift+N")
        self.act_edit = QAction("&Edit…", self)
        self.act_edit.setShortcut(QKeySequence("Ctrl+Return"))
        self.act_edit.triggered.connect(self._edit_current)
        sites.addAction(self.act_edit)
        self.act_toggle = QAction("&Deactivate", self)
        self.act_toggle.setShortcut(QKeySequence("Ctrl+D"))
        self.act_toggle.triggered.connect(self._toggle_current)
        sites.addAction(self.act_toggle)
        self.act_delete = QAction("De&lete", self)
        self.act_delete.setShortcut(QKeySequence.StandardKey.Delete)
        self.act_delete.triggered.connect(self._delete_current)
        sites.addAction(self.act_delete)
        monitor = bar.addMenu("&Monitor")
        self._action(monitor, "&Check now", self.check_now, QKeySequence.StandardKey.Refresh)
        self._action(monitor, "&Outages…", self.open_outages, "Ctrl+O")
        # explicit: the standard Preferences key is empty on X11
        self.act_settings = self._action(monitor, "&Settings…", self.open_settings, "Ctrl+,")
        help_menu = bar.addMenu("&Help")
        self.act_readme = self._action(help_menu, "&README", self.open_readme)
        self.act_about = self._action(help_menu, "&About djamon-desktop", self.open_about)

    def _current(self) -> tuple[int | None, int | None]:
        item = self.tree.currentItem()
        if item is None or item.isHidden():
            return None, None
        return item.data(0, SITE_ROLE), item.data(0, GROUP_ROLE)

    def _update_actions(self) -> None:
        site_id, group_id = self._current()
        self.act_edit.setEnabled(site_id is not None or group_id is not None)
        self.act_delete.setEnabled(site_id is not None or group_id is not None)
        self.act_toggle.setEnabled(site_id is not None)
        item = self.tree.currentItem()
        if site_id is not None and item is not None:
            inactive = item.data(1, SITE_ROLE) == 0
            self.act_toggle.setText("&Activate" if inactive else "&Deactivate")

    def _edit_current(self) -> None:
        site_id, group_id = self._current()
        if site_id is not None:
            self.edit_site.emit(site_id)
        elif group_id is not None:
            self.edit_group.emit(group_id)

    def _toggle_current(self) -> None:
        site_id, _ = self._current()
        if site_id is not None:
            self.toggle_site.emit(site_id)

    def _delete_current(self) -> None:
        site_id, group_id = self._current()
        if site_id is not None:
            self.delete_site.emit(site_id)
        elif group_id is not None:
            self.delete_group.emit(group_id)

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        site_id = item.data(0, SITE_ROLE)
        if site_id is not None:
            self.open_site.emit(site_id)

    # -- notices ---------------------------------------------------------------------------------

    def show_undo(self, text: str | None, what: str = "") -> None:
        """Offer Undo for ``text`` (what just happened), or nothing to undo when None."""
        self.undo_bar.show_text(text)
        self.act_undo.setEnabled(text is not None)
        self.act_undo.setText(f"&Undo {what.replace('&', '&&')}" if text else "&Undo")

    def show_connectivity(self, text: str | None) -> None:
        """While connectivity is lost: which sandbox URLs failed, and a way to Settings."""
        self.connectivity_bar.show_text(text)

    def show_overview(self, text: str) -> None:
        """The tray's words, at the right of the status bar (cut to fit; all in its tooltip)."""
        self._overview = text
        self.status_label.setToolTip(text)
        self._fit_overview()

    def _fit_overview(self) -> None:
        width = max(200, int(self.width() * 0.6))
        metrics = self.status_label.fontMetrics()
        self.status_label.setText(
            metrics.elidedText(self._overview, Qt.TextElideMode.ElideRight, width)
        )

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit_overview()

    def show_status(self, text: str, seconds: int = 8) -> None:
        """A passing message in the status bar."""
        self.statusBar().showMessage(text, seconds * 1000)

    # -- filter and sort ------------------------------------------------------------------------

    def _focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def _escape_filter(self) -> None:
        if self.filter.text():
            self.filter.clear()
        else:
            self.tree.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _focus_first_match(self) -> None:
        for item in self._site_items():
            if not item.isHidden():
                self.tree.setCurrentItem(item)
                self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _site_items(self) -> list[QTreeWidgetItem]:
        items = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            items += [group.child(j) for j in range(group.childCount())]
        return items

    def _apply_filter(self) -> None:
        """Show only the sites whose title, group or URL contains the filter's text."""
        needle = " ".join(self.filter.text().casefold().split())
        shown = total = 0
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            group_match = needle in group.text(0).casefold()
            visible = 0
            for j in range(group.childCount()):
                item = group.child(j)
                match = (
                    group_match
                    or needle in item.text(0).casefold()
                    or needle in item.toolTip(0).casefold()
                )
                item.setHidden(not match)
                visible += match
            group.setHidden(not visible and not group_match)
            shown += visible
            total += group.childCount()
        if needle:
            self.filter_count.setText(
                f"{shown} of {plural(total, 'site')}" if shown else "No site matches"
            )
        else:
            self.filter_count.setText("")
        self._update_actions()

    def _header_clicked(self, column: int) -> None:
        """First click sorts ascending, the second descending, the third restores the order."""
        if self._sort is None or self._sort[0] != column:
            self._sort = (column, Qt.SortOrder.AscendingOrder)
        elif self._sort[1] == Qt.SortOrder.AscendingOrder:
            self._sort = (column, Qt.SortOrder.DescendingOrder)
        else:
            self._sort = None
        if self._shown is not None:
            self._redraw()
        else:
            self._sort_tree()

    def _sort_tree(self) -> None:
        header = self.tree.header()
        if self._sort is None:
            header.setSortIndicatorShown(False)
            return
        column, order = self._sort
        header.setSortIndicator(column, order)
        header.setSortIndicatorShown(True)
        self.tree.sortItems(column, order)

    # -- content ---------------------------------------------------------------------------------

    def show_sites(
        self,
        groups: list[tuple[int, str]],
        sites: list[SiteInfo],
        hidden: set[int] = frozenset(),
        uptime: dict | None = None,
    ) -> None:
        """Rebuild the tree; ``groups`` is every (id, title) in order, ``hidden`` sites are
        waiting to be deleted (their undo is still offered), ``uptime`` is each site's 24 h
        uptime (an object with ``text()`` and ``percent``)."""
        self._shown = _Shown(groups, sites, set(hidden), uptime or {})
        self._redraw()

    def _redraw(self) -> None:
        shown = self._shown
        # the window's palette: on a change it is updated before the tree's
        base = self.palette().color(QPalette.ColorRole.Base)
        text = self.palette().color(QPalette.ColorRole.Text)
        selected = self._current()
        collapsed = {
            self.tree.topLevelItem(i).data(0, GROUP_ROLE)
            for i in range(self.tree.topLevelItemCount())
            if not self.tree.topLevelItem(i).isExpanded()
        }
        scroll = self.tree.verticalScrollBar().value()
        self._brush_cache: dict = {}
        self._bold = self.tree.font()
        self._bold.setBold(True)
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        by_group: dict[str, list[SiteInfo]] = {}
        for site in shown.sites:
            if site.site_id not in shown.hidden:
                by_group.setdefault(site.group, []).append(site)
        current = None
        for position, (group_id, title) in enumerate(shown.groups):
            members = sorted(
                by_group.get(title, []),
                key=lambda s: (not s.active, PRIORITY_NAMES.index(s.priority), s.order),
            )
            warnings, errors = group_counts(members)
            group_item = _Row([title])
            group_item.position = position
            group_item.setData(0, GROUP_ROLE, group_id)
            font = group_item.font(0)
            font.setBold(True)
            group_item.setFont(0, font)
            group_item.setText(2, f"{plural(warnings, 'warning')}, {plural(errors, 'error')}")
            for column in range(len(COLUMNS)):
                group_item.setForeground(column, QBrush(text))
            if errors:
                red = readable(PRIORITY_COLOUR["critical"], base)
                group_item.setForeground(2, QBrush(red))
            self.tree.addTopLevelItem(group_item)
            if selected == (None, group_id):
                current = group_item
            for row, site in enumerate(members):
                item = self._site_item(site, row, base, text)
                group_item.addChild(item)
                if selected[0] == site.site_id:
                    current = item
            group_item.setExpanded(group_id not in collapsed)
        self._sort_tree()
        self._apply_filter()
        self.tree.setUpdatesEnabled(True)
        if current is not None:
            self.tree.setCurrentItem(current)
        self.tree.verticalScrollBar().setValue(scroll)
        for column in range(len(COLUMNS) - 1):
            self.tree.resizeColumnToContents(column)
        # the titles' column a little wider than its longest title, so it reads as a column
        self.tree.setColumnWidth(0, self.tree.columnWidth(0) + 16)
        self.stack.setCurrentIndex(1 if shown.groups else 0)
        self._update_actions()

    def _site_item(self, site: SiteInfo, row: int, base: QColor, text: QColor) -> _Row:
        state = site.state if site.active else "inactive"
        last = (
            "-"
            if site.last_checked is None
            else answer_text(site.last_status_code, site.last_error)
        )
        uptime = self._shown.uptime.get(site.site_id)
        item = _Row(
            [
                site.title,
                site.priority,
                state,
                uptime.text() if uptime is not None else "-",
                local_text(site.last_seen),
                last,
                response_text(site),
                failure_words(site.down_count) if site.down_count else "",
            ]
        )
        percent = None if uptime is None else uptime.percent
        ms = site.last_elapsed_ms if site.last_error is None else None
        item.position = row
        item.keys = (
            site.title.casefold(),
            PRIORITY_NAMES.index(site.priority),
            STATE_ORDER.get(state, 3),
            math.inf if percent is None else percent,
            site.last_seen.timestamp() if site.last_seen else -math.inf,
            last,
            math.inf if ms is None else ms,
            site.down_count,
        )
        item.setData(0, SITE_ROLE, site.site_id)
        item.setData(1, SITE_ROLE, int(site.active))  # an int: PySide6 miscounts bools here
        item.setToolTip(0, shown_url(site.url) if "@" in site.url else site.url)
        background, fore, priority = self._brushes(
            site.state if site.active else "unknown", site.active, site.priority, base, text
        )
        for column in range(len(COLUMNS)):
            item.setBackground(column, background)
            item.setForeground(column, fore)
        item.setForeground(1, priority)
        if site.priority == "critical":
            item.setFont(1, self._bold)
        return item

    def _brushes(
        self, state: str, active: bool, priority: str, base: QColor, text: QColor
    ) -> tuple[QBrush, QBrush, QBrush]:
        """A row's background, text and priority brushes (the same few for every row)."""
        key = (state, active, priority)
        if key not in self._brush_cache:
            background = tint(state, base)
            fore = readable(text if active else INACTIVE_TEXT, background)
            colour = PRIORITY_COLOUR[priority]
            pri = fore if not active or colour is None else readable(colour, background)
            self._brush_cache[key] = (QBrush(background), QBrush(fore), QBrush(pri))
        return self._brush_cache[key]

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._shown is not None:
            self._redraw()

    def site_rows(self) -> list[dict]:
        """What the tree shows, row by row (tests and screen readers read it this way)."""
        rows = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group.isHidden():
                continue
            for j in range(group.childCount()):
                item = group.child(j)
                if item.isHidden():
                    continue
                rows.append(
                    {
                        "group": group.text(0),
                        **{name: item.text(c) for c, name in enumerate(COLUMNS)},
                        "background": item.background(0).color(),
                        "priority_colour": item.foreground(1).color(),
                        "foregrounds": [item.foreground(c).color() for c in range(len(COLUMNS))],
                    }
                )
        return rows
