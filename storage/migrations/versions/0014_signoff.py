"""Sign-off and consent: ``sign_off`` records a contributor's confirmation of the approved version of their
contribution (byline, bio, where it may be published; bound to the version and its content hash), and
``publication_override`` the reason a request was published without every sign-off.

Revision ID: 0014_signoff
Revises: 0013_guest_page
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014_signoff"
down_revision: str | None = "0013_guest_page"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sign_off",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("draft_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("byline", sa.String(length=200), nullable=False),
        sa.Column("bio", sa.String(length=400), nullable=False),
        sa.Column("places", sa.JSON(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_sign_off_workspace_id_workspace"),
        sa.ForeignKeyConstraint(["request_id"], ["content_request.id"], name="fk_sign_off_request_id_content_request"),
        sa.ForeignKeyConstraint(["draft_id"], ["draft.id"], name="fk_sign_off_draft_id_draft"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name="fk_sign_off_member_id_member"),
        sa.PrimaryKeyConstraint("id", name="pk_sign_off"),
    )
    op.create_index("ix_sign_off_workspace_request_member", "sign_off", ["workspace_id", "request_id", "member_id"])
    op.create_index("ix_sign_off_workspace_draft", "sign_off", ["workspace_id", "draft_id"])
    op.create_table(
        "publication_override",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("forced_by_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("missing_member_ids", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name="fk_publication_override_workspace_id_workspace"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"], ["content_request.id"], name="fk_publication_override_request_id_content_request"
        ),
        sa.ForeignKeyConstraint(["forced_by_id"], ["member.id"], name="fk_publication_override_forced_by_id_member"),
        sa.PrimaryKeyConstraint("id", name="pk_publication_override"),
        sa.UniqueConstraint("request_id", name="uq_publication_override_request_id"),
    )


def downgrade() -> None:
    op.drop_table("publication_override")
    op.drop_index("ix_sign_off_workspace_draft", table_name="sign_off")
    op.drop_index("ix_sign_off_workspace_request_member", table_name="sign_off")
    op.drop_table("sign_off")
