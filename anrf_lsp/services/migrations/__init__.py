"""Alembic migration environment of the metadata database (a package, so it ships in wheels)."""
