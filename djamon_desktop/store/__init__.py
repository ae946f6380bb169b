"""Storage: peewee models on one SQLite file, migrations, and queries that return plain objects."""
