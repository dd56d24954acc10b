"""Guests' e-mail: ``volunteer.reminders_stopped_at`` is set when a guest uses the one-click stop in a reminder
e-mail (List-Unsubscribe), so no further draft reminder goes to them about that request; ``guest_link.invitation``
marks the link an invitation made (every e-mail gets a link of its own), which dates the invitation for the guests
who never open one.

Revision ID: 0016_reminder_stops
Revises: 0015_erasure
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016_reminder_stops"
down_revision: str | None = "0015_erasure"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("volunteer") as batch:
        batch.add_column(sa.Column("reminders_stopped_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("guest_link") as batch:
        batch.add_column(sa.Column("invitation", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("guest_link") as batch:
        batch.drop_column("invitation")
    with op.batch_alter_table("volunteer") as batch:
        batch.drop_column("reminders_stopped_at")
