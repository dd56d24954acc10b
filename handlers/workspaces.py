"""A workspace's life with Cobot: when Cobot is uninstalled or its token revoked, nothing more is sent there and no
follow-ups run for it; when it is installed again (or its token works again) everything resumes.

Slack disables the event subscriptions of apps that keep failing, and a revoked token makes every post fail: so
the moment Cobot learns it lost a workspace (an ``app_uninstalled`` or ``tokens_revoked`` event, or a Web API
answer such as ``invalid_auth``), everything still queued for it is marked failed with the reason, not retried.
The workspace's data is kept.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col

from storage import queries
from storage.models import OutboxMessage, Workspace

REASON_LIMIT = 200


def deactivate(*, session: Session, workspace_id: int, reason: str, now: datetime) -> int:
    """Stops all sending to the workspace; returns how many queued messages were given up."""
    reason = reason[:REASON_LIMIT]
    session.execute(
        sa.update(Workspace)
        .where(col(Workspace.id) == workspace_id, col(Workspace.inactive_since).is_(None))
        .values(inactive_since=now, inactive_reason=reason)
    )
    given_up = session.execute(
        sa.update(OutboxMessage)
        .where(
            col(OutboxMessage.workspace_id) == workspace_id,
            col(OutboxMessage.sent_at).is_(None),
            col(OutboxMessage.failed_at).is_(None),
        )
        .values(failed_at=now, claimed_until=None, last_error=f"workspace inactive: {reason}"[:500])
    )
    return int(getattr(given_up, "rowcount", 0) or 0)


def deactivate_by_id(*, session: Session, platform: str, external_id: str, reason: str, now: datetime) -> bool:
    """``deactivate`` for a workspace named by its platform id; False when Cobot never knew it."""
    workspace = queries.find_workspace(session=session, platform=platform, external_id=external_id)
    if workspace is None or workspace.id is None:
        return False
    deactivate(session=session, workspace_id=workspace.id, reason=reason, now=now)
    return True


def reactivate(*, session: Session, platform: str, external_id: str) -> bool:
    """Cobot is back in the workspace (installed again, or its token works): True when it had been inactive."""
    result = session.execute(
        sa.update(Workspace)
        .where(
            col(Workspace.platform) == platform,
            col(Workspace.external_id) == external_id,
            col(Workspace.inactive_since).is_not(None),
        )
        .values(inactive_since=None, inactive_reason=None)
    )
    return bool(getattr(result, "rowcount", 0))


def any_inactive(*, session: Session, platform: str) -> bool:
    found = session.execute(
        sa.select(col(Workspace.id))
        .where(col(Workspace.platform) == platform, col(Workspace.inactive_since).is_not(None))
        .limit(1)
    ).first()
    return found is not None
