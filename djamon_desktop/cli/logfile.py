"""The log: a rotating file in the data folder, private to its owner (never the terminal).

``logging.handlers`` brings sockets, pickle and queues along, so the entry imports this module only
for the commands that open the data folder."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from .. import APP_NAME, paths


class PrivateLog(logging.handlers.RotatingFileHandler):
    """A rotating log whose files are readable by their owner only, whatever the umask."""

    def _open(self):
        paths.create_private(Path(self.baseFilename))
        return super()._open()


def setup_logging(data_dir: Path) -> None:
    """Log to a rotating file in the data folder. Called again for the same folder it does
    nothing; for another folder the log moves there."""
    target = str((paths.log_dir(data_dir) / f"{APP_NAME}.log").resolve())
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_djamon", False):
            if handler.baseFilename == target:
                return
            root.removeHandler(handler)
            handler.close()
    handler = PrivateLog(target, maxBytes=1_000_000, backupCount=3, encoding="utf-8")
    handler._djamon = True  # type: ignore[attr-defined]
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(logging.INFO)
