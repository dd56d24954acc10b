"""Microsoft Teams: the conversations Cobot may write in (with the references proactive messages need), and each
Teams user's two ids.

Revision ID: 0004_teams
Revises: 0003_skills
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_teams"
# Keep the chain linear: this points at whichever migration was the head when it was written (0005_skills was
# written before this one, despite its number).
down_revision: str | None = "0003_skills"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "teams_conversation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("conversation_id", sa.String(length=1000), nullable=False),
        sa.Column("conversation_type", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=True),
        sa.Column("service_url", sa.String(length=500), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name="fk_teams_conversation_workspace_id_workspace"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_teams_conversation"),
        sa.UniqueConstraint("workspace_id", "key", name="uq_teams_conversation_workspace_key"),
    )
    op.create_index(
        "ix_teams_conversation_workspace_user", "teams_conversation", ["workspace_id", "user_id"], unique=False
    )
    op.create_table(
        "teams_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("teams_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_teams_user_workspace_id_workspace"),
        sa.PrimaryKeyConstraint("id", name="pk_teams_user"),
        sa.UniqueConstraint("workspace_id", "user_id", name="uq_teams_user_workspace_user"),
        sa.UniqueConstraint("workspace_id", "teams_id", name="uq_teams_user_workspace_teams_id"),
    )


def downgrade() -> None:
    op.drop_table("teams_user")
    op.drop_index("ix_teams_conversation_workspace_user", table_name="teams_conversation")
    op.drop_table("teams_conversation")
