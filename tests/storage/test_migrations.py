"""Storage tests for the Alembic migrations on SQLite and PostgreSQL: an empty database reaches head, the result
matches the models, and SQLite connections keep WAL and foreign keys on."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import QueuePool
from sqlmodel import SQLModel

import storage.migrate
from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, head_revision, scripted_head, upgrade_to_head
from storage.models import Member, Workspace

NOW = datetime(2026, 1, 5, 9, 30, tzinfo=UTC)
MODEL_TABLES = {
    "workspace",
    "member",
    "member_skill",
    "content_request",
    "request_part",
    "volunteer",
    "draft",
    "review",
    "processed_event",
    "outbox",
    "extension_request",
    "publishing_slot",
    "slot_booking",
    "invitation",
    "teams_conversation",
    "teams_user",
    "calendar_feed",
    "guest_link",
    "guest_file",
    "sign_off",
    "publication_override",
    "piece_result",
    "tracked_link",
    "link_click_day",
    "link_click_seen",
    "install_secret",
    "slack_installation",
    "slack_org_team",
    "slack_oauth_state",
}
HEAD = "0021_installations"


def _table_names(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(sa.inspect(connection).get_table_names())


def test_models_define_the_tables_this_file_expects() -> None:
    assert set(SQLModel.metadata.tables) == MODEL_TABLES


def test_upgrade_of_empty_database_reaches_head_and_repeating_it_changes_nothing(
    any_database_url: str,
) -> None:
    engine = make_engine(any_database_url)
    try:
        assert current_revision(engine) is None
        assert _table_names(engine) == set()

        upgrade_to_head(engine)

        assert head_revision() == HEAD
        assert current_revision(engine) == head_revision()
        assert _table_names(engine) == MODEL_TABLES | {"alembic_version"}

        with engine.begin() as connection:
            connection.execute(
                sa.insert(Workspace).values(
                    platform="slack", external_id="T1", name="Acme", last_request_number=7, created_at=NOW
                )
            )
        upgrade_to_head(engine)

        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).all() == [(HEAD,)]
            assert connection.execute(sa.text("SELECT external_id, last_request_number FROM workspace")).all() == [
                ("T1", 7)
            ]
    finally:
        engine.dispose()


@pytest.mark.postgres
def test_postgres_tables_and_version_table_land_in_the_search_path_schema(postgres_url: str) -> None:
    engine = make_engine(postgres_url)
    try:
        upgrade_to_head(engine)
        with engine.connect() as connection:
            schema = connection.execute(sa.text("SELECT current_schema()")).scalar_one()
            tables = connection.execute(
                sa.text("SELECT table_name FROM information_schema.tables WHERE table_schema = :schema"),
                {"schema": schema},
            ).scalars()
            assert schema.startswith("t_")
            assert set(tables) == MODEL_TABLES | {"alembic_version"}
    finally:
        engine.dispose()


def test_migrated_schema_matches_the_models(any_engine: Engine) -> None:
    with any_engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_downgrade_to_base_removes_every_table_and_upgrade_restores_them(any_engine: Engine) -> None:
    with any_engine.begin() as connection:
        command.downgrade(alembic_config(connection=connection), "base")
    assert _table_names(any_engine) <= {"alembic_version"}
    assert current_revision(any_engine) is None

    upgrade_to_head(any_engine)
    assert _table_names(any_engine) == MODEL_TABLES | {"alembic_version"}


def test_sqlite_connections_use_wal_and_refuse_rows_pointing_at_a_missing_workspace(engine: Engine) -> None:
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar_one() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1

    with pytest.raises(IntegrityError, match="FOREIGN KEY"), engine.begin() as connection:
        connection.execute(sa.insert(Member).values(workspace_id=999, user_id="U1", display_name="", created_at=NOW))
    with engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM member")).scalar_one() == 0


def test_sqlite_foreign_keys_are_on_again_on_the_connection_that_ran_the_migration(sqlite_url: str) -> None:
    # The migration switches enforcement off on its connection (for batch table rebuilds); that connection
    # goes back to the pool and must not come out again with enforcement still off.
    engine = make_engine(sqlite_url)
    try:
        upgrade_to_head(engine)
        assert isinstance(engine.pool, QueuePool)
        assert engine.pool.checkedin() == 1  # so the next checkout is the connection the migration used
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar_one() == 1
    finally:
        engine.dispose()


def test_upgrade_from_0001_keeps_existing_rows_and_fills_new_columns(any_database_url: str) -> None:
    """A database created by the first release upgrades in place: members keep their rows and get the new
    settings switched on (and the workspace's ask limit), requests keep theirs with nothing published yet."""
    engine = make_engine(any_database_url)
    try:
        with engine.connect() as connection, connection.begin():
            command.upgrade(alembic_config(connection=connection), "0001_initial")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO workspace (platform, external_id, name, last_request_number, created_at) "
                    "VALUES ('slack', 'T1', 'Acme', 1, :now)"
                ),
                {"now": NOW},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO member (workspace_id, user_id, display_name, created_at) "
                    "VALUES (1, 'U1', 'Mette Ørsted', :now)"
                ),
                {"now": NOW},
            )
        upgrade_to_head(engine)
        assert current_revision(engine) == HEAD
        with engine.connect() as connection:
            row = connection.execute(
                sa.text("SELECT display_name, reminders_enabled, listed_in_digest, asks_per_month FROM member")
            ).one()
        assert row[0] == "Mette Ørsted"
        assert bool(row[1]) is True and bool(row[2]) is True
        assert row[3] is None  # the workspace's ask limit, as before
    finally:
        engine.dispose()


def test_a_database_at_head_is_left_to_itself_without_asking_alembic(
    any_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_alembic(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("Alembic ran on a database at head")

    monkeypatch.setattr(command, "upgrade", no_alembic)
    upgrade_to_head(any_engine)  # every start does this; at head it only reads alembic_version

    with any_engine.begin() as connection:
        connection.execute(sa.text("UPDATE alembic_version SET version_num = '0007_growth_indexes'"))
    with pytest.raises(AssertionError, match="Alembic ran"):
        upgrade_to_head(any_engine)  # one behind: Alembic's turn


def _scripts(folder: Path, *revisions: tuple[str, str]) -> None:
    for name, header in revisions:
        (folder / f"{name}.py").write_text(f'"""{name}"""\n\nfrom alembic import op\n\nrevision = "{name}"\n{header}\n')


def test_the_head_is_read_from_the_scripts_only_when_it_is_plain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage.migrate, "VERSIONS_DIR", tmp_path)
    (tmp_path / "__init__.py").write_text("revision = 'not a script'\n")
    _scripts(tmp_path, ("a", "down_revision = None"), ("b", "down_revision: str | None = 'a'"))
    assert scripted_head() == "b"

    _scripts(tmp_path, ("c", "down_revision = 'a'"))
    assert scripted_head() is None  # two heads: Alembic says what is wrong
    _scripts(tmp_path, ("d", "down_revision = ('b', 'c')"))
    assert scripted_head() == "d"  # merged

    for header in (
        "down_revision = 'd'\nbranch_labels = ('x',)",
        "down_revision = 'd'\ndepends_on = 'a'",
        "down_revision = PREVIOUS",
        "down_revision = 'missing'",
        "down = 'd'",
    ):
        _scripts(tmp_path, ("e", header))
        assert scripted_head() is None, header
