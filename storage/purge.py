"""Deleting what Cobot no longer keeps: a whole workspace (``purge_workspace``), once it has been uninstalled for
app.yaml's ``retention.uninstalled_days`` or by hand with `cobot purge-workspace`, and old once-only marks
(``prune_events``).

A workspace's rows are found generically: every table with a ``workspace_id`` column, and every table without one
whose rows point at such a table (a tracked link's readers of the day), children before the tables they point at
(SQLAlchemy's dependency order of the metadata), and the ``workspace`` row last. A table added later
is purged with the rest without touching this module; ``workspace_tables`` is what the tests check against the
schema.

``processed_event`` holds Slack's event ids (a retried event takes effect once), the daily analytics claims and the
empty-slot warnings' marks ("this slot was named already"). Slack retries an event for minutes and a claim or mark
matters for at most a day or the warning's horizon, so rows older than ``retention.events_days`` (and than that
horizon) can go without anything taking effect twice.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, col, select

from storage.models import ProcessedEvent, Workspace


def workspace_tables() -> list[sa.Table]:
    """Every table whose rows belong to a workspace, in an order that deletes a row before the rows it points at."""
    import storage.models  # noqa: F401  (every table registered on the metadata)

    owned = {table.name for table in SQLModel.metadata.sorted_tables if "workspace_id" in table.c}
    return [
        table
        for table in reversed(SQLModel.metadata.sorted_tables)
        if table.name in owned or any(key.column.table.name in owned for key in table.foreign_keys)
    ]


def of_workspace(table: sa.Table, workspace_id: int) -> sa.ColumnElement[bool]:
    """The rows of ``table`` that belong to the workspace: by its own ``workspace_id``, else through the rows of
    the workspace it points at."""
    if "workspace_id" in table.c:
        return table.c.workspace_id == workspace_id
    conditions = [
        key.parent.in_(sa.select(key.column).where(key.column.table.c.workspace_id == workspace_id))
        for key in table.foreign_keys
        if "workspace_id" in key.column.table.c
    ]
    return sa.or_(*conditions)


def workspace_rows(*, session: Session, workspace_id: int) -> dict[str, int]:
    """How many rows each table holds for the workspace (tables with none left out), the ``workspace`` row last."""
    counts: dict[str, int] = {}
    for table in workspace_tables():
        found = session.execute(
            sa.select(sa.func.count()).select_from(table).where(of_workspace(table, workspace_id))
        ).scalar_one()
        if found:
            counts[table.name] = int(found)
    if session.get(Workspace, workspace_id) is not None:
        counts["workspace"] = 1
    return counts


def purge_workspace(*, session: Session, workspace_id: int) -> dict[str, int]:
    """Deletes every row of the workspace and the workspace itself in the caller's transaction; the rows deleted
    per table. One DELETE per table: a request derived from another of the same workspace goes in the same
    statement, so no foreign key is ever left pointing at nothing."""
    counts: dict[str, int] = {}
    for table in workspace_tables():
        result = session.execute(sa.delete(table).where(of_workspace(table, workspace_id)))
        if deleted := int(getattr(result, "rowcount", 0) or 0):
            counts[table.name] = deleted
    result = session.execute(sa.delete(Workspace).where(col(Workspace.id) == workspace_id))
    if int(getattr(result, "rowcount", 0) or 0):
        counts["workspace"] = 1
    return counts


def workspaces_inactive_since(*, session: Session, before: datetime) -> list[int]:
    """The workspaces Cobot has been gone from since before ``before`` (uninstalled, or its token revoked)."""
    found = session.exec(
        select(Workspace.id)
        .where(col(Workspace.inactive_since).is_not(None), col(Workspace.inactive_since) <= before)
        .order_by(col(Workspace.id))
    ).all()
    return [workspace_id for workspace_id in found if workspace_id is not None]


def lock_if_still_inactive(*, session: Session, workspace_id: int, before: datetime) -> bool:
    """Locks the workspace row (PostgreSQL; SQLite's write lock does the same) and says whether it is still
    inactive since before ``before``: a workspace that came back a moment ago is not purged."""
    row = session.execute(
        sa.select(col(Workspace.inactive_since)).where(col(Workspace.id) == workspace_id).with_for_update()
    ).first()
    if row is None or row[0] is None:
        return False
    since: datetime = row[0]
    return since <= before


def prune_events(*, session: Session, workspace_id: int, before: datetime) -> int:
    """Deletes the workspace's once-only marks recorded before ``before``; how many."""
    result = session.execute(
        sa.delete(ProcessedEvent).where(
            col(ProcessedEvent.workspace_id) == workspace_id, col(ProcessedEvent.received_at) < before
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
