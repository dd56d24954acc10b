"""Helpers for the erasure tests: forgetting someone as `cobot forget` does, guests invited and heard from, and what
the outbox holds for whom."""

from __future__ import annotations

from datetime import datetime

from factories import NOW, OWNER, WORKSPACE, run_as
from sqlalchemy import Engine
from sqlmodel import Session, col, select

from handlers.context import Policy, Scope
from handlers.drafts import DraftContent, submit_draft
from handlers.erasure import Forgotten, forget_member
from handlers.guests import invite_guest
from handlers.review import approve_draft
from storage.db import transaction
from storage.models import Member, OutboxMessage, Workspace

MAIL = Policy(email_configured=True)


def member(engine: Engine, user_id: str) -> Member:
    with Session(engine) as session:
        return session.exec(select(Member).where(Member.user_id == user_id)).one()


def member_by_id(engine: Engine, member_id: int) -> Member:
    with Session(engine) as session:
        found = session.get(Member, member_id)
        assert found is not None
        return found


def forget(engine: Engine, user_id: str, *, now: datetime = NOW, policy: Policy | None = None) -> Forgotten:
    """Forgets ``user_id`` in its own transaction, as `cobot forget` does."""
    with transaction(engine) as session:
        workspace = session.exec(select(Workspace).where(Workspace.external_id == WORKSPACE)).one()
        found = session.exec(select(Member).where(Member.workspace_id == workspace.id, Member.user_id == user_id)).one()
        assert found.id is not None
        scope = Scope(session=session, workspace=workspace, policy=policy or MAIL, now=now)
        return forget_member(scope, member_id=found.id)


def invite(
    engine: Engine, number: int, *, email: str = "anne@example.com", name: str | None = "Anne Holm", now: datetime = NOW
) -> str:
    """Invites a guest to the request; their user id."""
    run_as(engine, OWNER, lambda ctx: invite_guest(ctx, number=number, email=email, name=name), policy=MAIL, now=now)
    with Session(engine) as session:
        return session.exec(select(Member.user_id).where(Member.email == email)).one()


def hand_in_and_approve(engine: Engine, user_id: str, number: int, *, now: datetime = NOW) -> None:
    run_as(
        engine,
        user_id,
        lambda ctx: submit_draft(ctx, number=number, content=DraftContent(text="https://docs.example.com/d")),
        now=now,
        policy=MAIL,
    )
    run_as(engine, OWNER, lambda ctx: approve_draft(ctx, number=number, user_id=user_id), now=now, policy=MAIL)


def unsent(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(
            session.exec(
                select(OutboxMessage)
                .where(col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None))
                .order_by(col(OutboxMessage.id))
            ).all()
        )


def everything_queued(engine: Engine) -> list[OutboxMessage]:
    with Session(engine) as session:
        return list(session.exec(select(OutboxMessage).order_by(col(OutboxMessage.id))).all())


def to_user(rows: list[OutboxMessage], user_id: str) -> list[OutboxMessage]:
    """The rows that go to ``user_id`` in any way: a DM, an ephemeral answer, their page, their profile."""

    def mine(row: OutboxMessage) -> bool:
        to = row.payload.get("to") or {}
        if to.get("user") == user_id or (to.get("ephemeral") or {}).get("user") == user_id:
            return True
        return row.kind in ("home", "profile") and row.payload.get("user_id") == user_id

    return [row for row in rows if mine(row)]
