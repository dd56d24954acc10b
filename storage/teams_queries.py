"""Keyword-only queries for Cobot's Teams tables: the conversations it may write in (with their conversation
references) and each Teams user's two ids, plus what a Teams client says of its user (time zone, locale). Like
``storage.queries``, each takes the session and the workspace.

Teams' own id rules (a channel thread's id, the short ``key`` of a long conversation id) live with the Teams adapter
(``bot.teams.ids``); these queries take the key and the conversation id already worked out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Member, TeamsConversation, TeamsUser, Workspace

PERSONAL = "personal"
CHANNEL = "channel"


def find_workspace_id(*, session: Session, platform: str, external_id: str) -> int | None:
    return session.exec(
        select(Workspace.id).where(Workspace.platform == platform, Workspace.external_id == external_id)
    ).first()


def remember_conversation(
    *,
    session: Session,
    workspace_id: int,
    key: str,
    conversation_id: str,
    reference: dict[str, Any],
    conversation_type: str,
    now: datetime,
    name: str | None = None,
    user_id: str | None = None,
) -> TeamsConversation:
    """Stores (or refreshes) where Cobot can write: the reference's service URL may change over time, and a channel
    learns its name when Teams tells it."""
    found = get_conversation(session=session, workspace_id=workspace_id, key=key)
    if found is None:
        row = TeamsConversation(
            workspace_id=workspace_id,
            key=key,
            conversation_id=conversation_id,
            conversation_type=conversation_type,
            name=(name or "")[:200],
            user_id=user_id,
            service_url=str(reference.get("serviceUrl") or ""),
            reference=reference,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(row)
            return row
        except IntegrityError:  # stored concurrently by another request: refresh that one
            found = get_conversation(session=session, workspace_id=workspace_id, key=key)
            assert found is not None
    changed = found.reference != reference or (name and found.name != name[:200]) or (user_id and not found.user_id)
    if changed:
        found.reference = reference
        found.service_url = str(reference.get("serviceUrl") or found.service_url)
        found.name = (name or found.name)[:200]
        found.user_id = found.user_id or user_id
        found.updated_at = now
        session.add(found)
    return found


def forget_conversation(*, session: Session, workspace_id: int, key: str) -> bool:
    """Forgets a conversation Cobot can no longer write in (a deleted channel); False when it was not known."""
    result = session.execute(
        delete(TeamsConversation).where(
            col(TeamsConversation.workspace_id) == workspace_id, col(TeamsConversation.key) == key
        )
    )
    return bool(getattr(result, "rowcount", 0))


def remember_user(
    *, session: Session, workspace_id: int, user_id: str, teams_id: str, name: str, now: datetime
) -> None:
    found = get_user(session=session, workspace_id=workspace_id, user_id=user_id)
    if found is None:
        try:
            with session.begin_nested():
                session.add(
                    TeamsUser(
                        workspace_id=workspace_id,
                        user_id=user_id,
                        teams_id=teams_id[:200],
                        name=name[:200],
                        created_at=now,
                        updated_at=now,
                    )
                )
        except IntegrityError:
            pass  # remembered concurrently; the next activity refreshes it
        return
    if found.teams_id != teams_id[:200] or (name and found.name != name[:200]):
        found.teams_id = teams_id[:200]
        found.name = name[:200] or found.name
        found.updated_at = now
        session.add(found)


def set_client_info(*, session: Session, workspace_id: int, user_id: str, tz: str, locale: str | None) -> None:
    """The time zone and locale a person's Teams client reports (for a member Cobot knows; nobody else)."""
    session.execute(
        update(Member)
        .where(col(Member.workspace_id) == workspace_id, col(Member.user_id) == user_id)
        .values(tz=tz, locale=locale)
    )


def get_conversation(*, session: Session, workspace_id: int, key: str) -> TeamsConversation | None:
    return session.exec(
        select(TeamsConversation).where(TeamsConversation.workspace_id == workspace_id, TeamsConversation.key == key)
    ).first()


def find_channel(*, session: Session, workspace_id: int, key: str, name: str) -> TeamsConversation | None:
    """A conversation by its key, or a channel by its name (``#marketing`` or ``Marketing``)."""
    found = get_conversation(session=session, workspace_id=workspace_id, key=key)
    if found is not None:
        return found
    wanted = name.strip().lstrip("#").casefold()
    channels = session.exec(
        select(TeamsConversation)
        .where(TeamsConversation.workspace_id == workspace_id, TeamsConversation.conversation_type == CHANNEL)
        .order_by(col(TeamsConversation.id))
    ).all()
    return next((c for c in channels if c.name.casefold() == wanted), None)


def personal_conversation(*, session: Session, workspace_id: int, user_id: str) -> TeamsConversation | None:
    return session.exec(
        select(TeamsConversation)
        .where(
            TeamsConversation.workspace_id == workspace_id,
            TeamsConversation.user_id == user_id,
            TeamsConversation.conversation_type == PERSONAL,
        )
        .order_by(col(TeamsConversation.updated_at).desc())
    ).first()


def latest_conversation(*, session: Session, workspace_id: int) -> TeamsConversation | None:
    """Any conversation of the workspace, newest first: its reference names the bot, tenant and service URL that
    a new 1:1 chat is opened with."""
    return session.exec(
        select(TeamsConversation)
        .where(TeamsConversation.workspace_id == workspace_id)
        .order_by(col(TeamsConversation.updated_at).desc())
    ).first()


def get_user(*, session: Session, workspace_id: int, user_id: str) -> TeamsUser | None:
    return session.exec(
        select(TeamsUser).where(TeamsUser.workspace_id == workspace_id, TeamsUser.user_id == user_id)
    ).first()


def users_by_teams_id(*, session: Session, workspace_id: int, teams_ids: Sequence[str]) -> dict[str, TeamsUser]:
    if not teams_ids:
        return {}
    rows = session.exec(
        select(TeamsUser).where(TeamsUser.workspace_id == workspace_id, col(TeamsUser.teams_id).in_(list(teams_ids)))
    ).all()
    return {row.teams_id: row for row in rows}


def people(*, session: Session, workspace_id: int, user_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
    """user id → (the id to mention them by, their name), for everyone Cobot knows among ``user_ids``."""
    if not user_ids:
        return {}
    wanted = list(set(user_ids))
    teams = {
        row.user_id: row
        for row in session.exec(
            select(TeamsUser).where(TeamsUser.workspace_id == workspace_id, col(TeamsUser.user_id).in_(wanted))
        ).all()
    }
    members = {
        row.user_id: row
        for row in session.exec(
            select(Member).where(Member.workspace_id == workspace_id, col(Member.user_id).in_(wanted))
        ).all()
    }
    found: dict[str, tuple[str, str]] = {}
    for user_id in wanted:
        user, member = teams.get(user_id), members.get(user_id)
        name = (member.display_name if member else "") or (user.name if user else "")
        if user is not None or member is not None:
            found[user_id] = (user.teams_id if user else user_id, name or user_id)
    return found
