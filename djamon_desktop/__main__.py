"""``djamon-desktop``, ``python -m djamon_desktop`` and the PyInstaller bundle's entry point
(absolute imports, so that it also runs as a plain script)."""

import sys


def main() -> None:
    from djamon_desktop.cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
