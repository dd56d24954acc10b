"""The guest's web page: ``guest_link.accepted_at`` (the guest accepted on their page), ``guest_link.form_secret``
(the key of the page's CSRF tokens), and ``guest_file``, the files guests hand in as drafts.

Revision ID: 0013_guest_page
Revises: 0012_guests
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_guest_page"
down_revision: str | None = "0012_guests"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guest_link") as batch:
        batch.add_column(sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("form_secret", sa.String(length=64), nullable=True))
    op.create_table(
        "guest_file",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("download_token", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_guest_file_workspace_id_workspace"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name="fk_guest_file_member_id_member"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["content_request.id"], name="fk_guest_file_request_id_content_request"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_guest_file"),
        sa.UniqueConstraint("download_token", name="uq_guest_file_download_token"),
    )
    op.create_index("ix_guest_file_workspace_member", "guest_file", ["workspace_id", "member_id"])


def downgrade() -> None:
    op.drop_index("ix_guest_file_workspace_member", table_name="guest_file")
    op.drop_table("guest_file")
    with op.batch_alter_table("guest_link") as batch:
        batch.drop_column("form_secret")
        batch.drop_column("accepted_at")
