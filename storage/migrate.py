"""Brings a database's schema up to date with Cobot's Alembic migrations, configured in code (no alembic.ini).

``upgrade_to_head`` runs every pending migration in one transaction on a connection of the engine it is
given, so whatever the engine sets up per connection applies to the migrations too: SQLite's pragmas and
``BEGIN IMMEDIATE``, or a PostgreSQL ``search_path`` that puts the tables and ``alembic_version`` in one
schema. The scripts are found next to this module, so an installed (non-editable) package migrates as well.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# Any fixed number will do: the key of the PostgreSQL advisory lock that serialises concurrent upgrades.
_POSTGRES_MIGRATION_LOCK_KEY = 0x436F626F74  # "Cobot"


def alembic_config(*, connection: Connection | None = None) -> Config:
    """An Alembic config for Cobot's migrations; with ``connection``, env.py migrates on that connection."""
    config = Config()
    # Config values go through ConfigParser interpolation, where "%" is special.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Applies all pending migrations; does nothing when the database is already at the head revision."""
    with engine.connect() as connection:
        dialect = connection.dialect.name
        if dialect == "sqlite":
            with _sqlite_foreign_keys_suspended(connection), connection.begin():
                before = MigrationContext.configure(connection).get_current_revision()
                command.upgrade(alembic_config(connection=connection), "head")
                if MigrationContext.configure(connection).get_current_revision() != before:
                    _check_sqlite_foreign_keys(connection)  # a full scan: only after a migration ran
            return
        with connection.begin():
            if dialect == "postgresql":
                # Two processes starting at once would otherwise both find no alembic_version and both create
                # the tables; the second now waits, then finds the schema at head. Released at commit.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _POSTGRES_MIGRATION_LOCK_KEY})
            command.upgrade(alembic_config(connection=connection), "head")


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision among the migration scripts."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"No migration scripts found in {MIGRATIONS_DIR}")
    return head


@contextmanager
def _sqlite_foreign_keys_suspended(connection: Connection) -> Iterator[None]:
    # Batch migrations rebuild a SQLite table by copy, drop and rename; with foreign keys on, dropping a
    # table that other rows point at fails. SQLite ignores this pragma inside a transaction, and the engine's
    # "begin" listener opens one before the first statement, so the pragma goes to the driver connection.
    driver = connection.connection.driver_connection
    assert driver is not None
    was_on = bool(driver.execute("PRAGMA foreign_keys").fetchone()[0])
    driver.execute("PRAGMA foreign_keys=OFF")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA foreign_keys={'ON' if was_on else 'OFF'}")


def _check_sqlite_foreign_keys(connection: Connection) -> None:
    # With enforcement suspended, a migration could leave dangling references; refuse to commit those.
    violations = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if violations:
        raise RuntimeError(f"Migration left rows with broken foreign keys (table, rowid, parent, fk): {violations}")
