"""Migration 0015 on SQLite and PostgreSQL: a database from before erasure upgrades in place, every existing member
is not forgotten and keeps their row, and the step can be undone."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command

from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, downgrade_to, upgrade_to_head

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_upgrade_from_0012_keeps_every_member_and_forgets_nobody(any_database_url: str) -> None:
    engine = make_engine(any_database_url)
    try:
        with engine.connect() as connection, connection.begin():
            command.upgrade(alembic_config(connection=connection), "0012_guests")
        with engine.begin() as connection:
            connection.execute(
                sa.text(
                    "INSERT INTO workspace (platform, external_id, name, last_request_number, created_at) "
                    "VALUES ('slack', 'T1', 'Acme', 0, :now)"
                ),
                {"now": NOW},
            )
            connection.execute(
                sa.text(
                    "INSERT INTO member (workspace_id, user_id, display_name, email, created_at) "
                    "VALUES (1, 'U1', 'Mette Ørsted', 'mette@example.com', :now)"
                ),
                {"now": NOW},
            )

        upgrade_to_head(engine)

        with engine.connect() as connection:
            rows = connection.execute(sa.text("SELECT user_id, display_name, email, forgotten_at FROM member")).all()
        assert [tuple(r) for r in rows] == [("U1", "Mette Ørsted", "mette@example.com", None)]

        downgrade_to(engine, "0012_guests")
        assert current_revision(engine) == "0012_guests"
        with engine.connect() as connection:
            columns = {c["name"] for c in sa.inspect(connection).get_columns("member")}
        assert "forgotten_at" not in columns and "email" in columns
    finally:
        engine.dispose()
