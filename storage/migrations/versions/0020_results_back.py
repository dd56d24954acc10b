"""Results back to the people who helped: ``member.results_notes_enabled`` says whether a person gets the note
with what a piece they helped make earned, sent a while after it was published (`/cocreate resultsnotes`). Which
notes went out needs no table: each is queued once under its own outbox dedupe key.

Revision ID: 0020_results_back
Revises: 0019_member_departments
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020_results_back"
down_revision: str | None = "0019_member_departments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("results_notes_enabled", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.drop_column("results_notes_enabled")
