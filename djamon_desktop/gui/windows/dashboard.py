"""The dashboard: every group with its sites, worst first within each group's priority order."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.outages import PRIORITY_NAMES
from ...core.status import answer_text, failure_words, local_text
from ...store.repo import SiteInfo
from .base import RememberedWindow, window_title

STATE_TINT = {
    "up": QColor(46, 160, 67, 40),
    "warning": QColor(230, 162, 20, 70),
    "down": QColor(207, 34, 46, 70),
    "unknown": QColor(128, 128, 128, 30),
}
PRIORITY_COLOUR = {
    "critical": QColor(176, 0, 32),
    "high": QColor(200, 90, 0),
    "normal": QColor(40, 40, 40),
    "low": QColor(110, 110, 110),
}
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


def group_counts(sites: list[SiteInfo]) -> tuple[int, int]:
    """(warnings, errors) among a group's active sites."""
    active = [s for s in sites if s.active]
    return (
        sum(1 for s in active if s.state == "warning"),
        sum(1 for s in active if s.state == "down"),
    )


class DashboardWindow(RememberedWindow, QMainWindow):
    open_site = Signal(int)
    add_site = Signal()
    add_group = Signal()
    edit_site = Signal(int)
    edit_group = Signal(int)
    toggle_site = Signal(int)
    delete_site = Signal(int)
    delete_group = Signal(int)
    import_file = Signal()
    export_file = Signal()
    check_now = Signal()
    open_outages = Signal()
    open_settings = Signal()
    quit_app = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle(window_title("Dashboard"))
        self._build_menus()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setUniformRowHeights(True)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(self._activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.act_edit, self.act_toggle, self.act_delete):
            self.tree.addAction(action)
        self.tree.currentItemChanged.connect(lambda *_: self._update_actions())

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
        self.stack.addWidget(self.tree)
        self.setCentralWidget(self.stack)
        self.status_label = QLabel()
        self.statusBar().addPermanentWidget(self.status_label)
        self.remember("dashboard", (900, 560))
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
        self._action(
            monitor, "&Settings…", self.open_settings, QKeySequence.StandardKey.Preferences
        )

    def _current(self) -> tuple[int | None, int | None]:
        item = self.tree.currentItem()
        if item is None:
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

    # -- content ---------------------------------------------------------------------------------

    def show_sites(
        self,
        groups: list[tuple[int, str]],
        sites: list[SiteInfo],
        hidden: set[int] = frozenset(),
        uptime: dict[int, str] | None = None,
    ) -> None:
        """Rebuild the tree; ``groups`` is every (id, title) in order, ``hidden`` sites are
        waiting to be deleted (their undo is still offered), ``uptime`` is each site's 24 h
        uptime in words."""
        self._uptime = uptime or {}
        selected = self._current()
        collapsed = {
            self.tree.topLevelItem(i).data(0, GROUP_ROLE)
            for i in range(self.tree.topLevelItemCount())
            if not self.tree.topLevelItem(i).isExpanded()
        }
        scroll = self.tree.verticalScrollBar().value()
        self.tree.setUpdatesEnabled(False)
        self.tree.clear()
        by_group: dict[str, list[SiteInfo]] = {}
        for site in sites:
            if site.site_id not in hidden:
                by_group.setdefault(site.group, []).append(site)
        current = None
        for group_id, title in groups:
            members = sorted(
                by_group.get(title, []),
                key=lambda s: (not s.active, PRIORITY_NAMES.index(s.priority), s.order),
            )
            warnings, errors = group_counts(members)
            group_item = QTreeWidgetItem([title])
            group_item.setData(0, GROUP_ROLE, group_id)
            font = group_item.font(0)
            font.setBold(True)
            group_item.setFont(0, font)
            group_item.setText(
                2, f"{warnings} warning{'s' * (warnings != 1)}, {errors} error{'s' * (errors != 1)}"
            )
            if errors:
                group_item.setForeground(2, QBrush(PRIORITY_COLOUR["critical"]))
            self.tree.addTopLevelItem(group_item)
            if selected == (None, group_id):
                current = group_item
            for site in members:
                item = self._site_item(site)
                group_item.addChild(item)
                if selected[0] == site.site_id:
                    current = item
            group_item.setExpanded(group_id not in collapsed)
        self.tree.setUpdatesEnabled(True)
        if current is not None:
            self.tree.setCurrentItem(current)
        self.tree.verticalScrollBar().setValue(scroll)
        for column in range(1, len(COLUMNS)):
            self.tree.resizeColumnToContents(column)
        self.stack.setCurrentIndex(1 if groups else 0)
        self._update_actions()

    def _site_item(self, site: SiteInfo) -> QTreeWidgetItem:
        state = site.state if site.active else "inactive"
        elapsed = "-" if site.last_elapsed_ms is None else f"{site.last_elapsed_ms:.0f} ms"
        last = (
            "-"
            if site.last_checked is None
            else answer_text(site.last_status_code, site.last_error)
        )
        item = QTreeWidgetItem(
            [
                site.title,
                site.priority,
                state,
                self._uptime.get(site.site_id, "-"),
                local_text(site.last_seen),
                last,
                elapsed,
                failure_words(site.down_count) if site.down_count else "",
            ]
        )
        item.setData(0, SITE_ROLE, site.site_id)
        item.setData(1, SITE_ROLE, int(site.active))  # an int: PySide6 miscounts bools here
        item.setToolTip(0, site.url)
        item.setForeground(1, QBrush(PRIORITY_COLOUR[site.priority]))
        if site.priority == "critical":
            font = item.font(1)
            font.setBold(True)
            item.setFont(1, font)
        tint = STATE_TINT.get(site.state if site.active else "unknown")
        for column in range(len(COLUMNS)):
            item.setBackground(column, QBrush(tint))
            if not site.active:
                item.setForeground(column, QBrush(QColor(140, 140, 140)))
        return item

    def site_rows(self) -> list[dict]:
        """What the tree shows, row by row (tests and screen readers read it this way)."""
        rows = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            for j in range(group.childCount()):
                item = group.child(j)
                rows.append(
                    {
                        "group": group.text(0),
                        **{name: item.text(c) for c, name in enumerate(COLUMNS)},
                        "background": item.background(0).color(),
                        "priority_colour": item.foreground(1).color(),
                    }
                )
        return rows

    def show_status(self, text: str, undo=None, seconds: int = 8) -> None:
        """A message in the status bar; with ``undo``, an Undo button beside it for a while."""
        self.statusBar().showMessage(text, seconds * 1000)
        old = getattr(self, "_undo_button", None)
        if old is not None:
            self.statusBar().removeWidget(old)
            old.deleteLater()
            self._undo_button = None
        if undo is not None:
            button = QPushButton("Undo")
            button.setShortcut(QKeySequence.StandardKey.Undo)
            button.clicked.connect(undo)
            button.clicked.connect(lambda: self.show_status("Undone"))
            self.statusBar().addWidget(button)
            self._undo_button = button
            QTimer.singleShot(seconds * 1000, lambda b=button: self._drop_undo(b))

    def _drop_undo(self, button: QPushButton) -> None:
        if getattr(self, "_undo_button", None) is button:
            self.statusBar().removeWidget(button)
            button.deleteLater()
            self._undo_button = None
