"""Events: ✋ reactions on a request card volunteer (and taking the reaction back withdraws), and replies in a
card's thread that carry a link or a file become draft versions.

Slack retries an event it thinks was not received (same ``event_id``); the id is recorded in the same transaction
as the change, so a retry takes effect once.
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.slack import ids
from bot.slack.listeners.common import act, reply_later
from handlers import notify
from handlers.commands import plain
from handlers.context import Ctx
from handlers.drafts import DraftContent, reply_in_thread
from handlers.messages import Ephemeral
from handlers.results import Reply
from handlers.volunteering import volunteer_for_request, withdraw_from_request
from storage import queries


def register(app: App) -> None:
    app.event("reaction_added")(reaction_added)
    app.event("reaction_removed")(reaction_removed)
    app.event("message")(message)
    app.event("app_home_opened")(home_opened)


def is_raised_hand(reaction: str) -> bool:
    return reaction.split("::")[0] == ids.RAISED_HAND


def reaction_added(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    _on_reaction(body, event, context, adding=True)


def reaction_removed(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    _on_reaction(body, event, context, adding=False)


def _on_reaction(body: dict[str, Any], event: dict[str, Any], context: BoltContext, *, adding: bool) -> None:
    item = event.get("item") or {}
    if not is_raised_hand(str(event.get("reaction", ""))) or item.get("type") != "message":
        return
    channel, ts, user = str(item.get("channel")), str(item.get("ts")), str(event.get("user"))
    event_id = str(body.get("event_id") or "")
    reached = False

    def run(ctx: Ctx) -> Reply:
        nonlocal reached
        if event_id and not queries.record_event_once(
            session=ctx.session, workspace_id=ctx.workspace_id, event_id=event_id, now=ctx.now
        ):
            return Reply(())  # a retry of an event we already acted on
        request = queries.get_request_by_card(
            session=ctx.session, workspace_id=ctx.workspace_id, channel_id=channel, card_ts=ts
        )
        if request is None:
            return _leave_no_trace(ctx)  # a ✋ on some other message
        reached = True
        if adding:
            return volunteer_for_request(ctx, number=request.number, via="reaction")
        return withdraw_from_request(ctx, number=request.number, via="reaction")

    reply = act(context, run, user_id=user, channel_id=channel)
    if reached and reply.texts:
        reply_later(
            context,
            reply,
            to=Ephemeral(channel, str(user)),
            key=f"event:{event_id or ts}:{user}",
            user_id=user,
        )


def _leave_no_trace(ctx: Ctx) -> Reply:
    """The event turned out not to concern Cobot: undo what acting as its sender wrote (a new member and the
    look-up of their profile), so a ✋ or a link anywhere in a channel does not make Cobot store a bystander."""
    ctx.session.rollback()
    return Reply(())


def message(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    if event.get("subtype") not in (None, "file_share") or event.get("bot_id"):
        return
    thread_ts, channel, user = event.get("thread_ts"), str(event.get("channel")), event.get("user")
    if not thread_ts or thread_ts == event.get("ts") or not user:
        return  # not a reply in a thread
    files = event.get("files") or []
    content = DraftContent(
        text=plain(str(event.get("text") or "")),
        file_id=files[0].get("id") if files else None,
        file_name=files[0].get("name") if files else None,
    )
    if not content.counts_as_draft:
        return  # ordinary thread chatter
    event_id = str(body.get("event_id") or "")
    reached = False

    def run(ctx: Ctx) -> Reply:
        nonlocal reached
        if event_id and not queries.record_event_once(
            session=ctx.session, workspace_id=ctx.workspace_id, event_id=event_id, now=ctx.now
        ):
            return Reply(())
        request = queries.get_request_by_card(
            session=ctx.session, workspace_id=ctx.workspace_id, channel_id=channel, card_ts=str(thread_ts)
        )
        if request is None:
            return _leave_no_trace(ctx)  # a link in some other thread
        reply = reply_in_thread(ctx, request=request, content=content)
        if reply is None:
            return _leave_no_trace(ctx)  # conversation, not a draft
        reached = True
        return reply

    reply = act(context, run, user_id=str(user), channel_id=channel)
    if reached and reply.texts:  # a refusal, e.g. the request was closed meanwhile
        reply_later(
            context,
            reply,
            to=Ephemeral(channel, str(user)),
            key=f"event:{event_id or event.get('ts')}:{user}",
            user_id=str(user),
        )


def home_opened(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Someone opened Cobot's Home tab: show them their page (built fresh, through the outbox)."""
    if event.get("tab") != "home":
        return  # the Messages tab needs nothing from us

    def show(ctx: Ctx) -> Reply:
        notify.refresh_home(ctx, user_ids=[ctx.actor.user_id], opened=True)
        return Reply(())

    act(context, show, user_id=str(event.get("user")))
