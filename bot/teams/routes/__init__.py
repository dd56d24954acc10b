"""Cobot's Teams routes, grouped by surface like the Slack listeners (``bot.slack.listeners``): each module's
``register(router)`` wires the activities it answers to plain async callbacks that take a ``Turn``.

- ``conversations``: ``conversationUpdate`` (Cobot added to a team, chat or someone's personal scope);
- ``messages``: commands typed to Cobot and replies in a request card's thread;
- ``buttons``: ``Action.Execute`` (``invoke adaptiveCard/action``) and its ``Action.Submit`` fallback;
- ``dialogs``: ``invoke task/fetch`` and ``task/submit``, the dialogs of buttons that need something typed;
- ``unhandled``: every other invoke (features Cobot's manifest does not declare), answered so Teams shows no error.

The Agents SDK has routing of its own (``AgentApplication``), but it comes with turn state in a storage, a typing
indicator and mention stripping on every turn; Cobot keeps its state in its database and reads mentions itself, so
it routes with this small table instead: the first route whose selector accepts the activity runs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from microsoft_agents.activity import Activity, ActivityTypes

from bot.teams.routes import buttons, conversations, dialogs, messages, unhandled
from bot.teams.routes.turn import Turn

Callback = Callable[[Turn], Awaitable[None]]
Selector = Callable[[Activity], bool]


class Router:
    def __init__(self) -> None:
        self._routes: list[tuple[Selector, Callback]] = []

    def add(self, selector: Selector, callback: Callback) -> None:
        self._routes.append((selector, callback))

    def activity(self, kind: str, callback: Callback) -> None:
        """``callback`` for every activity of the type ``kind`` (``ActivityTypes.conversation_update``)."""
        self.add(lambda activity: activity.type == kind, callback)

    def invoke(self, name: str, callback: Callback) -> None:
        """``callback`` for the invoke activities named ``name`` (``adaptiveCard/action``)."""
        self.add(lambda activity: activity.type == ActivityTypes.invoke and activity.name == name, callback)

    async def dispatch(self, turn: Turn) -> bool:
        """Runs the first route for the turn's activity; False when none takes it."""
        for selector, callback in self._routes:
            if selector(turn.activity):
                await callback(turn)
                return True
        return False


def register_all(router: Router) -> Router:
    conversations.register(router)
    messages.register(router)
    buttons.register(router)
    dialogs.register(router)
    unhandled.register(router)  # last: every invoke the others did not take
    return router
