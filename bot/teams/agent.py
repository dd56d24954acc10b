"""Cobot's Teams agent: every incoming activity is first remembered (where Cobot is, who is who: the core's
``TeamsDirectory``), then run by the route for its surface (``bot.teams.routes``: conversations, messages, buttons,
dialogs), through the same handlers as every platform.

Unexpected errors are logged with an id and the person is told that id, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from zoneinfo import ZoneInfo

from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import TurnContext

from bot.runtime.cobot import Cobot
from bot.runtime.teams_directory import PLATFORM, KnownUser, Seen, SeenConversation, TeamsDirectory
from bot.teams import cards, ids, inbound
from bot.teams.inbound import Where
from bot.teams.render import TeamsRenderer
from bot.teams.routes import Router, register_all
from bot.teams.routes.turn import MESSAGE_RESPONSE, Surface, Turn, answer_invoke
from handlers import texts
from handlers.results import Reply, t

__all__ = ["PLATFORM", "CobotAgent", "seen_in"]

log = logging.getLogger(__name__)


class CobotAgent:
    def __init__(self, *, cobot: Cobot, directory: TeamsDirectory, bot_name: str) -> None:
        self.surface = Surface(cobot=cobot, directory=directory, bot_name=bot_name)
        self.router = register_all(Router())

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        where = inbound.where(activity)
        if where is None:
            if activity.type == ActivityTypes.invoke:
                await answer_invoke(context, None)  # nobody to answer, but the SDK would make it a 501
            return
        turn = Turn(self.surface, context, where)
        # Channel talk not addressed to Cobot (Teams delivers it for the thread-reply drafts) only stores where
        # Cobot is; who said it is stored once it turns out to be a draft.
        chatter = (
            activity.type == ActivityTypes.message
            and where.conversation_type != ids.PERSONAL
            and inbound.action_data(activity.value) is None
            and not inbound.mentions_bot(activity, where)
        )
        try:
            seen = seen_in(activity, where, with_sender=not chatter)
            await asyncio.to_thread(self.surface.directory.remember, tenant=where.tenant, seen=seen)
            await self.router.dispatch(turn)
        except Exception:
            error_id = uuid.uuid4().hex[:8]
            log.exception("error %s while handling a Teams %s", error_id, activity.type)
            await _tell_error(turn, error_id)


def seen_in(activity: Activity, where: Where, *, with_sender: bool) -> Seen:
    """What an activity tells about where Cobot is and who is who: the conversation reference (proactive messages
    need it), a channel of the team created, renamed, restored or deleted, the sender, the people added, and the
    sender's time zone and locale."""
    reference = activity.get_conversation_reference().model_dump(by_alias=True, exclude_none=True, mode="json")
    stored = ids.stored_reference(reference, conversation_type=where.conversation_type)
    conversation = SeenConversation(
        key=where.key,
        conversation_id=where.base_conversation,
        conversation_type=where.conversation_type,
        reference=stored,
        name=inbound.channel_name(activity),
        user_id=where.user_id if where.is_personal else None,
    )
    conversations, forgotten = [conversation], []
    event = inbound.channel_event(activity)
    if event is not None:
        # Sent in General, about another channel of the team: that channel is remembered under its own id.
        key = ids.conversation_key(event.channel_id)
        if event.deleted:
            forgotten.append(key)
        elif key != where.key:
            channel_reference = {**stored, "conversation": {**stored["conversation"], "id": event.channel_id}}
            conversations.append(
                SeenConversation(
                    key=key,
                    conversation_id=ids.base_conversation(event.channel_id),
                    conversation_type=ids.CHANNEL,
                    reference=channel_reference,
                    name=event.name,
                )
            )
    users = [KnownUser(where.user_id, where.user_teams_id, where.user_name)] if with_sender else []
    for member in activity.members_added or []:
        if member.id and member.id != where.bot_id and member.aad_object_id:
            users.append(KnownUser(member.aad_object_id, member.id, member.name or ""))
    zone, locale = inbound.client_info(activity)
    return Seen(
        conversations=tuple(conversations),
        users=tuple(users),
        forgotten=tuple(forgotten),
        user_id=where.user_id,
        tz=zone if zone and _known_zone(zone) else None,
        locale=locale,
    )


async def _tell_error(turn: Turn, error_id: str) -> None:
    text = t(texts.UNEXPECTED_ERROR, error_id=error_id)
    activity = turn.activity
    try:
        message = await asyncio.to_thread(turn.plain_reply, Reply.of(text))
        if activity.type == ActivityTypes.invoke:
            if (activity.name or "").startswith("task/"):
                await turn.invoke_response(cards.dialog_message(message))
            else:
                await turn.invoke_response({"statusCode": 200, "type": MESSAGE_RESPONSE, "value": message})
        else:
            await turn.context.send_activity(
                Activity.model_validate(cards.text_message(TeamsRenderer().render(text, "message")))
            )
    except Exception:  # telling the person is best effort; the error itself is logged with its id
        log.warning("could not tell the person about error %s", error_id)


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):
        return False
    return True
