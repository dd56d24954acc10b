"""Queue what leaves Cobot after the actor's reply: card refreshes, notices to people and threads, profile
look-ups. All of it goes into the outbox inside the handler's transaction, so it is sent if and only if the
change that caused it was committed.

Outbox kinds and their payloads (read by each adapter's transport):
- ``card``: ``{"request_id"}``: post the request's card, or update it in place if it was posted.
- ``notice``: ``{"to": {"user": id} | {"thread": request_id} | {"channel": id}, "notice": Notice}``.
- ``reply``: ``{"to": <adapter's own address, e.g. a response_url>, "texts": [Text]}``: a late answer to the actor.
- ``profile``: ``{"user_id"}``: fetch a member's display name, time zone and locale.
"""

from __future__ import annotations

import uuid
from typing import Any

from handlers.context import Ctx
from handlers.results import Notice, Text
from storage import queries
from storage.models import ContentRequest

CARD = "card"
NOTICE = "notice"
REPLY = "reply"
PROFILE = "profile"


def refresh_card(ctx: Ctx, request: ContentRequest) -> None:
    """Post or update the request's card. Changes that come while a refresh is still waiting ride along with it,
    because the card is rendered from the database when it is sent."""
    assert request.id is not None
    if queries.pending_card_refresh(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id):
        return
    queries.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kind=CARD,
        request_id=request.id,
        payload={"request_id": request.id},
        dedupe_key=f"card:{request.id}:{uuid.uuid4().hex}",
        now=ctx.now,
    )


def to_user(ctx: Ctx, *, user_id: str, notice: Notice, key: str, request: ContentRequest | None = None) -> None:
    _notice(ctx, to={"user": user_id}, notice=notice, key=key, request=request)


def to_thread(ctx: Ctx, *, request: ContentRequest, notice: Notice, key: str) -> None:
    _notice(ctx, to={"thread": request.id}, notice=notice, key=key, request=request)


def reply_later(ctx: Ctx, *, to: dict[str, Any], texts: list[Text], key: str) -> None:
    queries.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kind=REPLY,
        payload={"to": to, "texts": [t.to_json() for t in texts]},
        dedupe_key=f"reply:{ctx.workspace_id}:{key}",
        now=ctx.now,
    )


def fetch_profile(ctx: Ctx, *, user_id: str) -> None:
    queries.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kind=PROFILE,
        payload={"user_id": user_id},
        dedupe_key=f"profile:{ctx.workspace_id}:{user_id}",
        now=ctx.now,
    )


def _notice(ctx: Ctx, *, to: dict[str, Any], notice: Notice, key: str, request: ContentRequest | None) -> None:
    queries.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kind=NOTICE,
        request_id=request.id if request is not None else None,
        payload={"to": to, "notice": notice.to_json()},
        dedupe_key=f"notice:{ctx.workspace_id}:{key}",
        now=ctx.now,
    )
