"""Queue what leaves Cobot after the actor's reply: card refreshes, notices to people and threads, profile
look-ups. All of it goes into the outbox inside the handler's transaction, so it is sent if and only if the
change that caused it was committed.

Outbox kinds and their payloads (read by each adapter's transport):
- ``card``: ``{"request_id"}``: post the request's card, or update it in place if it was posted.
- ``notice``: ``{"to": {"user": id} | {"thread": request_id} | {"channel": id}, "notice": Notice}``.
- ``reply``: ``{"to": <adapter's own address, e.g. a response_url>, "texts": [Text], "actions": [Action]}``: a late
  answer to the actor.
- ``digest``: ``{"to": {"channel": id}, "digest": DigestPart}``: one message of the weekly digest.
- ``profile``: ``{"user_id"}``: fetch a member's display name, time zone and locale.
"""

from __future__ import annotations

import uuid
from typing import Any

from handlers.context import Scope
from handlers.results import Notice, Reply
from storage import queries
from storage.models import ContentRequest

CARD = "card"
DIGEST = "digest"
NOTICE = "notice"
REPLY = "reply"
PROFILE = "profile"


def refresh_card(ctx: Scope, request: ContentRequest) -> None:
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
        sequence_key=queries.card_sequence(request.id),
        payload={"request_id": request.id},
        dedupe_key=f"card:{request.id}:{uuid.uuid4().hex}",
        now=ctx.now,
    )


def to_user(ctx: Scope, *, user_id: str, notice: Notice, key: str, request: ContentRequest | None = None) -> None:
    _notice(ctx, to={"user": user_id}, notice=notice, key=key, request=request)


def to_thread(ctx: Scope, *, request: ContentRequest, notice: Notice, key: str) -> None:
    assert request.id is not None
    _notice(
        ctx,
        to={"thread": request.id},
        notice=notice,
        key=key,
        request=request,
        sequence_key=queries.card_sequence(request.id),
    )


def reply_later(ctx: Scope, *, to: dict[str, Any], reply: Reply, key: str) -> None:
    queries.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kind=REPLY,
        payload={
            "to": to,
            "texts": [t.to_json() for t in reply.texts],
            "actions": [a.to_json() for a in reply.actions],
        },
        dedupe_key=f"reply:{ctx.workspace_id}:{key}",
        now=ctx.now,
    )


def fetch_profile(ctx: Scope, *, user_id: str) -> None:
    queries.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kind=PROFILE,
        payload={"user_id": user_id},
        dedupe_key=f"profile:{ctx.workspace_id}:{user_id}",
        now=ctx.now,
    )


def _notice(
    ctx: Scope,
    *,
    to: dict[str, Any],
    notice: Notice,
    key: str,
    request: ContentRequest | None,
    sequence_key: str | None = None,
) -> None:
    queries.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kind=NOTICE,
        request_id=request.id if request is not None else None,
        sequence_key=sequence_key,
        payload={"to": to, "notice": notice.to_json()},
        dedupe_key=f"notice:{ctx.workspace_id}:{key}",
        now=ctx.now,
    )


def cancel_reminders(ctx: Scope, *, volunteer_id: int | None) -> None:
    """Reminders queued for a volunteer's draft that no longer make sense (it came in, they stepped back, the
    request closed) are cancelled before they are sent."""
    if volunteer_id is not None:
        queries.cancel_pending(
            session=ctx.session, workspace_id=ctx.workspace_id, key_prefix=f"remind:draft:{volunteer_id}:", now=ctx.now
        )
