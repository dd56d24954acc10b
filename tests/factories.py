"""Test data, made in one place and through the real handlers wherever a handler can make it.

Each helper takes the session or engine it works in; nothing here keeps state between tests. ``run_as`` runs one
action in its own transaction, as an adapter does for each Slack request, so a test reads like a conversation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import Engine
from sqlmodel import Session, SQLModel, col, select

from handlers.cards import build_card
from handlers.context import Ctx, Policy
from handlers.drafts import DraftContent, submit_draft
from handlers.people import open_context
from handlers.requests import NewRequest, create_request
from handlers.results import CardView, Reply
from handlers.volunteering import volunteer_for_request, withdraw_from_request
from storage import queries
from storage.db import transaction
from storage.models import ContentRequest, Draft, OutboxMessage, Volunteer, Workspace

R = TypeVar("R")

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday morning in Copenhagen
DUE = date(2026, 12, 10)
WORKSPACE = "T1"
CHANNEL = "C1"
OWNER = "U0OWNER"


class MutableClock:
    """A clock that stands still until the test moves it."""

    def __init__(self, start: datetime = NOW) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def ctx_for(
    session: Session,
    user_id: str,
    *,
    now: datetime = NOW,
    policy: Policy | None = None,
    workspace: str = WORKSPACE,
    channel_id: str | None = CHANNEL,
    display_name: str = "",
) -> Ctx:
    """The context a Slack listener would open for ``user_id`` (the member is created on first sight)."""
    return open_context(
        session=session,
        platform="slack",
        workspace_external_id=workspace,
        user_id=user_id,
        policy=policy or Policy(),
        now=now,
        display_name=display_name,
        channel_id=channel_id,
    )


def run_as(
    engine: Engine,
    user_id: str,
    action: Callable[[Ctx], R],
    *,
    now: datetime = NOW,
    policy: Policy | None = None,
    workspace: str = WORKSPACE,
    display_name: str = "",
) -> R:
    """Runs one action as ``user_id`` in its own transaction; a ``UserFacingError`` propagates (and rolls back)."""
    with transaction(engine) as session:
        ctx = ctx_for(session, user_id, now=now, policy=policy, workspace=workspace, display_name=display_name)
        return action(ctx)


def new_request(
    ctx: Ctx,
    *,
    title: str = "Ten SEO tips",
    deadline: date = DUE,
    parts: Sequence[str] = (),
    needs: int | None = None,
    brief: str = "",
    skills: Sequence[str] = (),
    channel_id: str | None = CHANNEL,
) -> ContentRequest:
    """Posts a request through ``create_request`` and returns its row."""
    reply = create_request(
        ctx,
        NewRequest(
            title=title,
            deadline=deadline,
            brief=brief,
            skills=tuple(skills),
            needs=needs,
            parts=tuple(parts),
        ),
        channel_id=channel_id,
    )
    number = reply.texts[0].params["number"]
    assert isinstance(number, int)
    request = queries.get_request_by_number(session=ctx.session, workspace_id=ctx.workspace_id, number=number)
    assert request is not None
    return request


def posted_request(
    engine: Engine,
    *,
    owner: str = OWNER,
    policy: Policy | None = None,
    workspace: str = WORKSPACE,
    now: datetime = NOW,
    **fields: Any,
) -> int:
    """Posts a request in its own transaction and returns its number."""
    with transaction(engine) as session:
        return new_request(ctx_for(session, owner, policy=policy, workspace=workspace, now=now), **fields).number


def volunteer(engine: Engine, user_id: str, number: int, part: str | None = None, *, via: str = "command") -> Reply:
    return run_as(engine, user_id, lambda ctx: volunteer_for_request(ctx, number=number, part=part, via=via))


def withdraw(engine: Engine, user_id: str, number: int, *, via: str = "command") -> Reply:
    return run_as(engine, user_id, lambda ctx: withdraw_from_request(ctx, number=number, via=via))


def submit(engine: Engine, user_id: str, number: int, text: str = "https://docs.example.com/draft") -> Reply:
    return run_as(engine, user_id, lambda ctx: submit_draft(ctx, number=number, content=DraftContent(text=text)))


@dataclass(frozen=True)
class Snapshot:
    """What the database holds about one request, read in a fresh session."""

    request: ContentRequest
    card: CardView
    places: list[Volunteer]
    drafts: list[Draft]


def snapshot(engine: Engine, number: int, *, workspace: str = WORKSPACE) -> Snapshot:
    with Session(engine) as session:
        request = session.exec(
            select(ContentRequest)
            .join(Workspace, col(Workspace.id) == col(ContentRequest.workspace_id))
            .where(Workspace.external_id == workspace, ContentRequest.number == number)
        ).one()
        assert request.id is not None
        places = list(
            session.exec(select(Volunteer).where(Volunteer.request_id == request.id).order_by(col(Volunteer.id))).all()
        )
        drafts = list(session.exec(select(Draft).where(Draft.request_id == request.id).order_by(col(Draft.id))).all())
        return Snapshot(request=request, card=build_card(session, request), places=places, drafts=drafts)


def outbox(engine: Engine, *, kind: str | None = None) -> list[OutboxMessage]:
    """Every outbox row (of ``kind``), oldest first."""
    with Session(engine) as session:
        query = select(OutboxMessage).order_by(col(OutboxMessage.id))
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(session.exec(query).all())


def notices_to(engine: Engine, user_id: str) -> list[OutboxMessage]:
    """Outbox notices addressed to ``user_id`` (DMs), oldest first."""
    return [m for m in outbox(engine, kind="notice") if m.payload["to"] == {"user": user_id}]


def row_counts(engine: Engine) -> dict[str, int]:
    """How many rows every table holds, plus each workspace's request counter: a fingerprint of the database."""
    with Session(engine) as session:
        counts = {
            table.name: int(session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
            for table in SQLModel.metadata.sorted_tables
        }
        for workspace in session.exec(select(Workspace)).all():
            counts[f"workspace {workspace.external_id} last number"] = workspace.last_request_number
    return counts
