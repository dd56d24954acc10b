"""How long a queued message stays useful (``outbox.expires_at``: a digest its day, a reminder until the next one
or the deadline, a slot reminder the slot), and workspaces that stopped receiving anything (``workspace.inactive_*``:
Cobot was uninstalled or its token revoked). NULL means "no limit" and "active", so existing rows keep today's
behaviour.

Revision ID: 0009_delivery_lifetimes
Revises: 0008_asks_per_month
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009_delivery_lifetimes"
down_revision: str | None = "0008_asks_per_month"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("inactive_since", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("inactive_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("inactive_reason")
        batch.drop_column("inactive_since")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("expires_at")
