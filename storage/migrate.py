"""Brings a database's schema up to date with Cobot's Alembic migrations, configured in code (no alembic.ini).

``upgrade_to_head`` runs every pending migration in one transaction on a connection of the engine it is
given, so whatever the engine sets up per connection applies to the migrations too: SQLite's pragmas and
``BEGIN IMMEDIATE``, or a PostgreSQL ``search_path`` that puts the tables and ``alembic_version`` in one
schema. The scripts are found next to this module, so an installed (non-editable) package migrates as well.

Alembic is imported only when there is something to migrate. Every start of Cobot calls ``upgrade_to_head``, and
``cobot serve`` does so before forking its workers, so importing Alembic (about 11 MB) to learn that the database
is already at head would cost that much in every process. Instead the head is read from the scripts' source
(their literal ``revision`` and ``down_revision``) and compared with ``alembic_version``; whenever that is not
plainly "at head", Alembic decides as before.
"""

from __future__ import annotations

import ast
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Engine, inspect, text

from storage.db import reader

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
VERSIONS_DIR = MIGRATIONS_DIR / "versions"

# Any fixed number will do: the key of the PostgreSQL advisory lock that serialises concurrent upgrades.
_POSTGRES_MIGRATION_LOCK_KEY = 0x436F626F74  # "Cobot"


def alembic_config(*, connection: Connection | None = None) -> Config:
    """An Alembic config for Cobot's migrations; with ``connection``, env.py migrates on that connection."""
    from alembic.config import Config

    config = Config()
    # Config values go through ConfigParser interpolation, where "%" is special.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade_to_head(engine: Engine) -> None:
    """Applies all pending migrations; does nothing when the database is already at the head revision."""
    if _at_head(engine):
        return  # the usual start: nothing to migrate, and Alembic stays unimported
    from alembic import command
    from alembic.runtime.migration import MigrationContext

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


def downgrade_to(engine: Engine, revision: str) -> None:
    """Takes the schema back to ``revision`` (an operator's way out of a release, and the migration tests'): on
    SQLite with foreign keys suspended while batch migrations rebuild tables, as ``upgrade_to_head`` does."""
    from alembic import command

    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            with _sqlite_foreign_keys_suspended(connection), connection.begin():
                command.downgrade(alembic_config(connection=connection), revision)
                _check_sqlite_foreign_keys(connection)
            return
        with connection.begin():
            command.downgrade(alembic_config(connection=connection), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None when it has never been migrated."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str:
    """The newest revision among the migration scripts."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if head is None:
        raise RuntimeError(f"No migration scripts found in {MIGRATIONS_DIR}")
    return head


def _at_head(engine: Engine) -> bool:
    head = scripted_head()
    if head is None:
        return False
    # A deferred read on SQLite: a start that finds nothing to do does not queue for the write lock. A migration
    # running elsewhere right now is not committed yet, so this finds the old revision and waits for it below.
    with reader(engine).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return False
        stored = connection.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    return stored == [head]


def scripted_head() -> str | None:
    """The head revision as read from the scripts' source, without Alembic; None when that is not plain (a value
    that is not a literal, branch labels or dependencies, no single head), which leaves the answer to Alembic."""
    parents: dict[str, tuple[str, ...]] = {}
    for path in sorted(VERSIONS_DIR.glob("*.py")):
        if path.name.startswith(("__init__", ".#")):  # the files Alembic skips too
            continue
        values = _literal_assignments(path)
        revision, down = values.get("revision"), values.get("down_revision", _UNREADABLE)
        # Alembic reads a missing branch_labels or depends_on as None; anything else there is not plain.
        if not isinstance(revision, str) or revision in parents or values.get("branch_labels") is not None:
            return None
        if values.get("depends_on") is not None:
            return None
        if down is None:
            parents[revision] = ()
        elif isinstance(down, str):
            parents[revision] = (down,)
        elif isinstance(down, tuple) and all(isinstance(parent, str) for parent in down):
            parents[revision] = down  # a merge
        else:
            return None
    referenced = {parent for revision_parents in parents.values() for parent in revision_parents}
    heads = set(parents) - referenced
    if not referenced <= set(parents) or len(heads) != 1:
        return None
    return heads.pop()


_UNREADABLE = object()  # an assignment whose value is not a literal

# CPython 3.11 before 3.11.8 can fail ``ast.parse`` with "SystemError: AST constructor recursion depth mismatch"
# when two threads parse at once (python/cpython#106905); servers check the head from several threads.
_PARSING = threading.Lock()


def _literal_assignments(path: Path) -> dict[str, Any]:
    values: dict[str, Any] = {}
    with _PARSING:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            name, value = node.target.id, node.value
        elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
            name, value = node.targets[0].id, node.value
        else:
            continue
        try:
            values[name] = ast.literal_eval(value)
        except (ValueError, TypeError):  # not a literal
            values[name] = _UNREADABLE
    return values


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
