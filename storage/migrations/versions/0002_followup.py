"""Follow-up: reminder and digest settings per member, per-volunteer due dates, publishing, slots, extensions,
and sequence keys that order a request's card and thread messages in the outbox.

Revision ID: 0002_followup
Revises: 0001_initial
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_followup"
down_revision: str | None = "0001_initial"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("reminders_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))
        batch.add_column(sa.Column("listed_in_digest", sa.Boolean(), server_default=sa.true(), nullable=False))
    with op.batch_alter_table("content_request") as batch:
        batch.add_column(sa.Column("published_url", sa.String(length=2000), nullable=True))
        batch.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("volunteer") as batch:
        batch.add_column(sa.Column("due_date", sa.Date(), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("sequence_key", sa.String(length=64), nullable=True))
    op.create_index("ix_outbox_sequence_key", "outbox", ["sequence_key"], unique=False)
    op.create_index("ix_volunteer_workspace_due", "volunteer", ["workspace_id", "due_date"], unique=False)
    op.create_index("ix_volunteer_workspace_review", "volunteer", ["workspace_id", "review_state"], unique=False)

    op.create_table(
        "extension_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("volunteer_id", sa.Integer(), nullable=False),
        sa.Column("proposed_date", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_extension_request_workspace_id_workspace"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["content_request.id"], name="fk_extension_request_request_id_content_request"
        ),
        sa.ForeignKeyConstraint(["volunteer_id"], ["volunteer.id"], name="fk_extension_request_volunteer_id_volunteer"),
        sa.PrimaryKeyConstraint("id", name="pk_extension_request"),
    )
    op.create_index("ix_extension_request_volunteer_id", "extension_request", ["volunteer_id"], unique=False)
    op.create_table(
        "publishing_slot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_publishing_slot_workspace_id_workspace"),
        sa.ForeignKeyConstraint(["created_by_id"], ["member.id"], name="fk_publishing_slot_created_by_id_member"),
        sa.PrimaryKeyConstraint("id", name="pk_publishing_slot"),
        sa.UniqueConstraint("workspace_id", "name", "starts_at", name="uq_slot_workspace_name_start"),
    )
    op.create_table(
        "slot_booking",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("slot_name", sa.String(length=60), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("booked_by_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_slot_booking_workspace_id_workspace"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["content_request.id"], name="fk_slot_booking_request_id_content_request"
        ),
        sa.ForeignKeyConstraint(["booked_by_id"], ["member.id"], name="fk_slot_booking_booked_by_id_member"),
        sa.PrimaryKeyConstraint("id", name="pk_slot_booking"),
        sa.UniqueConstraint("workspace_id", "slot_name", "starts_at", name="uq_booking_slot"),
        sa.UniqueConstraint("request_id", name="uq_booking_request"),
    )
    op.create_index("ix_booking_workspace_start", "slot_booking", ["workspace_id", "starts_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_booking_workspace_start", table_name="slot_booking")
    op.drop_table("slot_booking")
    op.drop_table("publishing_slot")
    op.drop_index("ix_extension_request_volunteer_id", table_name="extension_request")
    op.drop_table("extension_request")
    op.drop_index("ix_outbox_sequence_key", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("sequence_key")
    op.drop_index("ix_volunteer_workspace_review", table_name="volunteer")
    op.drop_index("ix_volunteer_workspace_due", table_name="volunteer")
    with op.batch_alter_table("volunteer") as batch:
        batch.drop_column("due_date")
    with op.batch_alter_table("content_request") as batch:
        batch.drop_column("published_at")
        batch.drop_column("published_url")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("listed_in_digest")
        batch.drop_column("reminders_enabled")
