"""What inbound chat events mean, on every surface: a ✋ on a request card volunteers (taking it back withdraws),
and a reply in a card's thread that carries a link or a file becomes a draft version. Adapters (Slack, Teams, the
console) only translate their payloads into the plain arguments below and run the call in ``Cobot.act``.

API (keyword-only; ``ctx`` is the context ``Cobot.act`` opened for the event's sender):

- ``reaction(ctx, *, event_id, channel_id, message_id, adding, reply_to) -> Reply`` — a ✋ was put on (``adding``)
  or taken off the message ``message_id`` in ``channel_id``. The adapter decides that the emoji is a ✋.
- ``thread_reply(ctx, *, event_id, channel_id, root_id, content, reply_to) -> Reply`` — a reply under the message
  ``root_id`` in ``channel_id``, with its text (plain, as ``handlers.commands.plain`` makes it) and file.
  ``content.counts_as_draft`` False means chatter: an adapter may skip the call (and the transaction) for it.
- ``first_delivery(ctx, *, event_id) -> bool`` — records ``event_id`` like the two above, for an adapter whose
  platform redelivers other events too (a Teams message with a command).

Rules both follow:

- ``event_id`` is the platform's id of the event (Slack's ``event_id``, Teams' activity id, an id the console makes
  per line). It is recorded in the same transaction as the change, so a redelivered event acts once; ``None``
  means the platform gives no id and nothing is deduplicated.
- An event that concerns no request (a ✋ on some other message, a link in some other thread, chatter, a link from
  someone not drafting) leaves no trace: what acting as its sender wrote (a new member, the look-up of their
  profile) is rolled back, and the event id is not kept.
- The sender's answer (a confirmation, or a refusal such as "you already volunteered") goes to ``reply_to``, the
  adapter's address for answering them (Slack: ``Ephemeral(channel, user)``). It is queued through
  ``handlers.notify.reply_later`` in the same transaction as the change, so it is sent if and only if the change
  was committed; a refusal keeps the event id (and queues the refusal) but rolls back the change itself. The call
  then returns an empty ``Reply``. With ``reply_to=None`` nothing is queued and the answer is returned, for an
  adapter that shows it at once (the console). Either way the call never raises ``UserFacingError``.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import replace

from handlers import notify
from handlers.context import Ctx
from handlers.drafts import DraftContent, reply_in_thread
from handlers.messages import Address
from handlers.results import Reply, UserFacingError
from handlers.volunteering import volunteer_for_request, withdraw_from_request
from storage import queries


def reaction(
    ctx: Ctx,
    *,
    event_id: str | None,
    channel_id: str,
    message_id: str,
    adding: bool,
    reply_to: Address | None,
) -> Reply:
    """A ✋ on a request's card volunteers the sender for it; taking the ✋ back withdraws them."""
    if not _first_time(ctx, event_id):
        return Reply(())  # a redelivery of an event already acted on
    request = queries.get_request_by_card(
        session=ctx.session, workspace_id=ctx.workspace_id, channel_id=channel_id, card_ts=message_id
    )
    if request is None:
        return _leave_no_trace(ctx)  # a ✋ on some other message
    number = request.number

    def change() -> Reply:
        if adding:
            return volunteer_for_request(ctx, number=number, via="reaction")
        return withdraw_from_request(ctx, number=number, via="reaction")

    return _settle(ctx, change, event_id=event_id, reply_to=reply_to)


def thread_reply(
    ctx: Ctx,
    *,
    event_id: str | None,
    channel_id: str,
    root_id: str,
    content: DraftContent,
    reply_to: Address | None,
) -> Reply:
    """A reply in a request card's thread that carries a link or a file, from someone holding a place, becomes a
    new version of their draft (confirmed in the thread); anything else said there is conversation."""
    if not content.counts_as_draft:
        return _leave_no_trace(ctx)  # ordinary chatter
    if not _first_time(ctx, event_id):
        return Reply(())
    request = queries.get_request_by_card(
        session=ctx.session, workspace_id=ctx.workspace_id, channel_id=channel_id, card_ts=root_id
    )
    if request is None:
        return _leave_no_trace(ctx)  # a link in some other thread
    return _settle(
        ctx, lambda: reply_in_thread(ctx, request=request, content=content), event_id=event_id, reply_to=reply_to
    )


def first_delivery(ctx: Ctx, *, event_id: str | None) -> bool:
    """Whether this is the first delivery of the event ``event_id`` (recorded in ``ctx``'s transaction, so it
    counts only if the change does): for an adapter whose platform redelivers commands too (Teams)."""
    return _first_time(ctx, event_id)


def _first_time(ctx: Ctx, event_id: str | None) -> bool:
    return not event_id or queries.record_event_once(
        session=ctx.session, workspace_id=ctx.workspace_id, event_id=event_id, now=ctx.now
    )


def _settle(ctx: Ctx, change: Callable[[], Reply | None], *, event_id: str | None, reply_to: Address | None) -> Reply:
    """Makes the change in a savepoint, so a refusal undoes the change but keeps the event's record; then queues
    (or returns) the answer. ``change`` returning None means the event turned out not to concern Cobot."""
    try:
        with ctx.session.begin_nested():
            reply = change()
    except UserFacingError as refusal:
        reply = Reply.refused(refusal.text)
    if reply is None:
        return _leave_no_trace(ctx)
    reply = replace(reply, language=ctx.policy.language_of(ctx.actor))
    if reply_to is None or not reply.texts:
        return reply
    key = f"event:{event_id or uuid.uuid4().hex}:{ctx.actor.user_id}"
    notify.reply_later(ctx, to=reply_to, reply=reply, key=key)
    return Reply((), language=reply.language)


def _leave_no_trace(ctx: Ctx) -> Reply:
    """The event does not concern Cobot: undo what acting as its sender wrote (a new member and the look-up of
    their profile), so a ✋ or a link anywhere in a channel does not make Cobot store a bystander."""
    ctx.session.rollback()
    return Reply(())
