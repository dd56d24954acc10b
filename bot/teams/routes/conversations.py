"""``conversationUpdate``: Cobot was added to a team, a group chat or someone's personal scope, and says hello with
its help, the grammar written as it is typed there. (Where Cobot is, and which channels a team has, is remembered
for every activity before any route runs: ``bot.teams.agent``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from microsoft_agents.activity import ActivityTypes

from bot.teams.routes.turn import Turn
from handlers.commands import core_help
from handlers.results import Reply

if TYPE_CHECKING:
    from bot.teams.routes import Router


def register(router: Router) -> None:
    router.activity(ActivityTypes.conversation_update, conversation_update)


async def conversation_update(turn: Turn) -> None:
    if any(m.id == turn.where.bot_id for m in turn.activity.members_added or []):
        language = turn.cobot.policy.language_of_channel(turn.where.key)
        await turn.send(Reply((core_help(),), language=language))
