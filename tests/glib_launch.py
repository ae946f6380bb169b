"""Launch desktop entries the way a desktop does, through GLib's own reader (Debian's python3-gi,
so run by /usr/bin/python3, not the tests' venv): ``glib_launch.py RECORD FILE...``.

Each FILE is loaded with ``Gio.DesktopAppInfo.new_from_filename`` and launched with
``DJAMON_RECORD`` set to ``RECORD``/N (N: the file's index); a program the tests wrote there
records the argv it was started with. Prints one JSON object: for each file, what GLib read as
the command line (null when it refused the entry) and GLib's own parse of it."""

from __future__ import annotations

import json
import sys

import gi

gi.require_version("Gio", "2.0")
gi.require_version("GLib", "2.0")
from gi.repository import Gio, GLib  # noqa: E402


def main(record: str, files: list[str]) -> None:
    out = []
    for index, path in enumerate(files):
        try:
            info = Gio.DesktopAppInfo.new_from_filename(path)
        except TypeError:  # (PyGObject's word for the NULL of an entry GLib refuses)
            info = None
        if info is None:
            out.append({"commandline": None, "parsed": None})
            continue
        commandline = info.get_commandline()
        _ok, parsed = GLib.shell_parse_argv(commandline)
        context = Gio.AppLaunchContext()
        context.setenv("DJAMON_RECORD", f"{record}/{index}")
        info.launch([], context)
        out.append({"commandline": commandline, "parsed": list(parsed)})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
