"""Messages: in a 1:1 chat ``volunteer 12``, in a channel or group chat ``@Cobot volunteer 12`` — the shared
``/cocreate`` grammar. A reply in a request card's thread that carries a link or a file becomes a draft version
(``handlers.inbound.thread_reply``); other channel talk not addressed to Cobot is left alone.

Teams may deliver a message twice; its activity id is recorded with what it changed, so it acts once.
"""

from __future__ import annotations

import asyncio
from datetime import date
from typing import TYPE_CHECKING

import aiohttp
from microsoft_agents.activity import Activity, ActivityTypes

from bot.teams import cards, inbound
from bot.teams.ids import CHANNEL, PERSONAL
from bot.teams.routes.turn import Turn
from bot.teams.transport import connector_client
from handlers import texts
from handlers.commands import New, parse_command, plain, read_command, run_command
from handlers.context import Ctx
from handlers.inbound import first_delivery, thread_reply
from handlers.results import Reply, UserFacingError

if TYPE_CHECKING:
    from bot.teams.routes import Router

ANY_DAY = date(2000, 1, 1)  # parse_command wants "today" only to word its hints


def register(router: Router) -> None:
    router.add(is_typed, message)


def is_typed(activity: Activity) -> bool:
    """A message someone typed (a button's Action.Submit is a message too, with the button's data as its value)."""
    return (
        activity.type == ActivityTypes.message
        and inbound.action_data(activity.value) is None
        and bool(activity.text or activity.attachments)
    )


async def message(turn: Turn) -> None:
    activity, where = turn.activity, turn.where
    found = inbound.mentions(activity)
    users = await resolve_mentions(turn, found)
    text, mentioned = inbound.command_text(activity.text or "", found, bot_id=where.bot_id, users=users)
    root = where.thread_root
    if where.conversation_type == CHANNEL and root and root != activity.id:
        # A reply in a thread: a draft when it carries a link or file (unless it is "@Cobot <command>").
        content = inbound.draft_content(activity, plain(text))
        if content.counts_as_draft and not (mentioned and _is_command(text)):
            event_id = event_id_of(activity.id)
            reply = await turn.act(
                lambda ctx: thread_reply(
                    ctx, event_id=event_id, channel_id=where.key, root_id=root, content=content, reply_to=None
                )
            )
            if reply.texts and not reply.refusal:
                # A draft: now Cobot knows who the passer-by in the channel is.
                await turn.remember_user(user_id=where.user_id, teams_id=where.user_teams_id, name=where.user_name)
            if reply.texts:
                await turn.send(reply)  # the confirmation itself goes to the thread
                return
    if where.conversation_type != PERSONAL and not mentioned:
        return  # channel chatter that was not addressed to Cobot
    cobot = turn.surface.cobot
    parsed = read_command(text, today=cobot.clock().astimezone(cobot.policy.timezone).date())
    if parsed == New(None):  # ``new`` without arguments: answered with the new-request form
        await turn.send_built(cards.new_request_offer_message)
        return
    event_id = event_id_of(activity.id)

    def command(ctx: Ctx) -> Reply:
        if not first_delivery(ctx, event_id=event_id):
            return Reply(())  # Teams delivered this message twice; it was answered the first time
        return run_command(ctx, parsed)

    reply = await turn.act(command)
    await turn.send(reply)


async def resolve_mentions(turn: Turn, found: list[inbound.MentionRef]) -> dict[str, str]:
    """Teams id → Cobot user id of everyone mentioned: from the mention itself, from what Cobot has seen, or by
    asking Teams for the member's profile."""
    where = turn.where
    people = [m for m in found if m.teams_id != where.bot_id]
    if not people:
        return {}
    resolved = {m.teams_id: m.aad_object_id for m in people if m.aad_object_id}
    unknown = [m.teams_id for m in people if m.teams_id not in resolved]
    if unknown:
        known = await asyncio.to_thread(turn.surface.directory.known_users, tenant=where.tenant, teams_ids=unknown)
        resolved.update(known)
    client = connector_client(turn.context)
    for mention in people:
        if mention.teams_id in resolved or client is None:
            continue
        try:
            member = await client.conversations.get_conversation_member(where.base_conversation, mention.teams_id)
        except (aiohttp.ClientError, ValueError):
            continue  # shown as @Name; the grammar resolves names it knows
        if member.aad_object_id:
            resolved[mention.teams_id] = member.aad_object_id
            await turn.remember_user(
                user_id=member.aad_object_id, teams_id=mention.teams_id, name=member.name or mention.name
            )
    return {teams_id: str(user_id) for teams_id, user_id in resolved.items() if user_id}


def event_id_of(activity_id: str | None) -> str | None:
    return f"teams:{activity_id}"[:64] if activity_id else None


def _is_command(text: str) -> bool:
    """Whether a thread reply is a command to Cobot rather than a draft: it starts with a word of the grammar."""
    if not text.strip():
        return False
    try:
        parse_command(text, today=ANY_DAY)
    except UserFacingError as refusal:
        return refusal.text.msgid != texts.UNKNOWN_SUBCOMMAND
    return True
