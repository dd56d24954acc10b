"""Erasure: ``member.forgotten_at`` marks a person whose personal data was erased (``handlers.erasure``); null for
every existing member.

Revision ID: 0015_erasure
Revises: 0014_signoff
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_erasure"
down_revision: str | None = "0014_signoff"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("forgotten_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.drop_column("forgotten_at")
