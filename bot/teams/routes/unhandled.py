"""Invokes Cobot has no route for. Teams sends message-extension, tab, configuration and sign-in invokes only to an
app whose manifest declares those features, and Cobot's declares none, so these come from elsewhere (another app's
card, an SDK tool, a replay). Each still gets an answer, 200 with an empty body, because an invoke the agent leaves
unanswered gets the SDK's 501 and Teams shows that as an error. A message extension's ``fetchTask`` expects a
dialog, so it gets the same polite dialog message as a ``task/fetch`` that is not Cobot's (``dialogs``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from microsoft_agents.activity import Activity, ActivityTypes

from bot.teams.routes import dialogs
from bot.teams.routes.turn import Turn, answer_invoke

if TYPE_CHECKING:
    from bot.teams.routes import Router

EXTENSION_FETCH_TASK = "composeExtension/fetchTask"


def register(router: Router) -> None:
    """Must be registered last: it takes every invoke no other route took."""
    router.invoke(EXTENSION_FETCH_TASK, dialogs.not_ours)
    router.add(is_invoke, acknowledged)


def is_invoke(activity: Activity) -> bool:
    return activity.type == ActivityTypes.invoke


async def acknowledged(turn: Turn) -> None:
    await answer_invoke(turn.context, None)
