"""Reports, content-plan import and the calendar feed: a member's e-mail (plan owners are named by e-mail), a
request's import key (importing the same plan twice creates nothing new), and each workspace's secret for its
calendar feed URL.

Revision ID: 0005_reports
Revises: 0004_teams
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_reports"
# Keep the chain linear: this points at whichever migration was the head when it was written (0004_teams and
# 0005_skills were written before this one, despite their numbers).
down_revision: str | None = "0004_teams"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("workspace") as batch:
        batch.add_column(sa.Column("calendar_secret", sa.String(length=64), nullable=True))
    with op.batch_alter_table("content_request") as batch:
        batch.add_column(sa.Column("import_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint("uq_request_workspace_import_key", ["workspace_id", "import_key"])


def downgrade() -> None:
    with op.batch_alter_table("content_request") as batch:
        batch.drop_constraint("uq_request_workspace_import_key", type_="unique")
        batch.drop_column("import_key")
    with op.batch_alter_table("workspace") as batch:
        batch.drop_column("calendar_secret")
    with op.batch_alter_table("member") as batch:
        batch.drop_column("email")
