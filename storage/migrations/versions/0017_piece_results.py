"""What published pieces earned: ``piece_result`` holds one figure per piece, metric, source and day (typed by the
owner, imported from a file, or polled from the analytics server).

Revision ID: 0017_piece_results
Revises: 0016_reminder_stops
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017_piece_results"
down_revision: str | None = "0016_reminder_stops"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "piece_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=40), nullable=False),
        sa.Column("source", sa.String(length=24), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_piece_result_workspace_id_workspace"),
        sa.ForeignKeyConstraint(
            ["request_id"], ["content_request.id"], name="fk_piece_result_request_id_content_request"
        ),
        sa.ForeignKeyConstraint(["recorded_by_id"], ["member.id"], name="fk_piece_result_recorded_by_id_member"),
        sa.PrimaryKeyConstraint("id", name="pk_piece_result"),
        sa.UniqueConstraint("request_id", "metric", "source", "day", name="uq_piece_result_figure"),
    )
    op.create_index("ix_piece_result_workspace_request", "piece_result", ["workspace_id", "request_id"])


def downgrade() -> None:
    op.drop_index("ix_piece_result_workspace_request", table_name="piece_result")
    op.drop_table("piece_result")
