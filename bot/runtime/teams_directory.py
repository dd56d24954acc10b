"""Who and where Cobot knows on Teams: the service between the Teams adapter and ``storage.teams_queries``.

Every incoming activity is remembered before it is acted on (``TeamsDirectory.remember``): the conversation
reference that proactive messages need, who is who (a Teams user's Entra object id and their bot-specific id), and
what the person's client says of their time zone and locale. This is Teams' side of the profile look-up Slack makes
with ``users.info`` (``handlers.people``, ``ProfileLookup``): Teams sends a person's profile with their activities,
so the look-up the core queues for a new member is answered from what was remembered here
(``TeamsDirectory.user``). The outbox transport finds its conversations here too.

The adapter hands over plain values (keys and references already worked out by ``bot.teams.ids``) and gets plain
values back, never rows: nothing under ``bot/teams/`` opens a session.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from storage import queries, teams_queries
from storage.db import reader, transaction
from storage.models import TeamsConversation, Workspace

PLATFORM = "teams"


@dataclass(frozen=True)
class KnownConversation:
    """A conversation Cobot can write in."""

    key: str  # the short id the rest of Cobot uses as its channel id
    conversation_id: str
    conversation_type: str  # "personal", "channel" or "groupChat"
    name: str
    reference: dict[str, Any]


@dataclass(frozen=True)
class KnownUser:
    user_id: str  # the id Cobot knows them by (their Entra object id)
    teams_id: str  # the id Teams addresses them by (29:…)
    name: str


@dataclass(frozen=True)
class SeenConversation:
    """A conversation an activity was sent in (or, for a channel event, names)."""

    key: str
    conversation_id: str
    conversation_type: str
    reference: dict[str, Any]
    name: str | None = None
    user_id: str | None = None  # the person, in a 1:1 chat


@dataclass(frozen=True)
class Seen:
    """What one activity tells Cobot about where it is and who is who."""

    conversations: tuple[SeenConversation, ...]
    users: tuple[KnownUser, ...] = ()
    forgotten: tuple[str, ...] = ()  # keys of conversations that are gone (a deleted channel)
    user_id: str | None = None  # whose client reported the time zone and locale below
    tz: str | None = None
    locale: str | None = None


@dataclass
class TeamsDirectory:
    engine: Engine
    clock: Callable[[], datetime]
    _workspaces: dict[str, int] = field(default_factory=dict)

    def remember(self, *, tenant: str, seen: Seen) -> None:
        """Stores what an activity tells (creating the tenant's workspace on first contact), in one transaction."""
        with transaction(self.engine) as session:
            now = self.clock()
            workspace = queries.get_or_create_workspace(session=session, platform=PLATFORM, external_id=tenant, now=now)
            assert workspace.id is not None
            for key in seen.forgotten:
                teams_queries.forget_conversation(session=session, workspace_id=workspace.id, key=key)
            for conversation in seen.conversations:
                _store(session, workspace.id, conversation, now=now)
            for user in seen.users:
                teams_queries.remember_user(
                    session=session,
                    workspace_id=workspace.id,
                    user_id=user.user_id,
                    teams_id=user.teams_id,
                    name=user.name,
                    now=now,
                )
            if seen.user_id and seen.tz:
                teams_queries.set_client_info(
                    session=session, workspace_id=workspace.id, user_id=seen.user_id, tz=seen.tz, locale=seen.locale
                )

    def remember_user(self, *, tenant: str, user: KnownUser) -> None:
        """Remembers one person (a mentioned colleague Teams told Cobot about, a passer-by who left a draft)."""
        workspace_id = self.workspace_id(tenant)
        if workspace_id is not None:
            self.remember(tenant=tenant, seen=Seen(conversations=(), users=(user,)))

    def workspace_id(self, tenant: str) -> int | None:
        if tenant not in self._workspaces:
            with Session(reader(self.engine)) as session:
                found = queries.find_workspace(session=session, platform=PLATFORM, external_id=tenant)
            if found is None or found.id is None:
                return None
            self._workspaces[tenant] = found.id
        return self._workspaces[tenant]

    # --- reading --------------------------------------------------------------------------------------------

    def known_users(self, *, tenant: str, teams_ids: Sequence[str]) -> dict[str, str]:
        """Teams id → Cobot user id, for the people among ``teams_ids`` Cobot has met."""
        workspace_id = self.workspace_id(tenant)
        if workspace_id is None:
            return {}
        with Session(reader(self.engine)) as session:
            rows = teams_queries.users_by_teams_id(session=session, workspace_id=workspace_id, teams_ids=teams_ids)
            return {teams_id: row.user_id for teams_id, row in rows.items()}

    def people(self, *, workspace_id: int, user_ids: Sequence[str]) -> dict[str, tuple[str, str]]:
        """user id → (the id to mention them by, their name), for everyone Cobot knows among ``user_ids``."""
        with Session(reader(self.engine)) as session:
            return teams_queries.people(session=session, workspace_id=workspace_id, user_ids=user_ids)

    def user(self, *, workspace_id: int, user_id: str) -> KnownUser | None:
        with Session(reader(self.engine)) as session:
            row = teams_queries.get_user(session=session, workspace_id=workspace_id, user_id=user_id)
            return KnownUser(row.user_id, row.teams_id, row.name) if row is not None else None

    def tenant(self, *, workspace_id: int) -> str | None:
        """The Entra tenant id of a workspace (a Teams workspace is its tenant)."""
        with Session(reader(self.engine)) as session:
            row = session.get(Workspace, workspace_id)
            return row.external_id if row is not None and row.platform == PLATFORM else None

    def conversation(self, *, workspace_id: int, key: str) -> KnownConversation | None:
        with Session(reader(self.engine)) as session:
            return _known(teams_queries.get_conversation(session=session, workspace_id=workspace_id, key=key))

    def find_channel(self, *, workspace_id: int, key: str, name: str) -> KnownConversation | None:
        """A conversation by its key, or a channel by its name (``digest.channel: Marketing``)."""
        with Session(reader(self.engine)) as session:
            return _known(teams_queries.find_channel(session=session, workspace_id=workspace_id, key=key, name=name))

    def personal_conversation(self, *, workspace_id: int, user_id: str) -> KnownConversation | None:
        with Session(reader(self.engine)) as session:
            return _known(
                teams_queries.personal_conversation(session=session, workspace_id=workspace_id, user_id=user_id)
            )

    def latest_conversation(self, *, workspace_id: int) -> KnownConversation | None:
        with Session(reader(self.engine)) as session:
            return _known(teams_queries.latest_conversation(session=session, workspace_id=workspace_id))

    def store_conversation(self, *, workspace_id: int, conversation: SeenConversation) -> KnownConversation:
        """Stores a conversation Cobot opened itself (a 1:1 chat) and returns it as stored."""
        with transaction(self.engine) as session:
            row = _store(session, workspace_id, conversation, now=self.clock())
            known = _known(row)
        assert known is not None
        return known


def _store(session: Session, workspace_id: int, seen: SeenConversation, *, now: datetime) -> TeamsConversation:
    return teams_queries.remember_conversation(
        session=session,
        workspace_id=workspace_id,
        key=seen.key,
        conversation_id=seen.conversation_id,
        reference=seen.reference,
        conversation_type=seen.conversation_type,
        name=seen.name,
        user_id=seen.user_id,
        now=now,
    )


def _known(row: TeamsConversation | None) -> KnownConversation | None:
    if row is None:
        return None
    return KnownConversation(
        key=row.key,
        conversation_id=row.conversation_id,
        conversation_type=row.conversation_type,
        name=row.name,
        reference=dict(row.reference),
    )
