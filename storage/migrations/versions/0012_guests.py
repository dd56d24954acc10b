"""Guests: people outside the company, invited by e-mail to a request. ``member.is_guest`` marks them (false for
every existing member; one guest per address in a workspace), and ``guest_link`` holds the hashes of their
personal links.

Revision ID: 0012_guests
Revises: 0011_posted_notices
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012_guests"
down_revision: str | None = "0011_posted_notices"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("is_guest", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_index(
        "uq_member_guest_email",
        "member",
        ["workspace_id", "email"],
        unique=True,
        sqlite_where=sa.text("is_guest"),
        postgresql_where=sa.text("is_guest"),
    )
    op.create_table(
        "guest_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_guest_link_workspace_id_workspace"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name="fk_guest_link_member_id_member"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["content_request.id"], name="fk_guest_link_request_id_content_request"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_guest_link"),
        sa.UniqueConstraint("token_hash", name="uq_guest_link_token_hash"),
    )
    op.create_index("ix_guest_link_workspace_request", "guest_link", ["workspace_id", "request_id"])
    op.create_index("ix_guest_link_workspace_member", "guest_link", ["workspace_id", "member_id"])


def downgrade() -> None:
    op.drop_index("ix_guest_link_workspace_member", table_name="guest_link")
    op.drop_index("ix_guest_link_workspace_request", table_name="guest_link")
    op.drop_table("guest_link")
    op.drop_index("uq_member_guest_email", table_name="member")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("is_guest")
