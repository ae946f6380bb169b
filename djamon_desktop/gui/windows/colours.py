"""Palette-aware colours: the dashboard's rows (each state's tint over the palette's base colour,
stronger on a dark base) and every text the app colours itself (a field's error, a help text in
the placeholder's colour), each shade chosen against the background it is drawn on so that it
keeps WCAG AA contrast (4.5:1) in a light and a dark palette alike, and chosen again when the
palette changes."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QWidget

from ...core.states import State

#: the hue of each state's row; its strength over the base colour depends on the palette
STATE_TINT = {
    State.UP: QColor(46, 160, 67),
    State.WARNING: QColor(230, 162, 20),
    State.DOWN: QColor(207, 34, 46),
    State.UNKNOWN: QColor(128, 128, 128),
    State.MAINTENANCE: QColor(70, 110, 200),  # a window or a pause: not checked, never blamed
}
TINT_ALPHA = {
    State.UP: 0.16,
    State.WARNING: 0.27,
    State.DOWN: 0.27,
    State.UNKNOWN: 0.12,
    State.MAINTENANCE: 0.16,
}
PRIORITY_COLOUR = {
    "critical": QColor(176, 0, 32),
    "high": QColor(200, 90, 0),
    "normal": None,  # the palette's text colour
    "low": QColor(110, 110, 110),
}
INACTIVE_TEXT = QColor(128, 128, 128)
ERROR_TEXT = QColor(176, 0, 32)  # a field's error, a failed test: red, shaded per palette
MIN_CONTRAST = 4.5  # WCAG AA for normal text


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


def tint(state: State, base: QColor) -> QColor:
    """A state's row colour over ``base`` (stronger on a dark base, where tints fade)."""
    strength = TINT_ALPHA[state] * (1.6 if is_dark(base) else 1.0)
    return mix(base, STATE_TINT[state], strength)


def flat(colour: QColor, background: QColor) -> QColor:
    """``colour`` as it shows over ``background``: a translucent one (a palette's placeholder
    text) blended in."""
    return mix(background, colour, colour.alphaF()) if colour.alpha() < 255 else colour


def readable(colour: QColor, background: QColor, minimum: float = MIN_CONTRAST) -> QColor:
    """``colour``, or the nearest shade of it (towards white or black, whichever the background
    allows) that reaches ``minimum`` contrast against ``background``."""
    colour = flat(colour, background)
    if contrast(colour, background) >= minimum:
        return colour
    white, black = QColor(255, 255, 255), QColor(0, 0, 0)
    target = white if contrast(white, background) > contrast(black, background) else black
    for step in range(1, 21):
        shade = mix(colour, target, step / 20)
        if contrast(shade, background) >= minimum:
            return shade
    return target


class RowBrushes:
    """The brushes of one palette (its base and text colours): computed once per state,
    activity and priority, not once per row."""

    def __init__(self, base: QColor, text: QColor) -> None:
        self.base = base
        self.text = QBrush(text)
        self._text_colour = text
        self._cache: dict[tuple[State, bool, str], tuple[QBrush, QBrush, QBrush]] = {}

    def error_count(self) -> QBrush:
        """A group's "N errors" when it has any: red, readable on the base colour."""
        return QBrush(readable(PRIORITY_COLOUR["critical"], self.base))

    def row(self, state: State, active: bool, priority: str) -> tuple[QBrush, QBrush, QBrush]:
        """A site row's background, text and priority brushes."""
        key = (state, active, priority)
        if key not in self._cache:
            background = tint(state, self.base)
            fore = readable(self._text_colour if active else INACTIVE_TEXT, background)
            colour = PRIORITY_COLOUR[priority]
            pri = fore if not active or colour is None else readable(colour, background)
            self._cache[key] = (QBrush(background), QBrush(fore), QBrush(pri))
        return self._cache[key]


def drawn_on(window: QColor) -> list[QColor]:
    """The backgrounds a text of a window may be drawn on: the window's colour, and the lighter
    shade styles give a tab's page on a dark palette (Fusion: 150 %, #323232 -> #4b4b4b)."""
    return [window, window.lighter(150)] if is_dark(window) else [window]


def readable_on(colour: QColor, backgrounds: list[QColor]) -> QColor:
    """The shade of ``colour`` readable on each of ``backgrounds`` (all dark or all light)."""
    shade = colour
    for background in sorted(backgrounds, key=luminance, reverse=not is_dark(backgrounds[0])):
        shade = readable(shade, background)
    return shade


class ReadableText(QObject):
    """Keeps ``widget``'s text in ``colour`` (a colour, or a role of the palette such as the
    placeholder's), in the shade of it readable on the widget's background: chosen now and
    again on each change of palette (a switch to a dark theme). A style sheet's colour could
    not follow the palette: #B00020 stayed on a dark window (1.75:1)."""

    def __init__(self, widget: QWidget, colour: QColor | QPalette.ColorRole) -> None:
        super().__init__(widget)
        self.widget = widget
        self.colour = colour
        widget.installEventFilter(self)
        self.apply()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if watched is self.widget and event.type() == QEvent.Type.PaletteChange:
            self.apply()
        return False

    def apply(self) -> None:
        palette = self.widget.palette()
        background = palette.color(self.widget.backgroundRole())
        wanted = self.colour
        if isinstance(wanted, QPalette.ColorRole):
            wanted = palette.color(wanted)
        shade = readable_on(wanted, drawn_on(background))
        role = self.widget.foregroundRole()
        if palette.color(role) != shade:  # (setting it sends a palette change: once, not again)
            for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
                palette.setColor(group, role, shade)
            self.widget.setPalette(palette)


def colour_text(widget: QWidget, colour: QColor | QPalette.ColorRole | None) -> None:
    """Show ``widget``'s text in a readable shade of ``colour``, or (None) as the palette has
    it again."""
    keeper = widget.findChild(ReadableText, options=Qt.FindChildOption.FindDirectChildrenOnly)
    if keeper is not None:
        widget.removeEventFilter(keeper)
        keeper.setParent(None)
        keeper.deleteLater()
    if colour is None:
        widget.setPalette(QPalette())  # nothing of its own: the window's palette again
    else:
        ReadableText(widget, colour)


def error_text(widget: QWidget, on: bool = True) -> None:
    """A field's error (or a failed test's line) in red readable on this palette; ``on``
    False: the palette's own text colour again."""
    colour_text(widget, ERROR_TEXT if on else None)
