"""The dashboard: every group with its sites, worst first within each group's priority order.

Above the table: a filter box (Ctrl+F; Escape clears it), a notice when connectivity is lost
(with a button to the sandbox URLs in Settings) and a notice with an Undo button while a delete
or a (de)activation can be undone (Ctrl+Z, or Edit > Undo). Clicking a column's header sorts the
sites within their groups by it, a second click reverses, a third restores the usual order.
Colours are chosen against the palette's base colour, so a dark theme stays readable.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMainWindow,
    QStackedWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ...core.clock import Clock, utc_now
from ...core.sites import SiteInfo
from ...core.status import plural
from .. import plain
from .base import RememberedWindow, window_title
from .colours import RowBrushes
from .columns import FittedColumns
from .notice import EmptyPage, NoticeBar
from .pause import SitePauseActions
from .site_table import (
    COLUMNS,
    GROUP_ROLE,
    GROWING,
    SITE_ROLE,
    UPTIME,
    UPTIME_WORDS,
    Shown,
    cert_notice,
    collapsed_groups,
    fill_tree,
    filter_tree,
    next_sort,
    site_items,
)
from .status_line import StatusLine

# -- the window ------------------------------------------------------------------------------------


class DashboardWindow(RememberedWindow, QMainWindow):
    open_site = Signal(int)
    add_site = Signal()
    add_group = Signal()
    edit_site = Signal(int)
    edit_group = Signal(int)
    toggle_site = Signal(int)
    delete_site = Signal(int)
    delete_group = Signal(int)
    pause_site = Signal(int)
    resume_site = Signal(int)
    undo = Signal()
    import_file = Signal()
    export_file = Signal()
    check_now = Signal()
    open_outages = Signal()
    open_report = Signal()  # Monitor › Report… (gui/windows/report.py)
    open_settings = Signal()
    open_sandbox_settings = Signal()
    open_about = Signal()
    open_readme = Signal()
    check_desktop = Signal()  # Help › Check this desktop (gui/windows/doctor.py)
    quit_app = Signal()

    def __init__(self, clock: Clock = utc_now) -> None:
        super().__init__()
        self.clock = clock  # the App's: the certificate line counts the days by it
        self.setWindowTitle(window_title("Dashboard"))
        self._shown: Shown | None = None
        self._sort: tuple[int, Qt.SortOrder] | None = None
        self._build_menus()
        self.tree = QTreeWidget()
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.headerItem().setToolTip(UPTIME, plain.tip(UPTIME_WORDS))
        self.tree.setUniformRowHeights(True)
        self.tree.setAccessibleName("Sites")
        self.tree.setAccessibleDescription(
            "Each group with its sites, worst first; the State column says each site's state "
            "in words. Enter opens the site, Ctrl+Return edits it, the header sorts."
        )
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(False)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(False)
        header.sectionClicked.connect(self._header_clicked)
        self.columns = FittedColumns(self.tree, "dashboard", samples=GROWING)
        self.columns.restore(RememberedWindow.settings)
        self.tree.itemActivated.connect(self._activated)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        for action in (self.act_edit, self.act_toggle, self.act_delete):
            self.tree.addAction(action)
        self.tree.currentItemChanged.connect(lambda *_: self._update_actions())

        self.filter = QLineEdit()
        self.filter.setObjectName("filter")
        self.filter.setPlaceholderText("Filter by title, group or URL (Ctrl+F)")
        self.filter.setAccessibleName("Filter sites")
        self.filter.setAccessibleDescription(
            "Shows only the sites whose title, group or URL hold it"
        )
        self.filter.setClearButtonEnabled(True)
        for button in self.filter.findChildren(QToolButton):  # the clear button
            button.setAccessibleName("Clear the filter")
        self.filter.textChanged.connect(lambda *_: self._apply_filter())
        self.filter.returnPressed.connect(self._focus_first_match)
        QShortcut(
            QKeySequence(Qt.Key.Key_Escape),
            self.filter,
            self._escape_filter,
            Qt.ShortcutContext.WidgetShortcut,
        )
        self.filter_count = plain.label()
        self.connectivity_bar = NoticeBar("connectivity", "Sandbox URLs in Settings…")
        self.connectivity_bar.button.clicked.connect(lambda *_: self.open_sandbox_settings.emit())
        self.cert_bar = NoticeBar("certificates", "Open site…")
        self.cert_bar.button.clicked.connect(lambda *_: self.open_site.emit(self._cert_site))
        self._cert_site: int | None = None
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

        empty = EmptyPage(self.add_site.emit, self.import_file.emit)
        self.empty_note, self.empty_add, self.empty_import = empty.note, empty.add, empty.load
        self.stack = QStackedWidget()
        self.stack.addWidget(empty)
        self.stack.addWidget(table)
        central = QWidget()
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)
        outer.addWidget(self.connectivity_bar)
        outer.addWidget(self.cert_bar)
        outer.addWidget(self.undo_bar)
        outer.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        # Tab in reading order: the notices' buttons, the filter, the table (made first)
        order = [b.button for b in (self.connectivity_bar, self.cert_bar, self.undo_bar)]
        order += [self.filter, self.tree]
        for before, after in zip(order, order[1:], strict=False):
            QWidget.setTabOrder(before, after)
        QWidget.setTabOrder(self.empty_add, self.empty_import)
        self.status_line = StatusLine(self)
        self.status_label = self.status_line.label  # the tray's words: titles
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
        self.pausing = SitePauseActions(self, sites)  # Pause site…, Resume site
        monitor = bar.addMenu("&Monitor")
        self._action(monitor, "&Check now", self.check_now, QKeySequence.StandardKey.Refresh)
        self._action(monitor, "&Outages…", self.open_outages, "Ctrl+O")
        self._action(monitor, "&Report…", self.open_report, "Ctrl+R")
        # explicit: the standard Preferences key is empty on X11
        self._action(monitor, "&Settings…", self.open_settings, "Ctrl+,")
        help_menu = bar.addMenu("&Help")
        self._action(help_menu, "&README", self.open_readme)
        self._action(help_menu, "C&heck this desktop", self.check_desktop)
        self._action(help_menu, "&About djamon-desktop", self.open_about)

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
        self.pausing.update(site_id, self._shown.sites if self._shown else [])
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

    def show_unreachable(self, why: str | None) -> None:
        """While the database can't be reached (why; None: it answers again)."""
        self.stack.widget(0).show_unreachable(why)

    def show_connectivity(self, text: str | None) -> None:
        """While connectivity is lost: which sandbox URLs failed, and a way to Settings."""
        self.connectivity_bar.show_text(text)

    def show_certificates(self, sites: list[SiteInfo]) -> None:
        """A line while some active site's certificate is due a warning, with a button to the
        soonest one's window."""
        text, self._cert_site, title = cert_notice(sites, self.clock())
        self.cert_bar.show_text(text)
        self.cert_bar.button.setText(f"Open {title.replace('&', '&&')}…")

    def show_overview(self, text: str) -> None:
        """The tray's words, at the right of the status bar (cut to fit; all in its tooltip)."""
        self.status_line.show_overview(text)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self.status_line.fit()

    def show_status(self, text: str, seconds: int = 8) -> None:
        """A passing message at the left of the status bar (see status_line)."""
        self.status_line.show_status(text, seconds)

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
        for item in site_items(self.tree):
            if not item.isHidden():
                self.tree.setCurrentItem(item)
                self.tree.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    def _apply_filter(self) -> None:
        """Show only the sites whose title, group or URL contains the filter's text."""
        needle = " ".join(self.filter.text().casefold().split())
        shown, total = filter_tree(self.tree, needle)
        if needle:
            self.filter_count.setText(
                f"{shown} of {plural(total, 'site')}" if shown else "No site matches"
            )
        else:
            self.filter_count.setText("")
        self._update_actions()

    def _header_clicked(self, column: int) -> None:
        self._sort = next_sort(self._sort, column)
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
        vantages: dict | None = None,
    ) -> None:
        """Rebuild the tree; ``groups`` is every (id, title) in order, ``hidden`` sites are
        waiting to be deleted (their undo is still offered), ``uptime`` is each site's 24 h
        uptime (an object with ``text()`` and ``percent``), ``vantages`` what each live vantage
        sees of each site."""
        self._shown = Shown(groups, sites, set(hidden), uptime or {}, vantages or {})
        self.show_certificates([s for s in sites if s.site_id not in self._shown.hidden])
        self._redraw()

    def _redraw(self) -> None:
        shown = self._shown
        # the window's palette: on a change it is updated before the tree's
        base = self.palette().color(QPalette.ColorRole.Base)
        text = self.palette().color(QPalette.ColorRole.Text)
        selected = self._current()
        collapsed = collapsed_groups(self.tree)
        scroll = self.tree.verticalScrollBar().value()
        brushes = RowBrushes(base, text)
        self.tree.setUpdatesEnabled(False)
        current = fill_tree(self.tree, shown, brushes, selected, collapsed)
        self._sort_tree()
        self._apply_filter()
        self.tree.setUpdatesEnabled(True)
        if current is not None:
            self.tree.setCurrentItem(current)
        self.tree.verticalScrollBar().setValue(scroll)
        self.columns.fit_new(any(not i.isHidden() for i in site_items(self.tree)))
        self.stack.setCurrentIndex(1 if shown.groups else 0)
        self._update_actions()

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._shown is not None:
            self._redraw()
