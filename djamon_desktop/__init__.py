"""djamon-desktop: a calm desktop monitor for the web resources a small team depends on."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("djamon-desktop")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.1.0"

APP_NAME = "djamon-desktop"
