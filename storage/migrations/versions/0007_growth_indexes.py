"""Indexes that keep the tick and the digest independent of a workspace's history (bench/bench_growth.py).

- ``ix_volunteer_workspace_due`` becomes partial (``due_date IS NOT NULL``): almost every place has no personal
  due date, and SQLite's statistics took "due_date IS NULL" for a selective lookup in that index, so the tick's
  draft reminders read every volunteer row the workspace ever had. The partial index is much smaller and still
  serves the lookup by personal due date.
- ``ix_draft_workspace_created``: the digest's "who helped this week" reads last week's drafts, not all drafts.
- ``ix_request_workspace_published``: the digest's "published last week" reads last week's publications, not
  every published request.

Revision ID: 0007_growth_indexes
Revises: 0006_languages
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_growth_indexes"
down_revision: str | None = "0006_languages"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DUE_SET = sa.text("due_date IS NOT NULL")
PUBLISHED = sa.text("published_at IS NOT NULL")


def upgrade() -> None:
    op.drop_index("ix_volunteer_workspace_due", table_name="volunteer")
    op.create_index(
        "ix_volunteer_workspace_due",
        "volunteer",
        ["workspace_id", "due_date"],
        sqlite_where=DUE_SET,
        postgresql_where=DUE_SET,
    )
    op.create_index("ix_draft_workspace_created", "draft", ["workspace_id", "created_at"])
    op.create_index(
        "ix_request_workspace_published",
        "content_request",
        ["workspace_id", "published_at"],
        sqlite_where=PUBLISHED,
        postgresql_where=PUBLISHED,
    )


def downgrade() -> None:
    op.drop_index("ix_request_workspace_published", table_name="content_request")
    op.drop_index("ix_draft_workspace_created", table_name="draft")
    op.drop_index("ix_volunteer_workspace_due", table_name="volunteer")
    op.create_index("ix_volunteer_workspace_due", "volunteer", ["workspace_id", "due_date"])
