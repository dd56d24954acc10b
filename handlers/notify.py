"""Queue what leaves Cobot after the actor's reply: card refreshes, notices to people and threads, late answers,
profile look-ups. All of it goes into the outbox inside the handler's transaction, so it is sent if and only if the
change that caused it was committed. The messages and their addresses are typed in ``handlers.messages``.
"""

from __future__ import annotations

import uuid

from handlers.context import Scope
from handlers.messages import (
    Address,
    CardRefresh,
    HomeRefresh,
    LateReply,
    NoticeMessage,
    NoticeSettled,
    OutgoingMessage,
    Person,
    ProfileLookup,
    RequestThread,
    for_someone_forgotten,
)
from handlers.results import Notice, Reply, Text
from storage import queries
from storage.models import ContentRequest


def refresh_card(ctx: Scope, request: ContentRequest) -> None:
    """Post or update the request's card, and the pages of the people it concerns. Changes that come while a
    refresh is still waiting ride along with it, because the card is rendered from the database when it is sent."""
    assert request.id is not None
    refresh_home(ctx, user_ids=home_audience(ctx, request))
    if not request.channel_id:
        return  # listed only (a content plan's row without a channel): there is no card to post or update
    if queries.pending_card_refresh(session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id):
        return
    queue(
        ctx,
        CardRefresh(request.id),
        key=f"card:{request.id}:{uuid.uuid4().hex}",
        request_id=request.id,
        sequence_key=queries.card_sequence(request.id),
    )


def refresh_home(ctx: Scope, *, user_ids: list[str], pages: dict[str, int] | None = None, opened: bool = False) -> None:
    """Show these members' own pages again, for those who have looked at theirs (``opened`` marks a first look).
    Several changes before the refresh goes out ride along with one refresh."""
    seen: set[str] = set()
    if not opened:  # one query for everyone concerned (a card's owner and all its volunteers), not one each
        sequences = [f"home:{user_id}" for user_id in user_ids]
        seen = queries.used_sequences(session=ctx.session, workspace_id=ctx.workspace_id, sequence_keys=sequences)
    for user_id in user_ids:
        sequence = f"home:{user_id}"
        if not opened and sequence not in seen:
            continue  # never opened their page: it is built fresh when they do
        if pages is None and queries.pending_in_sequence(
            session=ctx.session, workspace_id=ctx.workspace_id, sequence_key=sequence
        ):
            continue
        queue(ctx, HomeRefresh(user_id, pages or {}), key=f"home:{user_id}:{uuid.uuid4().hex}", sequence_key=sequence)


def to_user(ctx: Scope, *, user_id: str, notice: Notice, key: str, request: ContentRequest | None = None) -> None:
    _notice(ctx, to=Person(user_id), notice=notice, key=key, request=request)


def to_thread(ctx: Scope, *, request: ContentRequest, notice: Notice, key: str) -> None:
    assert request.id is not None
    _notice(
        ctx,
        to=RequestThread(request.id),
        notice=notice,
        key=key,
        request=request,
        sequence_key=queries.card_sequence(request.id),
    )


def settle(ctx: Scope, *, key: str, outcome: Text) -> None:
    """The DM queued with ``to_user(key=key)`` gets its buttons replaced by ``outcome`` ("Approved by @Mia"), where
    it was posted, whether the buttons themselves or a command did it. A DM that was never queued has nothing to
    update."""
    notice_key = f"notice:{ctx.workspace_id}:{key}"
    original = queries.queued_message(session=ctx.session, workspace_id=ctx.workspace_id, dedupe_key=notice_key)
    if original is None:
        return
    # A DM can be settled more than once (booked, then moved to another slot): each update goes, in order.
    queue(
        ctx,
        NoticeSettled(notice_key, outcome),
        key=f"settle:{ctx.workspace_id}:{key}:{uuid.uuid4().hex}",
        sequence_key=f"dm:{original.id}",
    )


def reply_later(ctx: Scope, *, to: Address, reply: Reply, key: str) -> None:
    """The actor's answer, sent after the acknowledgement to ``to`` (the adapter's address for answering them)."""
    queue(ctx, LateReply(to, reply, reply.language), key=f"reply:{ctx.workspace_id}:{key}")


def fetch_profile(ctx: Scope, *, user_id: str) -> None:
    queue(ctx, ProfileLookup(user_id), key=f"profile:{ctx.workspace_id}:{user_id}")


def queue(
    ctx: Scope,
    message: OutgoingMessage,
    *,
    key: str,
    request_id: int | None = None,
    sequence_key: str | None = None,
) -> bool:
    """Adds ``message`` to the outbox unless ``key`` was used before; True when added. Nothing is queued for a
    person whose data was erased."""
    if for_someone_forgotten(message):
        return False
    return queries.enqueue(
        session=ctx.session,
        workspace_id=ctx.workspace_id,
        kind=message.kind,
        request_id=request_id,
        sequence_key=sequence_key,
        payload=message.to_json(),
        dedupe_key=key,
        now=ctx.now,
    )


def _notice(
    ctx: Scope,
    *,
    to: Address,
    notice: Notice,
    key: str,
    request: ContentRequest | None,
    sequence_key: str | None = None,
) -> None:
    queue(
        ctx,
        NoticeMessage(to, notice),
        key=f"notice:{ctx.workspace_id}:{key}",
        request_id=request.id if request is not None else None,
        sequence_key=sequence_key,
    )


def cancel_reminders(ctx: Scope, *, volunteer_id: int | None) -> None:
    """Reminders queued for a volunteer's draft that no longer make sense (it came in, they stepped back, the
    request closed) are cancelled before they are sent."""
    if volunteer_id is not None:
        queries.cancel_pending(
            session=ctx.session, workspace_id=ctx.workspace_id, key_prefix=f"remind:draft:{volunteer_id}:", now=ctx.now
        )


def home_audience(ctx: Scope, request: ContentRequest) -> list[str]:
    """Whose page shows this request: its owner and everyone holding or waiting for a place on it."""
    assert request.id is not None
    return queries.people_of_request(
        session=ctx.session, workspace_id=ctx.workspace_id, request_id=request.id, owner_id=request.owner_id
    )
