"""``djamon-desktop`` and ``python -m djamon_desktop``."""

import sys


def main() -> None:
    from .cli import main as cli_main

    sys.exit(cli_main())


if __name__ == "__main__":
    main()
