"""Storage: peewee models on one SQLite file, migrations, and queries that return plain objects.

peewee imports psycopg2 at its own import whenever it is installed (40-80 ms and some MiB that a
check on the SQLite file never uses): it is imported here without it. A team database loads
psycopg2 when it is opened (``team_database.TeamDatabase``, ``connection``)."""

import sys

if "peewee" not in sys.modules and "psycopg2" not in sys.modules:
    sys.modules["psycopg2"] = None  # type: ignore[assignment]  # peewee's import finds none
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg2"]
