"""Departments and titles from real profiles: besides ``member.department`` (the one reports count, as before) a
member keeps what each source says — ``department_self`` (chosen with `/cocreate department`), ``department_profile``
(the Slack profile or Microsoft Graph), ``department_import`` (an import) — and ``department_source`` names the one
that won; ``title`` is the job title the profile gives. Departments stored before came from an import.

Revision ID: 0019_member_departments
Revises: 0018_tracked_links
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019_member_departments"
down_revision: str | None = "0018_tracked_links"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.add_column(sa.Column("department_source", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("department_self", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("department_profile", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("department_import", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("title", sa.String(length=200), nullable=True))
    op.execute(
        "UPDATE member SET department_import = department, department_source = 'import' WHERE department IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("member") as batch:
        batch.drop_column("title")
        batch.drop_column("department_import")
        batch.drop_column("department_profile")
        batch.drop_column("department_self")
        batch.drop_column("department_source")
