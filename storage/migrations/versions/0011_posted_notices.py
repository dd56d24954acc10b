"""Where a DM with buttons was posted (``outbox.posted_channel``/``posted_ts``), so that it can be updated in place
once its buttons were used: "Approved by @Mia" instead of Approve / Request changes. NULL for every existing row:
DMs sent before the upgrade keep their buttons, which still answer politely.

Revision ID: 0011_posted_notices
Revises: 0010_calendar_feeds
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011_posted_notices"
down_revision: str | None = "0010_calendar_feeds"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("posted_channel", sa.String(length=64), nullable=True))
        batch.add_column(sa.Column("posted_ts", sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("posted_ts")
        batch.drop_column("posted_channel")
