"""Events: ✋ reactions on a request card volunteer (and taking the reaction back withdraws), and replies in a
card's thread that carry a link or a file become draft versions.

What these events mean lives in ``handlers.inbound``; the listeners here only translate Slack's payload into its
arguments: the event's ``event_id`` (Slack retries an event it thinks was not received with the same id, and the
core records it with the change, so a retry takes effect once), the card's channel and ``ts``, the text made plain,
the first file, and where the answer goes (an ephemeral message to the sender in that channel).
"""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot.slack import ids
from bot.slack.listeners.common import act
from handlers import inbound, notify
from handlers.commands import plain
from handlers.context import Ctx
from handlers.drafts import DraftContent
from handlers.messages import Ephemeral
from handlers.results import Reply

# Message subtypes that are something a person wrote: a plain message, one with a file, and a thread reply that
# was "also sent to channel". Edits, deletions, joins and bot messages are not.
AUTHORED_SUBTYPES = (None, "file_share", "thread_broadcast")


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
    event_id = str(body.get("event_id") or "") or None

    def run(ctx: Ctx) -> Reply:
        return inbound.reaction(
            ctx,
            event_id=event_id,
            channel_id=channel,
            message_id=ts,
            adding=adding,
            reply_to=Ephemeral(channel, user),
        )

    act(context, run, user_id=user, channel_id=channel, addressed=False)


def message(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    if event.get("subtype") not in AUTHORED_SUBTYPES or event.get("bot_id"):
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
        return  # ordinary thread chatter: not worth a transaction
    event_id = str(body.get("event_id") or "") or None

    def run(ctx: Ctx) -> Reply:
        return inbound.thread_reply(
            ctx,
            event_id=event_id,
            channel_id=channel,
            root_id=str(thread_ts),
            content=content,
            reply_to=Ephemeral(channel, str(user)),
        )

    act(context, run, user_id=str(user), channel_id=channel, addressed=False)


def home_opened(body: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
    """Someone opened Cobot's Home tab: show them their page (built fresh, through the outbox)."""
    if event.get("tab") != "home":
        return  # the Messages tab needs nothing from us

    def show(ctx: Ctx) -> Reply:
        notify.refresh_home(ctx, user_ids=[ctx.actor.user_id], opened=True)
        return Reply(())

    act(context, show, user_id=str(event.get("user")), addressed=False)
