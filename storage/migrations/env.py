"""Alembic environment for Cobot: runs migrations on the connection that ``storage.migrate`` hands over.

There is no ``alembic.ini`` and no URL here. ``storage.migrate`` builds the Alembic config in code and passes
an open connection in ``config.attributes["connection"]``, already inside the transaction it will commit, so
the engine's own settings (SQLite pragmas and ``BEGIN IMMEDIATE``, a PostgreSQL ``search_path``) apply
unchanged and the version table lands wherever the tables do. Offline (``--sql``) mode is not supported.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata for autogenerate)


def run_migrations_online() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError('Cobot migrations need an open connection in config.attributes["connection"]')
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        # SQLite cannot ALTER most things; batch mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("Cobot migrations run online only, through storage.migrate")
run_migrations_online()
