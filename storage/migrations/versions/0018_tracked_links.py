"""Tracked links of published pieces: ``tracked_link`` (one per piece, ``/r/<code>``), ``link_click_day`` (clicks per
link and day), ``link_click_seen`` (keyed hashes of today's readers, pruned daily) and ``install_secret``.

Revision ID: 0018_tracked_links
Revises: 0017_piece_results
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018_tracked_links"
down_revision: str | None = "0017_piece_results"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracked_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("target_url", sa.Text(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.Column("card_clicks", sa.Integer(), nullable=False),
        sa.Column("card_refreshed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_tracked_link_workspace_id_workspace"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["content_request.id"], name="fk_tracked_link_request_id_content_request"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_tracked_link"),
        sa.UniqueConstraint("code", name="uq_tracked_link_code"),
        sa.UniqueConstraint("request_id", name="uq_tracked_link_request"),
    )
    op.create_index("ix_tracked_link_workspace", "tracked_link", ["workspace_id"])
    op.create_table(
        "link_click_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("clicks", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_link_click_day_workspace_id_workspace"),
        sa.ForeignKeyConstraint(["link_id"], ["tracked_link.id"], name="fk_link_click_day_link_id_tracked_link"),
        sa.PrimaryKeyConstraint("id", name="pk_link_click_day"),
        sa.UniqueConstraint("link_id", "day", name="uq_link_click_day_link_day"),
    )
    op.create_table(
        "link_click_seen",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("link_id", sa.Integer(), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(["link_id"], ["tracked_link.id"], name="fk_link_click_seen_link_id_tracked_link"),
        sa.PrimaryKeyConstraint("id", name="pk_link_click_seen"),
        sa.UniqueConstraint("link_id", "key_hash", name="uq_link_click_seen_link_key"),
    )
    op.create_index("ix_link_click_seen_day", "link_click_seen", ["day"])
    op.create_table(
        "install_secret",
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_install_secret"),
    )


def downgrade() -> None:
    op.drop_table("install_secret")
    op.drop_index("ix_link_click_seen_day", table_name="link_click_seen")
    op.drop_table("link_click_seen")
    op.drop_table("link_click_day")
    op.drop_index("ix_tracked_link_workspace", table_name="tracked_link")
    op.drop_table("tracked_link")
