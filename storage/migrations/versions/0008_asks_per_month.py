"""How often a member may be invited in any 30 days (``/cocreate asks``, App Home); NULL means the workspace's
limit, so every existing member keeps today's behaviour.

Revision ID: 0008_asks_per_month
Revises: 0007_growth_indexes
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008_asks_per_month"
down_revision: str | None = "0007_growth_indexes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("asks_per_month", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.drop_column("asks_per_month")
