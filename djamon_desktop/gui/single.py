"""The running app's side of the channel a second launch talks to (djamon_desktop/instance.py
decides which launch runs and where the channel lives): "show" brings the dashboard forward."""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

from PySide6.QtCore import QObject, QSocketNotifier, QTimer, Signal
from PySide6.QtNetwork import QLocalSocket

from .. import instance

log = logging.getLogger(__name__)

#: a connection that has said nothing by then is closed
_QUIET_MS = 5000


class InstanceServer(QObject):
    show_requested = Signal()

    def __init__(self, data_dir: Path) -> None:
        super().__init__()
        held = instance.claim(data_dir)
        self._listener = held.listener if held is not None else None
        self._notifier: QSocketNotifier | None = None
        if self._listener is not None:
            self._notifier = QSocketNotifier(self._listener.fileno(), QSocketNotifier.Type.Read)
            self._notifier.activated.connect(self._accept)

    def _accept(self) -> None:
        assert self._listener is not None
        while True:
            try:
                connection, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                log.warning("a second launch's connection failed: %s", exc)
                return
            try:
                uid = instance.peer_uid(connection)
            except OSError:
                uid = -1
            if uid != os.getuid():  # (only reachable at all where the folder was loosened)
                log.warning("refused a connection from user id %s to the app's channel", uid)
                connection.close()
                continue
            socket = QLocalSocket(self)
            if not socket.setSocketDescriptor(connection.detach()):
                socket.deleteLater()
                continue
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(socket.deleteLater)
            QTimer.singleShot(_QUIET_MS, socket, socket.abort)

    def _read(self, socket: QLocalSocket) -> None:
        if bytes(socket.readAll()).strip() == b"show":
            self.show_requested.emit()
            socket.write(b"ok\n")
            socket.flush()
        socket.disconnectFromServer()

    def close(self) -> None:
        if self._notifier is not None:
            self._notifier.setEnabled(False)
            with contextlib.suppress(RuntimeError):
                self._notifier.deleteLater()
            self._notifier = None
