"""Column widths a person can rely on: each column of a table is fitted to its content once, when
that content first comes (or when a hidden column first shows), and then left alone. Refitting on
every refresh, sort or filter made the columns jump: a header's second click landed on another
header, and a filter that matched nothing left the titles' column a few pixels wide. The widths a
person drags are theirs, kept with the window's geometry in the app's settings."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QTreeView

#: the first column (the titles) is never fitted narrower than this many average characters...
TITLE_MIN_CHARS = 16
#: ...nor, when its longest content is wider, wider than this many (a very long title is cut)
TITLE_MAX_CHARS = 48
#: room beside a fitted title, so the column reads as a column
TITLE_SPARE = 16


class FittedColumns:
    """Fits ``view``'s columns once and remembers the widths a person drags under ``key``."""

    def __init__(
        self,
        view: QAbstractItemView,
        key: str,
        title_column: int | None = 0,
        samples: dict[int, str] | None = None,
    ) -> None:
        """``samples``: for a column whose text grows once checks come (``never`` before a
        moment to the second), the text it must have room for from its first fitting on."""
        self.view = view
        self.samples = samples or {}
        self.key = f"columns/{key}"
        self.title_column = title_column
        self.fitted: set[int] = set()
        self.user_sized = False
        self._fitting = False
        self.header.sectionResized.connect(self._resized)

    @property
    def header(self) -> QHeaderView:
        if isinstance(self.view, QTreeView):
            return self.view.header()
        assert isinstance(self.view, QTableView)
        return self.view.horizontalHeader()

    def _resized(self, column: int, old: int, new: int) -> None:
        # a drag (or a double click on a header's edge): the person's widths from now on; not
        # a stretched section following the window's width, nor a column shown or hidden
        header = self.header
        stretched = header.sectionResizeMode(column) != QHeaderView.ResizeMode.Interactive or (
            column == header.count() - 1 and header.stretchLastSection()
        )
        if self._fitting or stretched or not old or not new or not self.view.isVisible():
            return
        self.user_sized = True

    def restore(self, settings: QSettings | None) -> None:
        """The widths a person dragged last time, if any: those columns are not fitted."""
        saved = settings.value(self.key) if settings is not None else None
        if not isinstance(saved, QByteArray):
            return
        widths = bytes(saved).decode("ascii", "replace").split(",")
        if len(widths) != self.header.count():
            return  # another version's columns: fitted again
        self._fitting = True
        try:
            for column, width in enumerate(widths):
                if width.isdigit():  # (a column hidden when saved has no width: fitted later)
                    self.header.resizeSection(column, max(int(width), 24))
                    self.fitted.add(column)
        finally:
            self._fitting = False
        self.user_sized = bool(self.fitted)

    def save(self, settings: QSettings | None) -> None:
        """Keep the widths, only when the person chose them (fitted ones are fitted again)."""
        if settings is None or not self.user_sized:
            return
        header = self.header
        widths = [
            "" if header.isSectionHidden(c) else str(header.sectionSize(c))
            for c in range(header.count())
        ]
        settings.setValue(self.key, QByteArray(",".join(widths).encode("ascii")))

    def fit_new(self, has_rows: bool) -> None:
        """Fit the columns shown for the first time, when there are rows to fit them to."""
        if not has_rows:
            return
        header = self.header
        last = header.count() - 1
        todo = [
            c
            for c in range(header.count())
            if c not in self.fitted
            and not header.isSectionHidden(c)
            and not (c == last and header.stretchLastSection())
            and header.sectionResizeMode(c) == QHeaderView.ResizeMode.Interactive
        ]
        if not todo:
            return
        self._fitting = True
        shown = header.isSortIndicatorShown()
        header.setSortIndicatorShown(True)  # room for the arrow, so a sort later moves nothing
        try:
            for column in todo:
                self.view.resizeColumnToContents(column)
                if column in self.samples:
                    self._room_for(column, self.samples[column])
                if column == self.title_column:
                    self._title_width(column)
                self.fitted.add(column)
        finally:
            header.setSortIndicatorShown(shown)
            self._fitting = False

    def _room_for(self, column: int, text: str) -> None:
        metrics = self.view.fontMetrics()
        room = metrics.horizontalAdvance(text) + 2 * metrics.averageCharWidth() + 8
        if self.header.sectionSize(column) < room:
            self.header.resizeSection(column, room)

    def _title_width(self, column: int) -> None:
        """The titles' column: its content plus some room, within sane bounds."""
        average = self.view.fontMetrics().averageCharWidth()
        width = self.header.sectionSize(column) + TITLE_SPARE
        width = max(width, TITLE_MIN_CHARS * average)
        width = min(width, max(TITLE_MAX_CHARS * average, TITLE_MIN_CHARS * average))
        self.header.resizeSection(column, width)
