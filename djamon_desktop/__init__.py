"""djamon-desktop: a calm desktop monitor for the web resources a small team depends on."""


def _version() -> str:
    """The installed distribution's version: the ``Version`` of the first
    ``djamon_desktop-*.dist-info/METADATA`` on ``sys.path``, where importlib.metadata finds it
    too (importing importlib.metadata would cost every ``check`` 30 ms of start-up)."""
    import os
    import sys

    for folder in sys.path:
        try:
            names = os.listdir(folder or ".")
        except OSError:
            continue
        for name in names:
            if name.startswith("djamon_desktop-") and name.endswith(".dist-info"):
                try:
                    with open(os.path.join(folder or ".", name, "METADATA"), encoding="utf-8") as f:
                        for line in f:
                            if line.startswith("Version:"):
                                return line.partition(":")[2].strip()
                            if not line.strip():
                                break  # the end of the headers
                except OSError:
                    continue
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("djamon-desktop")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0+unknown"


__version__ = _version()

APP_NAME = "djamon-desktop"
