"""The dashboard's table: its columns and the tree items that show a group (its warning and
error counts) and a site (its state, how each vantage sees it, uptime, last answer...), with the
keys they sort by. The Vantages column shows only while more than one vantage is live (a team
database), so a desktop on its own sees nothing new."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QFont
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from ...core.certs import expiry_words
from ...core.clock import utc_now
from ...core.outages import PRIORITY_NAMES, duration_words
from ...core.sites import SiteInfo
from ...core.states import State
from ...core.status import answer_text, failure_words, listed, local_day, local_text, plural
from ...core.urls import shown_url
from ..icons import STATES, state_icon
from ..plain import tip, visible
from .colours import PRIORITY_COLOUR, RowBrushes, readable

COLUMNS = [
    "Site",
    "Priority",
    "State",
    "Vantages",
    "Uptime 24 h",
    "Last seen",
    "Last answer",
    "Response",
    "Failures",
    "Certificate",
]
#: columns whose text grows once checks come (``never`` until then): the room they are fitted
#: with from the start, so they need not widen later (widening moved the headers under a click)
GROWING = {
    COLUMNS.index("Last seen"): "2026-12-31 23:59:59",
    COLUMNS.index("Response"): "10000 ms",
    COLUMNS.index("Failures"): failure_words(33),
}
SITE_ROLE = Qt.ItemDataRole.UserRole
GROUP_ROLE = Qt.ItemDataRole.UserRole + 1
INACTIVE = "inactive"  # the State column of a site not monitored (a row's word, not a State)
STATE_ORDER = {
    State.DOWN: 0,
    State.WARNING: 1,
    State.UP: 2,
    State.MAINTENANCE: 3,
    State.UNKNOWN: 3,
    INACTIVE: 4,
}
VANTAGES = COLUMNS.index("Vantages")
UPTIME = COLUMNS.index("Uptime 24 h")
#: what an uptime counts (the Uptime column's header and cells, the site window): the report's
#: rules (``core.report_model.RULES``), so a report of the same span shows the same figure
UPTIME_WORDS = (
    "Uptime: the time monitored less the time down in an outage, over the time monitored. "
    "Maintenance windows, pauses and inactive time count neither way; a report of the same "
    "span shows the same figure."
)
#: how the Vantages cell counts each vantage's state, in this order
VANTAGE_WORDS = {
    State.UP: "up",
    State.WARNING: "failing",
    State.DOWN: "down",
    State.MAINTENANCE: "in maintenance",
    State.UNKNOWN: "not checked",
}


class SortableItem(QTreeWidgetItem):
    """A tree item that sorts by its own keys: sites by the clicked column, groups never (they
    keep their order whichever way the sites are sorted)."""

    keys: tuple = ()
    position = 0

    def __lt__(self, other: QTreeWidgetItem) -> bool:
        tree = self.treeWidget()
        if self.parent() is None or not isinstance(other, SortableItem):
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
    """The last check's response time; nothing for a failed one (its kind of failure is in
    "Last answer" already), never ``0 ms``."""
    if site.last_checked is None or site.last_elapsed_ms is None:
        return "-"
    if site.last_error:
        return ""
    return "<1 ms" if site.last_elapsed_ms < 1 else f"{site.last_elapsed_ms:.0f} ms"


class VantageView(Protocol):
    """What one vantage sees of a site (``queries.VantageState``)."""

    state: State
    down_count: int
    last_checked: datetime | None


def uptime_line(uptime, span: str) -> str:
    """What an uptime (``monitored_ms``, ``down_ms``) counted over ``span`` ("the last 24
    hours"), in a line: how long the site was monitored and down."""
    if uptime is None or uptime.monitored_ms <= 0:
        return f"Not monitored in {span} (added since, inactive or paused)"
    monitored = duration_words(uptime.monitored_ms / 1000)
    down = (
        f"down {duration_words(uptime.down_ms / 1000)} in outages"
        if uptime.down_ms
        else "never down"
    )
    return f"Monitored {monitored} of {span}, {down}"


def vantages_text(seen: Mapping[str, VantageView]) -> str:
    """How many live vantages see the site how: ``2 up, 1 failing``. ``seen``: each vantage's
    view by name (``state``, ``down_count``, ``last_checked``)."""
    counts = Counter(view.state for view in seen.values())
    return ", ".join(f"{counts[s]} {w}" for s, w in VANTAGE_WORDS.items() if counts[s])


def vantages_tip(seen: Mapping[str, VantageView]) -> str:
    """One line a live vantage: its name, state, failures in a row and last check."""
    lines = []
    for name, view in seen.items():
        state = VANTAGE_WORDS.get(view.state, view.state)
        count = view.down_count
        failures = f" ({failure_words(count)})" if count else ""
        checked = local_text(view.last_checked)
        lines.append(f"{name}: {state}{failures}, last check {checked}")
    return "\n".join(lines) or "No live vantage has checked it yet"


def several_vantages(vantages: Mapping[int, Mapping[str, VantageView]]) -> bool:
    """Whether more than one vantage is live (the Vantages column has something to say)."""
    return len({name for seen in vantages.values() for name in seen}) > 1


def cert_text(site: SiteInfo) -> str:
    """The day the site's certificate expires (local), ``-`` for none seen (or http)."""
    if site.cert_expires_at is None:
        return "-"
    return local_day(site.cert_expires_at)


def cert_tip(site: SiteInfo) -> str:
    """The certificate cell's tooltip: when it expires, and whether that is a warning."""
    if site.cert_expires_at is None:
        return "No certificate seen (an http site, or not checked yet)"
    when = local_text(site.cert_expires_at)
    if site.cert_expiring:
        return f"Certificate expires {when}: renew it soon"
    return f"Certificate expires {when}"


def cert_notice(
    sites: list[SiteInfo], now: datetime | None = None
) -> tuple[str | None, int | None, str]:
    """The dashboard's line about the active sites' certificates due a warning, soonest first:
    (its text or None, the soonest site's id, its title)."""
    now = now or utc_now()
    due = sorted(
        (s.cert_expires_at, s.site_id, s.title)
        for s in sites
        if s.active and s.cert_expiring and s.cert_expires_at is not None
    )
    if not due:
        return None, None, ""
    expires, site_id, title = due[0]
    text = f"Certificate of {title} {expiry_words(expires, now)} ({local_text(expires)})"
    if len(due) > 1:  # (plain text: the notice bar shows titles as they are written)
        text += f"; also due: {listed([t for _, _, t in due[1:]], 3)}"
    return text + ".", site_id, title


def group_counts(sites: list[SiteInfo]) -> tuple[int, int]:
    """(warnings, errors) among a group's active sites."""
    active = [s for s in sites if s.active]
    return (
        sum(1 for s in active if s.state == State.WARNING),
        sum(1 for s in active if s.state == State.DOWN),
    )


def in_shown_order(sites: list[SiteInfo]) -> list[SiteInfo]:
    """A group's sites as the table lists them unsorted: active first, by priority, by order."""
    return sorted(sites, key=lambda s: (not s.active, PRIORITY_NAMES.index(s.priority), s.order))


def group_item(
    position: int, group_id: int, title: str, members: list[SiteInfo], brushes: RowBrushes
) -> SortableItem:
    """A group's row: its title in bold and how many of its sites warn and fail."""
    warnings, errors = group_counts(members)
    item = SortableItem([title])
    item.position = position
    item.setData(0, GROUP_ROLE, group_id)
    font = item.font(0)
    font.setBold(True)
    item.setFont(0, font)
    item.setText(2, f"{plural(warnings, 'warning')}, {plural(errors, 'error')}")
    for column in range(len(COLUMNS)):
        item.setForeground(column, brushes.text)
    if errors:
        item.setForeground(2, brushes.error_count())
    return item


def site_item(
    site: SiteInfo,
    position: int,
    uptime,
    brushes: RowBrushes,
    bold: QFont,
    seen: Mapping[str, VantageView] | None = None,
) -> SortableItem:
    """A site's row; ``uptime`` is its 24 h uptime (``store.uptime.Uptime``: ``text()``,
    ``percent``, ``monitored_ms``, ``down_ms``) or None,
    ``seen`` each live vantage's view of it by name."""
    seen = seen or {}
    views = Counter(view.state for view in seen.values())
    state = site.state if site.active else INACTIVE
    last = "-" if site.last_checked is None else answer_text(site.last_status_code, site.last_error)
    item = SortableItem(
        [
            site.title,
            site.priority,
            state,
            vantages_text(seen),
            uptime.text() if uptime is not None else "-",
            local_text(site.last_seen),
            last,
            response_text(site),
            failure_words(site.down_count) if site.down_count else "",
            cert_text(site),
        ]
    )
    percent = None if uptime is None else uptime.percent
    ms = site.last_elapsed_ms if site.last_error is None else None
    item.position = position
    item.keys = (
        site.title.casefold(),
        PRIORITY_NAMES.index(site.priority),
        STATE_ORDER.get(state, 3),
        # most vantages seeing it fail first
        (-views[State.DOWN], -views[State.WARNING], -views[State.UP]),
        math.inf if percent is None else percent,
        site.last_seen.timestamp() if site.last_seen else -math.inf,
        last,
        math.inf if ms is None else ms,
        site.down_count,
        site.cert_expires_at.timestamp() if site.cert_expires_at else math.inf,
    )
    item.setData(0, SITE_ROLE, site.site_id)
    item.setData(1, SITE_ROLE, int(site.active))  # an int: PySide6 miscounts bools here
    item.setToolTip(0, tip(shown_url(site.url) if "@" in site.url else site.url))
    background, fore, priority = brushes.row(
        site.state if site.active else State.UNKNOWN, site.active, site.priority
    )
    for column in range(len(COLUMNS)):
        item.setBackground(column, background)
        item.setForeground(column, fore)
    item.setForeground(1, priority)
    if site.priority == "critical":
        item.setFont(1, bold)
    cert = COLUMNS.index("Certificate")
    item.setToolTip(cert, tip(cert_tip(site)))
    item.setToolTip(VANTAGES, tip(vantages_tip(seen)))
    item.setToolTip(UPTIME, tip(f"{uptime_line(uptime, 'the last 24 hours')}.\n{UPTIME_WORDS}"))
    # the row's colour says the state to those who see it; the State cell also in a shape (the
    # tray's icon) and words, and to a screen reader in a sentence
    shape = site.state if site.active and site.state in STATES else State.IDLE
    item.setIcon(2, state_icon(shape))
    failures = f", {failure_words(site.down_count)}" if site.down_count else ""
    words = f"{site.title}: {state}{failures}"
    item.setData(2, Qt.ItemDataRole.AccessibleDescriptionRole, visible(words))
    if site.cert_expiring:  # a warning: the row keeps its state's colour, the cell stands out
        item.setText(cert, f"⚠ {cert_text(site)}")
        item.setToolTip(2, tip(cert_tip(site)))
        item.setFont(cert, bold)
        item.setForeground(cert, QBrush(readable(PRIORITY_COLOUR["high"], background.color())))
    return item


def site_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    """Every site's item, group by group, in the order shown."""
    items = []
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
        items += [group.child(j) for j in range(group.childCount())]
    return items


def next_sort(
    sort: tuple[int, Qt.SortOrder] | None, column: int
) -> tuple[int, Qt.SortOrder] | None:
    """A click on a column's header: the first sorts ascending, the second descending, the third
    restores the usual order (None)."""
    if sort is None or sort[0] != column:
        return (column, Qt.SortOrder.AscendingOrder)
    if sort[1] == Qt.SortOrder.AscendingOrder:
        return (column, Qt.SortOrder.DescendingOrder)
    return None


def collapsed_groups(tree: QTreeWidget) -> set[int]:
    """The ids of the groups folded up (kept so when the tree is filled again)."""
    return {
        tree.topLevelItem(i).data(0, GROUP_ROLE)
        for i in range(tree.topLevelItemCount())
        if not tree.topLevelItem(i).isExpanded()
    }


def filter_tree(tree: QTreeWidget, needle: str) -> tuple[int, int]:
    """Hide the sites whose title, group and URL all lack ``needle`` (casefolded); a group
    stays while its title or a site of it matches. Returns (sites shown, sites in all)."""
    shown = total = 0
    for i in range(tree.topLevelItemCount()):
        group = tree.topLevelItem(i)
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
    return shown, total


@dataclass
class Shown:
    """What the table shows: every (id, title) of the groups in order, the sites, the sites
    hidden while their delete can be undone, each site's 24 h uptime, and what each live
    vantage sees of each site (``queries.vantage_states``)."""

    groups: list[tuple[int, str]]
    sites: list[SiteInfo]
    hidden: set[int]
    uptime: dict
    vantages: dict = field(default_factory=dict)


def fill_tree(
    tree: QTreeWidget,
    shown: Shown,
    brushes: RowBrushes,
    selected: tuple[int | None, int | None],
    collapsed: set[int],
) -> QTreeWidgetItem | None:
    """Fill the (cleared) tree with ``shown``: groups expanded unless ``collapsed``; returns
    the item of the ``selected`` (site id, group id), if it is still there."""
    bold = tree.font()
    bold.setBold(True)
    tree.clear()
    tree.setColumnHidden(VANTAGES, not several_vantages(shown.vantages))
    by_group: dict[str, list[SiteInfo]] = {}
    for site in shown.sites:
        if site.site_id not in shown.hidden:
            by_group.setdefault(site.group, []).append(site)
    current = None
    for position, (group_id, title) in enumerate(shown.groups):
        members = in_shown_order(by_group.get(title, []))
        group = group_item(position, group_id, title, members, brushes)
        tree.addTopLevelItem(group)
        if selected == (None, group_id):
            current = group
        for row, site in enumerate(members):
            uptime, seen = shown.uptime.get(site.site_id), shown.vantages.get(site.site_id)
            item = site_item(site, row, uptime, brushes, bold, seen)
            group.addChild(item)
            if selected[0] == site.site_id:
                current = item
        group.setExpanded(group_id not in collapsed)
    return current
