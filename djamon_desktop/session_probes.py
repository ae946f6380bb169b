"""What the desktop session offers, asked without Qt (``doctor`` runs from the command line,
where Qt may not be installed): the display, the system tray's host, the notification server
and whether the Secret Service's default keyring is locked.

The session bus is spoken to with jeepney, the pure-Python D-Bus library keyring's Secret
Service backend already brings on Linux; every call has a timeout. The X display is opened with
libX11 through ctypes (one selection owner is all that is asked of it). Each function may still
block where a library gives no timeout (connecting to a bus that accepts and never answers, an X
server that hangs): :mod:`.doctor` runs each probe on a thread of its own with a deadline.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

#: seconds one D-Bus call may take
CALL_TIMEOUT_S = 3.0

WATCHER = "org.kde.StatusNotifierWatcher"
NOTIFICATIONS = "org.freedesktop.Notifications"
SECRETS = "org.freedesktop.secrets"


class NoBus(Exception):
    """The session bus can't be reached (the message says why, in words for a person)."""


def display_names() -> tuple[str, str]:
    """``DISPLAY`` and ``WAYLAND_DISPLAY`` as set ("" when not)."""
    return os.environ.get("DISPLAY", "").strip(), os.environ.get("WAYLAND_DISPLAY", "").strip()


# -- X11 --------------------------------------------------------------------------------------


def _libx11() -> Any | None:
    name = ctypes.util.find_library("X11")
    if name is None:
        return None
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.XOpenDisplay.restype = ctypes.c_void_p
    lib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    lib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    lib.XDefaultScreen.argtypes = [ctypes.c_void_p]
    lib.XInternAtom.restype = ctypes.c_ulong
    lib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    lib.XGetSelectionOwner.restype = ctypes.c_ulong
    lib.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    return lib


@dataclass(frozen=True)
class XAnswer:
    """What the X display said: whether it opened (``problem`` says why not) and whether an
    XEmbed tray owns this screen's ``_NET_SYSTEM_TRAY_S<screen>`` selection."""

    opened: bool
    problem: str = ""
    tray_selection: str = ""
    tray_owned: bool = False


def ask_x(display: str) -> XAnswer:
    """Open ``display`` and look for the XEmbed tray's selection owner."""
    lib = _libx11()
    if lib is None:
        return XAnswer(False, "libX11 is not installed, so the X display can't be opened")
    handle = lib.XOpenDisplay(display.encode())
    if not handle:
        return XAnswer(False, f"the X display {display} can't be opened")
    try:
        selection = f"_NET_SYSTEM_TRAY_S{lib.XDefaultScreen(handle)}"
        atom = lib.XInternAtom(handle, selection.encode(), 0)
        return XAnswer(True, "", selection, lib.XGetSelectionOwner(handle, atom) != 0)
    finally:
        lib.XCloseDisplay(handle)


# -- the session bus -------------------------------------------------------------------------


def session_bus_address() -> str:
    """The session bus's address: ``DBUS_SESSION_BUS_ADDRESS``, else systemd's usual
    ``$XDG_RUNTIME_DIR/bus``; NoBus when there is neither."""
    given = os.environ.get("DBUS_SESSION_BUS_ADDRESS", "").strip()
    if given:
        return given
    runtime = os.environ.get("XDG_RUNTIME_DIR", "").strip()
    if runtime and os.path.exists(os.path.join(runtime, "bus")):
        return f"unix:path={os.path.join(runtime, 'bus')}"
    raise NoBus("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")


@contextmanager
def session_bus() -> Iterator[Any]:
    """A blocking jeepney connection to the session bus, closed afterwards; NoBus when it
    can't be made."""
    try:
        from jeepney.io.blocking import open_dbus_connection
    except ImportError:
        raise NoBus("the D-Bus library (jeepney) is not installed") from None
    address = session_bus_address()
    try:
        conn = open_dbus_connection(address, auth_timeout=CALL_TIMEOUT_S)
    except (OSError, ValueError, StopIteration) as exc:
        raise NoBus(f"the session bus can't be reached ({type(exc).__name__})") from None
    try:
        yield conn
    finally:
        conn.close()


class CallFailed(Exception):
    """A D-Bus call answered with an error; ``name`` is the error's D-Bus name."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def call(conn: Any, service: str, path: str, interface: str, method: str, *args: Any) -> tuple:
    """Call ``method`` and return the reply's body; CallFailed for an error reply, TimeoutError
    when there is no answer within :data:`CALL_TIMEOUT_S`. ``args`` as (signature, *values)."""
    from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call

    signature, body = (args[0], tuple(args[1:])) if args else (None, ())
    message = new_method_call(DBusAddress(path, service, interface), method, signature, body)
    reply = conn.send_and_get_reply(message, timeout=CALL_TIMEOUT_S)
    if reply.header.message_type == MessageType.error:
        raise CallFailed(str(reply.header.fields.get(HeaderFields.error_name, "an error")))
    return reply.body


def get_property(conn: Any, service: str, path: str, interface: str, name: str) -> Any:
    """One property's value (the variant unwrapped)."""
    body = call(
        conn, service, path, "org.freedesktop.DBus.Properties", "Get", "ss", interface, name
    )
    return body[0][1]


def has_owner(conn: Any, name: str) -> bool:
    body = call(
        conn, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
        "NameHasOwner", "s", name,
    )  # fmt: skip
    return bool(body[0])


def sni_host(conn: Any) -> bool:
    """Whether a StatusNotifierItem host is there: a watcher with a host registered (what Qt
    looks for before it shows its tray icon as a StatusNotifierItem rather than by XEmbed)."""
    if not has_owner(conn, WATCHER):
        return False
    try:
        return bool(
            get_property(conn, WATCHER, "/StatusNotifierWatcher", WATCHER,
                         "IsStatusNotifierHostRegistered")
        )  # fmt: skip
    except CallFailed:
        return False


@dataclass(frozen=True)
class NotificationServer:
    name: str
    vendor: str
    version: str
    capabilities: tuple[str, ...]
    started_on_demand: bool = False


def notification_server(conn: Any) -> NotificationServer | None:
    """The notification server's name and capabilities; None when there is none (a server that
    is started on demand is started by asking, as a notification would start it)."""
    path = "/org/freedesktop/Notifications"
    running = has_owner(conn, NOTIFICATIONS)
    try:
        name, vendor, version, _spec = call(
            conn, NOTIFICATIONS, path, NOTIFICATIONS, "GetServerInformation"
        )
    except CallFailed:
        return None
    capabilities = call(conn, NOTIFICATIONS, path, NOTIFICATIONS, "GetCapabilities")[0]
    return NotificationServer(name, vendor, version, tuple(capabilities), not running)


def secret_service_locked(conn: Any) -> bool | None:
    """Whether the Secret Service's default collection (the one keyring writes to) is locked,
    asked without unlocking it, so no prompt shows; None when there is no default collection
    yet (the first secret stored makes one)."""
    service = "org.freedesktop.Secret.Service"
    path = call(conn, SECRETS, "/org/freedesktop/secrets", service, "ReadAlias", "s", "default")[0]
    if path in ("", "/"):
        return None
    return bool(get_property(conn, SECRETS, path, "org.freedesktop.Secret.Collection", "Locked"))
