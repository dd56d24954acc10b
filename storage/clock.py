"""Time as Cobot keeps it: timezone-aware UTC datetimes (``timestamp with time zone`` on PostgreSQL; SQLite gets
UTC values back with their zone restored by SQLModel's ``UTCDateTime``)."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
