"""djamon-desktop: a calm desktop monitor for the web resources a small team depends on."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("djamon-desktop")
except PackageNotFoundError:  # a source tree that was never installed
    __version__ = "0+unknown"

APP_NAME = "djamon-desktop"
