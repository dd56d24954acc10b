"""Migration 0014 (sign-off and consent) upgrades a database in place on SQLite and PostgreSQL: the requests,
members and drafts already there are kept, and the new tables take a sign-off bound to a draft and a publication
record that refuses a second one for the same request."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine
from storage.migrate import alembic_config, current_revision, downgrade_to, head_revision, upgrade_to_head

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROWS = (
    "INSERT INTO workspace (platform, external_id, name, last_request_number, created_at) "
    "VALUES ('slack', 'T1', 'Acme', 1, :now)",
    "INSERT INTO member (workspace_id, user_id, display_name, created_at) VALUES (1, 'U1', 'Mette', :now)",
    "INSERT INTO content_request (workspace_id, number, title, brief, wanted_skills, volunteers_needed, "
    "draft_deadline, owner_id, status, created_at, updated_at) "
    "VALUES (1, 1, 'Tips', '', '[]', 1, '2026-12-10', 1, 'approved', :now, :now)",
    "INSERT INTO volunteer (workspace_id, request_id, member_id, state, review_state, via, created_at) "
    "VALUES (1, 1, 1, 'active', 'approved', 'command', :now)",
    "INSERT INTO draft (workspace_id, request_id, volunteer_id, member_id, version, url, source, created_at) "
    "VALUES (1, 1, 1, 1, 1, 'https://docs.example.com/a', 'command', :now)",
)


def test_upgrade_from_0012_keeps_drafts_and_adds_sign_offs(any_database_url: str) -> None:
    engine = make_engine(any_database_url)
    try:
        with engine.connect() as connection, connection.begin():
            command.upgrade(alembic_config(connection=connection), "0012_guests")
        with engine.begin() as connection:
            for statement in ROWS:
                connection.execute(sa.text(statement), {"now": NOW})

        upgrade_to_head(engine)

        assert current_revision(engine) == head_revision()
        with engine.begin() as connection:
            assert connection.execute(sa.text("SELECT version, url FROM draft")).all() == [
                (1, "https://docs.example.com/a")
            ]
            connection.execute(
                sa.text(
                    "INSERT INTO sign_off (workspace_id, request_id, draft_id, member_id, version, content_hash, "
                    "byline, bio, places, signed_at) VALUES (1, 1, 1, 1, 1, :hash, 'Mette', '', '[]', :now)"
                ),
                {"hash": "a" * 64, "now": NOW},
            )
        override = sa.text(
            "INSERT INTO publication_override (workspace_id, request_id, forced_by_id, reason, missing_member_ids, "
            "created_at) VALUES (1, 1, 1, 'on leave', '[1]', :now)"
        )
        with engine.begin() as connection:
            connection.execute(override, {"now": NOW})
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(override, {"now": NOW})
        with pytest.raises(IntegrityError), engine.begin() as connection:  # a sign-off names a real draft
            connection.execute(
                sa.text(
                    "INSERT INTO sign_off (workspace_id, request_id, draft_id, member_id, version, content_hash, "
                    "byline, bio, places, signed_at) VALUES (1, 1, 99, 1, 1, :hash, 'x', '', '[]', :now)"
                ),
                {"hash": "b" * 64, "now": NOW},
            )

        downgrade_to(engine, "0012_guests")
        with engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names())
            assert "sign_off" not in tables and "publication_override" not in tables
            assert connection.execute(sa.text("SELECT count(*) FROM draft")).scalar_one() == 1
    finally:
        engine.dispose()
