"""The three adapters show the same buttons for the same request: Slack's blocks, Teams' card and the console's
lines list the same kinds of action, in the same order, with the same labels, whatever the request's state and
whether the owner or a colleague is looking (the owner's answer carries the owner's buttons)."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.console.render import ConsoleRenderer, Style
from bot.slack import blocks, ids
from bot.teams import cards
from bot.teams.render import TeamsRenderer
from handlers import texts
from handlers.cards import card_actions
from handlers.results import Action, ActionKind, CardView, Holder, PartView, Reply
from storage.models import RequestStatus, ReviewState

INVITE = Action(ActionKind.INVITE_MATCHING, "12", texts.BUTTON_INVITE)


def view(status: RequestStatus, *, holders: tuple[Holder, ...] = (), parts: tuple[PartView, ...] = ()) -> CardView:
    return CardView(
        number=12,
        title="Ten SEO tips",
        brief="",
        format=None,
        skills=("SEO",),
        deadline=date(2026, 12, 10),
        status=status,
        owner="U0OWNER",
        needed=2,
        holders=holders,
        waiting=(),
        parts=parts,
    )


STATES = {
    "open": view(RequestStatus.OPEN),
    "in review": view(RequestStatus.OPEN, holders=(Holder("U0ANNA", ReviewState.SUBMITTED),)),
    "approved": view(RequestStatus.APPROVED, holders=(Holder("U0ANNA", ReviewState.APPROVED),)),
    "with parts": view(RequestStatus.OPEN, parts=(PartView(1, "Intro", 1, (), ()), PartView(2, "SEO", 1, (), ()))),
}


def slack_buttons(reply: Reply) -> list[tuple[ActionKind, str]]:
    _, shown = blocks.reply_message(reply)
    found = []
    for block in shown:
        for element in block.get("elements") or [] if block["type"] == "actions" else []:
            kind = ids.kind_of(element["action_id"])
            assert kind is not None
            label = element["text"]["text"] if element["type"] == "button" else texts.BUTTON_VOLUNTEER
            found.append((kind, label))
    return found


def teams_buttons(reply: Reply) -> list[tuple[ActionKind, str]]:
    card: dict[str, Any] = cards.reply_card(reply, TeamsRenderer())
    return [(ActionKind(a["data"][cards.DATA_KEY]), a["title"]) for a in card.get("actions", [])]


def console_buttons(reply: Reply) -> list[tuple[ActionKind, str]]:
    # What bot.console shows under an answer with a card: the answer's buttons, then the card's.
    renderer = ConsoleRenderer(names=str, timezone=ZoneInfo("UTC"), style=Style(color=False))
    assert reply.card is not None
    return [(a.kind, renderer.label(a)) for a in reply.actions + card_actions(reply.card)]


@pytest.mark.parametrize("state", list(STATES))
@pytest.mark.parametrize("owner", [True, False], ids=["owner", "colleague"])
def test_slack_teams_and_the_console_show_the_same_buttons(state: str, owner: bool) -> None:
    card = STATES[state]
    mine = (INVITE,) if owner and card.is_open else ()
    reply = Reply((), card, actions=mine)
    slack, teams, console = slack_buttons(reply), teams_buttons(reply), console_buttons(reply)
    if card.parts:
        # The console has no menus: one Volunteer button per part where Slack and Teams have one menu.
        assert [k for k, _ in console].count(ActionKind.VOLUNTEER) == len(card.parts)
        first = next(i for i, (k, _) in enumerate(console) if k is ActionKind.VOLUNTEER)
        console = [*console[:first], (ActionKind.VOLUNTEER, "Volunteer"), *console[first + len(card.parts) :]]
        slack = [(k, "Volunteer" if k is ActionKind.VOLUNTEER else label) for k, label in slack]
    assert slack == teams == console
    kinds = [k for k, _ in slack]
    if not card.is_open:
        assert kinds == []
    else:
        expected = [ActionKind.VOLUNTEER, ActionKind.SUBMIT_DRAFT, ActionKind.WITHDRAW]
        assert kinds == ([ActionKind.INVITE_MATCHING] if owner else []) + expected
