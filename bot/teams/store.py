"""Keyword-only queries for Cobot's Teams tables: the conversations it may write in (with their conversation
references) and each Teams user's two ids. Like ``storage.queries``, each takes the session and the workspace.

Teams ids are long (a 1:1 chat's id runs to well over a hundred characters), while the rest of Cobot keeps channel
ids of at most 64; ``conversation_key`` gives every conversation a short key that is stable and needs no lookup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from storage.models import Member, TeamsConversation, TeamsUser

THREAD_MARK = ";messageid="
KEY_LIMIT = 64
PERSONAL = "personal"
CHANNEL = "channel"
GROUP_CHAT = "groupChat"


def base_conversation(conversation_id: str) -> str:
    """A channel thread's conversation id (``19:…@thread.tacv2;messageid=123``) without the thread part."""
    return conversation_id.split(THREAD_MARK, 1)[0]


def thread_root(conversation_id: str) -> str | None:
    """The id of the first message of the channel thread a conversation id points into, if it does."""
    _, mark, root = conversation_id.partition(THREAD_MARK)
    return root or None if mark else None


def in_thread(conversation_id: str, root: str) -> str:
    return f"{base_conversation(conversation_id)}{THREAD_MARK}{root}"


def conversation_key(conversation_id: str) -> str:
    """The short id Cobot uses for a conversation (as ``channel_id``): the id itself when short enough."""
    base = base_conversation(conversation_id)
    if len(base) <= KEY_LIMIT:
        return base
    return "h:" + hashlib.sha256(base.encode()).hexdigest()[:40]


def short_user_id(teams_id: str, aad_object_id: str | None) -> str:
    """The id Cobot knows a Teams user by: their Entra object id (the same in every chat and channel), or, where a
    channel sends none (the Bot Framework Emulator), their Teams id, hashed if it is too long."""
    if aad_object_id:
        return aad_object_id
    if len(teams_id) <= KEY_LIMIT:
        return teams_id
    return "h:" + hashlib.sha256(teams_id.encode()).hexdigest()[:40]


def remember_conversation(
    *,
    session: Session,
    workspace_id: int,
    reference: dict[str, Any],
    conversation_type: str,
    now: datetime,
    name: str | None = None,
    user_id: str | None = None,
) -> TeamsConversation:
    """Stores (or refreshes) where Cobot can write: the reference's service URL may change over time, and a channel
    learns its name when Teams tells it."""
    conversation_id = base_conversation(str(reference["conversation"]["id"]))
    reference = {**reference, "conversation": {**reference["conversation"], "id": conversation_id}}
    reference.pop("activityId", None)
    if conversation_type != PERSONAL:
        # Who spoke last (and their locale) says nothing about where to write; kept, it would rewrite the row for
        # every new speaker.
        reference.pop("user", None)
        reference.pop("locale", None)
    key = conversation_key(conversation_id)
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


def remember_user(
    *, session: Session, workspace_id: int, user_id: str, teams_id: str, name: str, now: datetime
) -> None:
    found = session.exec(
        select(TeamsUser).where(TeamsUser.workspace_id == workspace_id, TeamsUser.user_id == user_id)
    ).first()
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


def get_conversation(*, session: Session, workspace_id: int, key: str) -> TeamsConversation | None:
    return session.exec(
        select(TeamsConversation).where(TeamsConversation.workspace_id == workspace_id, TeamsConversation.key == key)
    ).first()


def find_channel(*, session: Session, workspace_id: int, name_or_key: str) -> TeamsConversation | None:
    """A conversation by its key or conversation id, or a channel by its name (``#marketing`` or ``Marketing``)."""
    found = get_conversation(session=session, workspace_id=workspace_id, key=conversation_key(name_or_key))
    if found is not None:
        return found
    wanted = name_or_key.strip().lstrip("#").casefold()
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
