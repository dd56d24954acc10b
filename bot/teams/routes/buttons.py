"""Buttons on Cobot's cards: an ``Action.Execute`` (``invoke adaptiveCard/action``), whose answer is shown to the
person who pressed it, and its ``Action.Submit`` fallback (a message whose ``value`` holds the button's data),
answered in the conversation. A button that needs something typed opens a dialog (``dialogs``); a client without
dialogs gets the form as a card in the conversation, and its answer as another submit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from microsoft_agents.activity import Activity, ActivityTypes

from bot.teams import cards, inbound
from bot.teams.routes.turn import ERROR_RESPONSE, MESSAGE_RESPONSE, Turn
from handlers.actions import form_for, press
from handlers.results import ActionKind

if TYPE_CHECKING:
    from bot.teams.routes import Router

EXECUTE = "adaptiveCard/action"


@dataclass(frozen=True)
class Pressed:
    kind: ActionKind
    value: str
    typed: str | None


def register(router: Router) -> None:
    router.add(is_submit, submitted)
    router.invoke(EXECUTE, executed)


def is_submit(activity: Activity) -> bool:
    return activity.type == ActivityTypes.message and inbound.action_data(activity.value) is not None


def pressed_in(value: Any) -> Pressed | None:
    """The Cobot button an activity's value says was pressed (with what was typed or chosen), if any."""
    data = inbound.action_data(value) or {}
    try:
        kind = ActionKind(str(data.get(cards.DATA_KEY)))
    except ValueError:
        return None
    button_value = str(data.get(cards.VALUE_KEY) or "")
    part = data.get(cards.PART_INPUT_ID)
    if kind is ActionKind.VOLUNTEER and part:
        button_value = str(part)  # the part menu's choice, "12:3"
    typed = data.get(cards.INPUT_ID)
    return Pressed(kind, button_value, None if typed is None else str(typed))


async def submitted(turn: Turn) -> None:
    """An Action.Submit (the fallback of an Action.Execute button): answered in the conversation."""
    pressed = pressed_in(turn.activity.value)
    if pressed is None:
        return
    if form_for(pressed.kind) is not None and pressed.typed is None:
        # A client without dialogs: the form comes as a card in the conversation, its answer as another submit.
        await turn.send_built(lambda r: cards.form_message(pressed.kind, pressed.value, r))
        return
    reply = await turn.act(lambda ctx: press(ctx, pressed.kind, pressed.value, form_value=pressed.typed))
    await turn.send(reply)


async def executed(turn: Turn) -> None:
    """An Action.Execute button: the answer is shown to the person who pressed it; an answer with buttons of
    its own (free slots to book) is posted in the conversation as well."""
    pressed = pressed_in(turn.activity.value)
    if pressed is None or (form_for(pressed.kind) is not None and pressed.typed is None):
        await turn.invoke_response(
            {
                "statusCode": 400,
                "type": ERROR_RESPONSE,
                "value": {"code": "BadRequest", "message": "not a Cobot button"},
            }
        )
        return
    reply = await turn.act(lambda ctx: press(ctx, pressed.kind, pressed.value, form_value=pressed.typed))
    if reply.actions or reply.card is not None:
        await turn.send(reply)
    text = await turn.plain(reply)
    await turn.invoke_response({"statusCode": 200, "type": MESSAGE_RESPONSE, "value": text or "✓"})
