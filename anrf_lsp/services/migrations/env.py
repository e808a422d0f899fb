"""Alembic environment: runs on the connection `Database` hands over, or (from the alembic CLI) on its own engine.

`anrf_lsp.services.db.upgrade()` puts an open connection, already inside a locked transaction, into
`config.attributes["connection"]`; migrations then run in that transaction. From the command line the URL is
`ANRF_METADATA_DB_URL`, else `sqlalchemy.url` in the ini file, else the default SQLite file.
"""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context

from anrf_lsp.services.db import Base, default_url, make_engine, normalize_url

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = os.environ.get("ANRF_METADATA_DB_URL") or config.get_main_option("sqlalchemy.url") or default_url()
    return normalize_url(url)


def _configure(**kwargs) -> None:
    # render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table instead.
    context.configure(target_metadata=target_metadata, compare_type=True, render_as_batch=True, **kwargs)


def run_offline() -> None:
    _configure(url=_url(), literal_binds=True, dialect_opts={"paramstyle": "named"})
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(_url())
    try:
        with engine.begin() as connection:
            _configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)

if context.is_offline_mode():
    run_offline()
else:
    run_online()
