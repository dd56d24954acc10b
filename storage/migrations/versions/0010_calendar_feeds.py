"""Calendar feeds with hashed, expiring addresses, and a web link to each request's card.

``calendar_feed`` holds one row per feed address: the workspace's (``member_id`` NULL) or one person's, with only the
SHA-256 of its token, when it stops working (``expires_at``) and whether it was revoked. Each workspace's plain
``workspace.calendar_secret`` becomes such a row, hashed over the whole token ``<workspace id>.<secret>`` the
address carries, so calendars already subscribed keep working (for a year from this upgrade); the plain column is
then cleared. ``content_request.card_url`` is the card's permalink (NULL until a card is posted, and on platforms
that give none).

A downgrade cannot give the plain secrets back (only their hashes were kept): workspace feeds need a new
``cobot calendar-url`` after it.

Revision ID: 0010_calendar_feeds
Revises: 0009_delivery_lifetimes
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0010_calendar_feeds"
down_revision: str | None = "0009_delivery_lifetimes"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The lifetime of a feed address when this migration was written (handlers.feeds.FEED_LIFETIME may change later;
# a migration keeps the value it ran with).
LIFETIME = timedelta(days=365)

_workspace = sa.table("workspace", sa.column("id", sa.Integer()), sa.column("calendar_secret", sa.String()))
_feed = sa.table(
    "calendar_feed",
    sa.column("workspace_id", sa.Integer()),
    sa.column("member_id", sa.Integer()),
    sa.column("token_hash", sa.String()),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("expires_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    with op.batch_alter_table("content_request") as batch:
        batch.add_column(sa.Column("card_url", sa.String(length=500), nullable=True))
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["workspace_id"], ["workspace.id"], name="fk_calendar_feed_workspace_id_workspace"),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name="fk_calendar_feed_member_id_member"),
        sa.PrimaryKeyConstraint("id", name="pk_calendar_feed"),
        sa.UniqueConstraint("token_hash", name="uq_calendar_feed_token_hash"),
    )
    op.create_index("ix_calendar_feed_workspace_member", "calendar_feed", ["workspace_id", "member_id"], unique=False)

    connection = op.get_bind()
    now = datetime.now(UTC)
    plain = connection.execute(
        sa.select(_workspace.c.id, _workspace.c.calendar_secret).where(_workspace.c.calendar_secret.is_not(None))
    ).all()
    for workspace_id, secret in plain:
        token = f"{workspace_id}.{secret}"
        connection.execute(
            sa.insert(_feed).values(
                workspace_id=workspace_id,
                member_id=None,
                token_hash=hashlib.sha256(token.encode()).hexdigest(),
                created_at=now,
                expires_at=now + LIFETIME,
            )
        )
    connection.execute(sa.update(_workspace).values(calendar_secret=None))


def downgrade() -> None:
    op.drop_index("ix_calendar_feed_workspace_member", table_name="calendar_feed")
    op.drop_table("calendar_feed")
    with op.batch_alter_table("content_request") as batch:
        batch.drop_column("card_url")
