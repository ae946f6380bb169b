"""The app as a process: an unexpected exception becomes a dialog (the tray stays), and SIGTERM
or SIGINT (Ctrl-C) quit it cleanly."""

from __future__ import annotations

import logging
import os
import signal
import socket
import sys
import threading
import traceback
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSocketNotifier, Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from .. import __version__
from . import plain
from .icons import app_icon

log = logging.getLogger(__name__)

#: the unexpected-error boxes on screen: held here, not by the App, until each is closed
_open_boxes: set[QMessageBox] = set()


def install_error_dialog(logs: Path, lost: Callable[[str], None]) -> None:
    """An unexpected exception becomes a readable dialog and a log entry (in ``logs``); the
    tray stays. A lost team database is no error: the UI thread's is handed to ``lost`` (why)."""

    def show(kind, value, tb) -> None:
        if value is not None:
            from ..store.database import lost_connection

            gone = lost_connection(value)  # the team database went: grey, not an error
            if gone is not None:
                if threading.current_thread() is threading.main_thread():
                    lost(gone.message)
                # on a worker (psycopg2 prints an error cut off mid-COPY as well as raising
                # it): the worker's own flow reports it; lost_connection has logged it
                return
        log.error("unexpected error", exc_info=(kind, value, tb))
        try:
            box = QMessageBox(
                QMessageBox.Icon.Critical,
                "Unexpected error — djamon-desktop",
                f"Something went wrong: {kind.__name__}: {value}",
            )
            box.setTextFormat(Qt.TextFormat.PlainText)  # an error may quote any text
            plain.inform(box, f"djamon-desktop keeps running. The details are in {logs}.")
            box.setDetailedText("".join(traceback.format_exception(kind, value, tb)))
            box.setModal(False)
            box.show()
            _open_boxes.add(box)  # kept alive while it is open (it has no parent)
            box.finished.connect(lambda *_: _open_boxes.discard(box))
        except Exception:  # never let the handler itself take the app down
            pass

    sys.excepthook = show
    threading.excepthook = lambda args: show(args.exc_type, args.exc_value, args.exc_traceback)


def quit_on_sigterm(quit: Callable[[], None]) -> QSocketNotifier | None:
    """SIGTERM and SIGINT end the app cleanly: a wake-up pipe lets Qt's loop notice them."""
    try:
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        signal.set_wakeup_fd(writer.fileno())
    except (OSError, ValueError):
        return None
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: None)
    notifier = QSocketNotifier(reader.fileno(), QSocketNotifier.Type.Read)

    def woke() -> None:
        reader.recv(64)
        quit()

    notifier.activated.connect(woke)
    notifier._keep = (reader, writer)  # type: ignore[attr-defined]
    return notifier


def restart_command() -> list[str]:
    """The command that started this process, to start it again (the Team tab's Restart: a
    new choice of database is used from the start)."""
    if getattr(sys, "frozen", False):  # the packaged app
        return [sys.executable, *sys.argv[1:]]
    return [sys.executable, "-m", "djamon_desktop", *sys.argv[1:]]


def start_again() -> None:
    """Replace this process with a new run of the same command (same pid, options and
    environment). Called once the app has quit cleanly."""
    command = restart_command()
    log.info("restarting: %s", " ".join(command))
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(command[0], command)


def refuse(title: str, message: str) -> int:
    """The app can't start (a database written by a newer version): say so in a window, since
    someone who started it from a menu sees no terminal, and on stderr; 2 once it is closed."""
    from .windows.base import window_title

    print(f"djamon-desktop: {message}", file=sys.stderr)
    qapp = QApplication.instance() or QApplication(["djamon-desktop"])
    qapp.setWindowIcon(app_icon())
    box = plain.box(QMessageBox.Icon.Critical, window_title(title), f"{title}.")
    plain.inform(box, message)  # the database's URL and the versions
    box.setStandardButtons(QMessageBox.StandardButton.Close)
    box.exec()
    return 2


def application() -> QApplication:
    """The one QApplication, named and set up as the tray app wants it."""
    # argv[0] names the X11 window class: the same whichever way the app was started
    qapp = QApplication.instance() or QApplication(["djamon-desktop"])
    qapp.setApplicationName("djamon-desktop")
    qapp.setApplicationDisplayName("djamon-desktop")
    qapp.setApplicationVersion(__version__)
    qapp.setDesktopFileName("djamon-desktop")
    qapp.setWindowIcon(app_icon())
    qapp.setQuitOnLastWindowClosed(False)
    return qapp


def already_running(data_dir: Path) -> bool:
    """True when an app already runs for ``data_dir`` (it holds the folder's lock): it was
    asked to bring its dashboard forward. Else this process now holds the lock, before it opens
    the database (a hung team database must not delay a second launch)."""
    from .. import instance

    if instance.claim(data_dir) is not None:
        return False
    answer = instance.ask_to_show(data_dir)
    if answer == "shown":
        print(
            "djamon-desktop is already running for this data folder; "
            "its dashboard was brought forward."
        )
    elif answer == "asked":
        print(
            "djamon-desktop is already running for this data folder and still starting; "
            "it will bring its dashboard forward."
        )
    else:
        print(
            f"djamon-desktop is already running for this data folder, but can't be reached "
            f"({answer}).",
            file=sys.stderr,
        )
    return True
