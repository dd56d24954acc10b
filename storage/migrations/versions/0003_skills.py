"""Skills directory and invitations: who may be invited (a per-member opt-out), and every invitation with its
answer.

Revision ID: 0003_skills
Revises: 0002_followup
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003_skills"
# Keep the chain linear: this points at whichever migration was the head when it was (last) written.
down_revision: str | None = "0002_followup"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("invitations_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))
    op.create_table(
        "invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.String(length=24), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_invitation_workspace_id_workspace"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["content_request.id"], name="fk_invitation_request_id_content_request"
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name="fk_invitation_member_id_member"),
        sa.PrimaryKeyConstraint("id", name="pk_invitation"),
        sa.UniqueConstraint("request_id", "member_id", name="uq_invitation_request_member"),
    )
    op.create_index(
        "ix_invitation_workspace_member_asked", "invitation", ["workspace_id", "member_id", "asked_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_invitation_workspace_member_asked", table_name="invitation")
    op.drop_table("invitation")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("invitations_enabled")
