"""Alembic revisions of the metadata database (Alembic skips this file)."""
