"""What every Teams route needs: the turn (its activity, who sent it and where), acting as the sender through the
Cobot core, and answering in the conversation, in an invoke's response, or through the outbox when Teams will not
take the answer now.

The SDK runs on asyncio; Cobot's handlers are synchronous SQL transactions, so each runs in a worker thread
(``Cobot.act`` is thread-safe).
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import aiohttp
from microsoft_agents.activity import Activity, ActivityTypes
from microsoft_agents.hosting.core import TurnContext

from bot.runtime.cobot import Cobot
from bot.runtime.teams_directory import PLATFORM, KnownUser, TeamsDirectory
from bot.teams import cards
from bot.teams.inbound import Where
from bot.teams.render import Person, TeamsRenderer
from handlers import notify
from handlers.context import Ctx
from handlers.messages import Channel
from handlers.results import Reply

MESSAGE_RESPONSE = "application/vnd.microsoft.activity.message"
ERROR_RESPONSE = "application/vnd.microsoft.error"

log = logging.getLogger(__name__)


async def answer_invoke(context: TurnContext, body: dict[str, Any] | None) -> None:
    """Answers an invoke in the HTTP response with 200 and ``body``. An invoke left unanswered gets the SDK's 501,
    which Teams shows as an error."""
    await context.send_activity(Activity(type=ActivityTypes.invoke_response, value={"status": 200, "body": body}))


@dataclass(frozen=True)
class Surface:
    """What stays the same from turn to turn: the core, who and where Cobot knows on Teams, and its name there."""

    cobot: Cobot
    directory: TeamsDirectory
    bot_name: str


@dataclass(frozen=True)
class Turn:
    """One incoming activity, with what answering it takes."""

    surface: Surface
    context: TurnContext
    where: Where

    @property
    def activity(self) -> Activity:
        return self.context.activity

    @property
    def cobot(self) -> Cobot:
        return self.surface.cobot

    async def act(self, action: Callable[[Ctx], Reply], *, reads_only: bool = False) -> Reply:
        """Runs ``action`` as the sender, in the conversation, in one transaction of the core."""
        where = self.where
        return await asyncio.to_thread(
            self.cobot.act,
            action,
            platform=PLATFORM,
            workspace=where.tenant,
            user_id=where.user_id,
            display_name=where.user_name,
            channel_id=where.key,
            reads_only=reads_only,
        )

    async def sender_language(self) -> str | None:
        """The sender's language (their choice, else the workspace's), for what is built without an action."""
        return (await self.act(lambda ctx: Reply(()), reads_only=True)).language

    async def remember_user(self, *, user_id: str, teams_id: str, name: str) -> None:
        await asyncio.to_thread(
            self.surface.directory.remember_user, tenant=self.where.tenant, user=KnownUser(user_id, teams_id, name)
        )

    async def send(self, reply: Reply) -> None:
        """Answers in the conversation (in a channel: in the thread of the message answered). Should Teams not take
        it now, the answer goes through the outbox, which retries."""
        if not reply.texts and reply.card is None:
            return
        activity = await asyncio.to_thread(lambda: cards.reply_message(reply, self.renderer(reply.language)))
        try:
            await self.context.send_activity(Activity.model_validate(activity))
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("answering in Teams failed (%s); the outbox will retry", error)
            key = f"teams-reply:{self.activity.id or uuid.uuid4().hex}"
            to = Channel(self.where.key, self.where.thread_root)

            def queue(ctx: Ctx) -> Reply:
                notify.reply_later(ctx, to=to, reply=reply, key=key)
                return Reply(())

            await self.act(queue)

    async def send_built(self, build: Callable[[TeamsRenderer], dict[str, Any]]) -> None:
        """Sends the activity ``build`` makes (a form or an offer card) in the sender's language: it answers them,
        and only they fill it in."""
        renderer = self.renderer(await self.sender_language())
        message = await asyncio.to_thread(lambda: build(renderer))
        await self.context.send_activity(Activity.model_validate(message))

    async def invoke_response(self, body: dict[str, Any]) -> None:
        await answer_invoke(self.context, body)

    async def plain(self, reply: Reply) -> str:
        return await asyncio.to_thread(self.plain_reply, reply)

    def plain_reply(self, reply: Reply) -> str:
        r = self.renderer(reply.language)
        return "\n".join(r.plain(text) for text in reply.texts)

    def renderer(self, language: str | None) -> TeamsRenderer:
        """Renders for the turn's conversation in ``language`` (the actor's), else in the conversation's."""
        directory, where = self.surface.directory, self.where
        workspace_id = directory.workspace_id(where.tenant)
        known: dict[str, Person | None] = {}

        def people(user_id: str) -> Person | None:
            if user_id not in known:
                found: dict[str, tuple[str, str]] = {}
                if workspace_id is not None:
                    found = directory.people(workspace_id=workspace_id, user_ids=[user_id])
                known[user_id] = Person(*found[user_id]) if user_id in found else None
            return known[user_id]

        prefix = "" if where.is_personal else f"@{self.surface.bot_name} "
        return TeamsRenderer(
            translate=self.cobot.translators(language or self.cobot.policy.language_of_channel(where.key)),
            people=people,
            command_prefix=prefix,
            timezone=self.cobot.policy.timezone,
        )
