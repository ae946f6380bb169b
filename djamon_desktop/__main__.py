"""``djamon-desktop``, ``python -m djamon_desktop`` and the PyInstaller bundle's entry point
(absolute imports, so that it also runs as a plain script)."""

import gc
import sys


def main() -> None:
    if getattr(sys, "frozen", False):
        # a large round's checks run in processes of their own (core.spread), started as this
        # executable: such a start runs the check it was started for, not the app
        import multiprocessing

        multiprocessing.freeze_support()
    from djamon_desktop.cli import main as cli_main

    code = cli_main()
    # The process ends now: the collections of its exit need not walk every object still
    # alive (thousands after a round of checks; it took `check` 40-80 ms to exit).
    gc.freeze()
    sys.exit(code)


if __name__ == "__main__":
    main()
