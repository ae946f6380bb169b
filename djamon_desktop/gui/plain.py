"""Text from others, shown as the text it is: never markup.

Titles, group names, down messages, outage notes and vantage names come from import files and
from every other desktop of a team. Qt guesses: a QLabel, a QMessageBox and every tooltip take
a text that looks like HTML as rich text, so a title ``<img src=/dev/zero>`` had the UI thread
read /dev/zero until memory ran out, and ``<a href>`` made links of it. Every window shows such
text through this module: labels and message boxes set to plain text, tooltips escaped into
rich text that shows the characters as they are, and a notification body escaped for the
notification server's markup. Characters that reorder or break the text around them (bidi
controls, control characters a database may hold from before they were refused) show as U+FFFD.
"""

from __future__ import annotations

from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from ..core.text import one_line

PLAIN = Qt.TextFormat.PlainText


def visible(text: str) -> str:
    """``text`` with its own line breaks kept and every other control or bidirectional
    character shown as U+FFFD."""
    return "\n".join(one_line(part) for part in text.split("\n"))


def label(text: str = "", parent: QWidget | None = None) -> QLabel:
    """A QLabel that shows its text as plain text, whatever it holds."""
    made = QLabel(parent)
    made.setTextFormat(PLAIN)
    made.setText(visible(text))
    return made


def set_text(target: QLabel, text: str) -> None:
    """Show ``text`` in ``target`` as plain text."""
    target.setTextFormat(PLAIN)
    target.setText(visible(text))


def tip(text: str) -> str:
    """A tooltip of ``text`` (a widget's, an item's or the tray's): Qt takes a tooltip that
    looks like HTML as rich text, so it goes as rich text that shows every character as it is,
    line breaks kept."""
    if not text:
        return ""
    lines = (escape(one_line(line), quote=False) for line in text.split("\n"))
    return "<qt>" + "<br>".join(lines) + "</qt>"


def box(
    icon: QMessageBox.Icon, title: str, text: str, parent: QWidget | None = None
) -> QMessageBox:
    """A message box whose text is plain text (its detailed text always is)."""
    made = QMessageBox(icon, visible(title), "", parent=parent)
    made.setTextFormat(PLAIN)
    made.setText(visible(text))
    return made


def inform(target: QMessageBox, text: str) -> None:
    """Set a message box's informative text, shown as plain text: Qt gives its label the
    box's own text format, so ``target`` is a plain-text box (:func:`box`, or one set so)."""
    if target.textFormat() != PLAIN:
        raise ValueError("the box's text format is not plain text")
    target.setInformativeText(visible(text))


def body_markup(text: str) -> str:
    """A notification body for a server that reads markup in bodies (the freedesktop
    specification's ``<b>``, ``<i>``, ``<a href>``, ``<img>``): the characters as they are."""
    return escape(visible(text), quote=False)


def menu_text(text: str) -> str:
    """A menu item's text: an ``&`` in it is shown, not taken as the item's shortcut key."""
    return visible(text).replace("&", "&&")


def tray_tip(text: str, dbus_tray: bool) -> str:
    """The tray icon's tooltip: on a StatusNotifierItem tray plain text (its ``ToolTip``
    title), on an XEmbed tray a Qt tooltip, escaped as :func:`tip` says."""
    return visible(text) if dbus_tray else tip(text)


def dbus_tray() -> bool:
    """Whether Qt made the tray icon a StatusNotifierItem, by Qt's own rule: on any platform
    but xcb always, on xcb when a StatusNotifierWatcher is on the session bus. Asked once,
    when the tray is made, as Qt does."""
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.platformName() != "xcb":
        return True
    from PySide6.QtDBus import QDBusConnection

    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    reply = bus.interface().isServiceRegistered("org.kde.StatusNotifierWatcher")
    return bool(reply.value()) if reply.isValid() else False
